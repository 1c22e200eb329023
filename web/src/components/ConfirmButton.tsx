import { useState } from 'react';

/**
 * A button for something that cannot be undone: the first press asks, naming what will happen
 * (`confirmLabel`), and only that second button acts; "Keep" steps back.
 */
export function ConfirmButton({
  label,
  ariaLabel,
  confirmLabel,
  onConfirm,
  keepLabel = 'Keep',
}: {
  label: string;
  ariaLabel?: string;
  confirmLabel: string;
  onConfirm: () => Promise<void> | void;
  keepLabel?: string;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="btn small-btn" aria-label={ariaLabel} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="row">
      <button
        type="button"
        className="btn small-btn confirm-delete"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="btn small-btn" disabled={busy} onClick={() => setAsking(false)}>
        {keepLabel}
      </button>
    </span>
  );
}
