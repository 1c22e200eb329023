import { useId, useState } from 'react';
import { HOME_CARDS, type HomeLayout } from './useHomeLayout';

/** The "Customise" disclosure: which cards this home page shows (remembered in this browser). */
export function CustomiseHome({ layout }: { layout: HomeLayout }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <div className="customise-home">
      <button type="button" className="btn small-btn" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
        Customise this page
      </button>
      {open ? (
        <fieldset id={panelId} className="customise-panel">
          <legend>Cards to show</legend>
          {HOME_CARDS.map((card) => (
            <label key={card.id} className="checkbox">
              <input type="checkbox" checked={layout.shows(card.id)} onChange={(event) => layout.setShown(card.id, event.target.checked)} />
              {card.label}
            </label>
          ))}
        </fieldset>
      ) : null}
    </div>
  );
}
