import type { FieldError } from './api';

/**
 * The pointer of a field error without the part of the request it was in: the server's own checks
 * say `/since`, request validation says `/querystring/since`; both name the same form field.
 */
function fieldPointer(pointer: string): string {
  return pointer.replace(/^\/(querystring|body|params)(?=\/|$)/, '');
}

/** The errors that name this field (`/actions`) or a part of it (`/actions/2`). */
export function errorsAt(errors: readonly FieldError[], prefix: string): FieldError[] {
  return errors.filter((e) => {
    const p = fieldPointer(e.pointer);
    return p === prefix || p.startsWith(`${prefix}/`);
  });
}

/** The errors that no field of the form shows (they go above the form, with their pointer). */
export function unplacedErrors(errors: readonly FieldError[], prefixes: readonly string[]): FieldError[] {
  return errors.filter((e) => !prefixes.some((prefix) => errorsAt([e], prefix).length > 0));
}

/** The list index a pointer names below its field (`/actions/2` under `/actions` is 2), if any. */
export function itemIndex(error: FieldError, prefix: string): number | undefined {
  const rest = fieldPointer(error.pointer).slice(prefix.length + 1);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}
