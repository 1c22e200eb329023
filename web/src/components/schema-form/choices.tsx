/**
 * The schema form's choice controls: one of a few options (select or radio buttons), several of them (a
 * multi-select or checkboxes), and the chooser between a field's `oneOf`/`anyOf` alternatives.
 */
import { alternativeLabel } from './alternatives';
import type { ControlProps } from './inputs';
import type { JsonSchema } from './schema';

export interface Choice {
  value: unknown;
  label: string;
}

/** A field's options: `enum` with `enumNames`, `oneOf` of consts with titles, or Yes/No for a boolean. */
export function choicesOf(schema: JsonSchema): Choice[] | undefined {
  if (schema.enum) return schema.enum.map((value, i) => ({ value, label: schema.enumNames?.[i] ?? String(value) }));
  if (schema.oneOf?.length && schema.oneOf.every((o) => 'const' in o)) return schema.oneOf.map((o) => ({ value: o.const, label: o.title ?? String(o.const) }));
  return undefined;
}

/** One of the options in a select; options carry their value as text (what scripts read) and the typed value is looked up again. */
export function ChoiceSelect({ choices, value, onChange, required, placeholder, readOnly, ...common }: ControlProps & { choices: Choice[]; value: unknown; onChange: (v: unknown) => void; required: boolean; placeholder?: string; readOnly?: boolean; autoFocus?: boolean }) {
  const selected = choices.find((o) => o.value === value);
  return (
    <select {...common} value={selected ? String(selected.value) : ''} disabled={readOnly} onChange={(e) => onChange(choices.find((o) => String(o.value) === e.target.value)?.value)}>
      <option value="">{placeholder ?? (required ? 'Choose…' : '(none)')}</option>
      {choices.map((o, i) => (
        <option key={i} value={String(o.value)}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** One of the options as radio buttons (`ui:widget: radio`), grouped under the field's label. */
export function ChoiceRadios({ id, choices, value, onChange, readOnly, describedBy }: { id: string; choices: Choice[]; value: unknown; onChange: (v: unknown) => void; readOnly?: boolean; describedBy?: string }) {
  return (
    <div className="tpl-checks" role="radiogroup" aria-labelledby={`${id}-label`} aria-describedby={describedBy}>
      {choices.map((o, i) => (
        <label key={i} className="tpl-check">
          <input type="radio" name={id} id={i === 0 ? id : undefined} checked={o.value === value} disabled={readOnly} onChange={() => onChange(o.value)} /> {o.label}
        </label>
      ))}
    </div>
  );
}

/** Several of the options in a list box (an array of an enum with `uniqueItems`, as react-jsonschema-form draws it), in the options' order. */
export function ChoiceMultiSelect({ choices, value, onChange, readOnly, ...common }: ControlProps & { choices: Choice[]; value: unknown[]; onChange: (v: unknown) => void; readOnly?: boolean }) {
  return (
    <select
      {...common}
      multiple
      size={Math.min(8, Math.max(3, choices.length))}
      value={choices.flatMap((o, i) => (value.includes(o.value) ? [String(i)] : []))}
      disabled={readOnly}
      onChange={(e) => onChange([...e.target.selectedOptions].map((o) => choices[Number(o.value)]!.value))}
    >
      {choices.map((o, i) => (
        <option key={i} value={String(i)}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/**
 * Several of the options as checkboxes (an array of an enum; `ui:widget: checkboxes`), in the options' order;
 * once `max` are ticked (the field's `maxItems`), the others wait until one is unticked.
 */
export function ChoiceCheckboxes({ id, choices, value, onChange, readOnly, describedBy, max }: { id: string; choices: Choice[]; value: unknown[]; onChange: (v: unknown) => void; readOnly?: boolean; describedBy?: string; max?: number }) {
  const full = max !== undefined && value.length >= max;
  return (
    <div className="tpl-checks" role="group" aria-labelledby={`${id}-label`} aria-describedby={describedBy}>
      {choices.map((o, i) => (
        <label key={i} className="tpl-check">
          <input
            type="checkbox"
            id={i === 0 ? id : undefined}
            checked={value.includes(o.value)}
            disabled={readOnly || (full && !value.includes(o.value))}
            onChange={(e) => onChange(choices.map((c) => c.value).filter((v) => (v === o.value ? e.target.checked : value.includes(v))))}
          />{' '}
          {o.label}
        </label>
      ))}
    </div>
  );
}

/**
 * The choice between a field's alternatives (`oneOf`/`anyOf`), by their titles: a select, or radio buttons with
 * `ui:widget: radio` on the field. Choosing one shows its fields at once (`alternatives.ts`).
 */
export function AlternativeChooser({ id, label, alternatives, chosen, onChoose, radio }: { id: string; label: string; alternatives: JsonSchema[]; chosen: number; onChoose: (index: number) => void; radio?: boolean }) {
  const options = alternatives.map((alternative, i) => ({ value: i, label: alternativeLabel(alternative, i) }));
  return (
    <div className="field tpl-alternatives">
      {radio ? (
        <>
          <span className="tpl-label" id={`${id}-label`}>
            {label}
          </span>
          <ChoiceRadios id={id} choices={options} value={chosen} onChange={(v) => onChoose(v as number)} />
        </>
      ) : (
        <>
          <label htmlFor={id} id={`${id}-label`}>
            {label}
          </label>
          <select id={id} value={String(chosen)} onChange={(e) => onChoose(Number(e.target.value))}>
            {options.map((o) => (
              <option key={o.value} value={String(o.value)}>
                {o.label}
              </option>
            ))}
          </select>
        </>
      )}
    </div>
  );
}
