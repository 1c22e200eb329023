/** The schema form's own text controls: numbers that tolerate half-typed input, and lists of strings. */
import { useState } from 'react';

/** What every control of the schema form gets from its field: id and the ARIA wiring to its hint and errors. */
export type ControlProps = { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean; 'aria-required'?: boolean };

export function NumberInput({ value, onChange, min, max, step, ...common }: ControlProps & { value?: number; onChange: (v: unknown) => void; min?: number; max?: number; step: number | 'any' }) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const shown = Number(text) === value || (text === '' && value === undefined) ? text : value === undefined ? '' : String(value);
  return (
    <input
      {...common}
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

/** Arrays of strings (and EntityTagsPicker): one value per line, or comma-separated for tags. */
export function ListInput({ value, onChange, tags, ...common }: ControlProps & { value: string[]; onChange: (v: unknown) => void; tags: boolean }) {
  const parse = (s: string) =>
    s
      .split(tags ? /[,\s]+/ : /\n/)
      .map((x) => (tags ? x.trim().toLowerCase() : x.trim()))
      .filter(Boolean);
  const [text, setText] = useState(value.join(tags ? ', ' : '\n'));
  // A value set from outside (a default filled in after mounting) replaces what was typed.
  const shown = JSON.stringify(parse(text)) === JSON.stringify(value) ? text : value.join(tags ? ', ' : '\n');
  const change = (s: string) => {
    setText(s);
    onChange(parse(s));
  };
  return (
    <>
      {tags ? (
        <input {...common} type="text" value={shown} autoComplete="off" onChange={(e) => change(e.target.value)} placeholder="tag-one, tag-two" />
      ) : (
        <textarea {...common} rows={3} value={shown} onChange={(e) => change(e.target.value)} placeholder="One value per line" />
      )}
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
