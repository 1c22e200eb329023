import { invalidInput } from '../../core/problem.js';

/**
 * Reads a provider's payload by path, throwing a 422 that names the missing field (`/deployment/sha`).
 * @example const sha = required(payload, 'deployment', 'sha')
 */
export function required(payload: unknown, ...path: string[]): string {
  const value = optional(payload, ...path);
  if (value === undefined || value === '') throw invalidInput(`The payload lacks /${path.join('/')}`, [{ pointer: `/${path.join('/')}`, detail: 'is required in this payload', rule: 'required' }]);
  return value;
}

/** A text or number field by path, as text; undefined when absent. */
export function optional(payload: unknown, ...path: string[]): string | undefined {
  let at: unknown = payload;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'string' ? at : typeof at === 'number' ? String(at) : undefined;
}

/** A list field by path; [] when absent, a 422 when not a list. */
export function list(payload: unknown, ...path: string[]): unknown[] {
  let at: unknown = payload;
  for (const key of path) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  if (at === undefined || at === null) return [];
  if (!Array.isArray(at)) throw invalidInput(`/${path.join('/')} must be a list`, [{ pointer: `/${path.join('/')}`, detail: 'must be a list', rule: 'type' }]);
  return at;
}

/** A timestamp in a provider's own format (GitLab's `2021-04-28 21:50:00 +0200` too) as ISO-8601 UTC. */
export function isoTime(value: string, pointer: string): string {
  const gitlab = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/.exec(value);
  const text = gitlab ? `${gitlab[1]}T${gitlab[2]}${gitlab[3]}:${gitlab[4]}` : value.replace(/ UTC$/, 'Z');
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw invalidInput(`${pointer} is not a date`, [{ pointer, detail: 'must be a date-time', rule: 'format' }]);
  return new Date(time).toISOString();
}
