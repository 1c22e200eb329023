import type { ReactNode } from 'react';
import type { FieldError } from '../lib/api';

export interface FieldInputProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/**
 * A labelled form field with its hint and the server's errors for it, wired for screen readers
 * (`aria-invalid`, `aria-describedby`). `describe` turns an error into words (e.g. naming the list item).
 */
export function FormField({
  id,
  label,
  hint,
  errors,
  describe = (e) => e.detail,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  errors: readonly FieldError[];
  describe?: (error: FieldError) => string;
  children: (props: FieldInputProps) => ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : '', errors.length ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${errors.length ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(errors.length ? { 'aria-invalid': true as const } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {errors.length ? (
        <ul className="field-errors" id={`${id}-err`} data-pointer={errors[0]!.pointer}>
          {errors.map((e, i) => (
            <li key={i}>{describe(e)}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
