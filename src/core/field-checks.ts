import type { FieldError } from './problem.js';

/** Records a mistake at `pointer`, in words (`detail`), unless `ok`. */
export type FieldCheck = (ok: boolean, pointer: string, detail: string) => void;

/**
 * The mistakes a run of checks finds, in the order they were checked: every one, never just the first.
 * @example fieldChecks(check => check(port > 0, '/port', 'must be positive')) // [] or [{ pointer: '/port', detail: 'must be positive' }]
 */
export function fieldChecks(checks: (check: FieldCheck) => void): FieldError[] {
  const errors: FieldError[] = [];
  checks((ok, pointer, detail) => {
    if (!ok) errors.push({ pointer, detail });
  });
  return errors;
}
