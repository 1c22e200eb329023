/** The schema form's own text controls: numbers that tolerate half-typed input, and tags. */
import { useState } from 'react';

/** What every control of the schema form gets from its field: id and the ARIA wiring to its hint and errors. */
export type ControlProps = { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean; 'aria-required'?: boolean };

export function NumberInput({
  value,
  onChange,
  min,
  max,
  step,
  ...rest
}: ControlProps & { value?: number; onChange: (v: unknown) => void; min?: number; max?: number; step: number | 'any'; placeholder?: string; readOnly?: boolean; autoFocus?: boolean }) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const shown = Number(text) === value || (text === '' && value === undefined) ? text : value === undefined ? '' : String(value);
  return (
    <input
      {...rest}
      type="number"
      inputMode="numeric"
      value={shown}
      min={min}
      max={max}
      step={step}
      onChange={(e) => {
        setText(e.target.value);
        const n = e.target.value === '' ? undefined : Number(e.target.value);
        onChange(n === undefined || Number.isNaN(n) ? e.target.value || undefined : n);
      }}
    />
  );
}

/** EntityTagsPicker: tags typed comma-separated, kept lower-case, shown as chips. */
export function TagsInput({ value, onChange, ...common }: ControlProps & { value: string[]; onChange: (v: unknown) => void }) {
  const parse = (s: string) =>
    s
      .split(/[,\s]+/)
      .map((x) => x.trim().toLowerCase())
      .filter(Boolean);
  const [text, setText] = useState(value.join(', '));
  // A value set from outside (a default filled in after mounting) replaces what was typed.
  const shown = JSON.stringify(parse(text)) === JSON.stringify(value) ? text : value.join(', ');
  return (
    <>
      <input
        {...common}
        type="text"
        value={shown}
        autoComplete="off"
        onChange={(e) => {
          setText(e.target.value);
          onChange(parse(e.target.value));
        }}
        placeholder="tag-one, tag-two"
      />
      {value.length ? (
        <div className="tpl-chips" aria-hidden="true">
          {value.map((v) => (
            <span key={v} className="tag">{v}</span>
          ))}
        </div>
      ) : null}
    </>
  );
}
