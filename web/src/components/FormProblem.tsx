import type { FieldError } from '../lib/api';

/**
 * What the server refused about a form, above it: one line, then the field errors no field of the
 * form shows (each with its JSON pointer, `whole` naming the empty pointer).
 */
export function FormProblem({ title, unplaced, whole }: { title: string; unplaced: readonly FieldError[]; whole: string }) {
  return (
    <div className="error-state" role="alert">
      <p className="error-title">{title}</p>
      {unplaced.length ? (
        <ul>
          {unplaced.map((e, i) => (
            <li key={i}>
              <span className="mono">{e.pointer || whole}</span>: {e.detail}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
