/**
 * Expiry of requests: a capability's `spec.ttl` (`default`, `maximum`: durations such as `2h`, `7d`) and a
 * request's own time to live in the `pave.dev/ttl` annotation. A request expires `ttl` after it is created
 * (the capability's default when it names none; its maximum when there is no default); its owners may
 * extend it, never past `maximum` after its creation. Pure: no I/O.
 */
import { isObject } from '../../core/is-object.js';
import { joinPointer, type FieldError } from '../../core/problem.js';
import { parseDurationSeconds } from './duration.js';

/** Annotation holding a request's own time to live. */
export const ANNOTATION_TTL = 'pave.dev/ttl';
export const TTL_POINTER = `/metadata/annotations${joinPointer(ANNOTATION_TTL)}`;

export interface TtlPolicy {
  default?: string | number;
  maximum?: string | number;
}

/** Checks a capability's `spec.ttl` under `at`, naming every mistake. */
export function validateTtlPolicy(raw: unknown, at: string): FieldError[] {
  if (!isObject(raw)) return [{ pointer: at, detail: 'must be a mapping with default and/or maximum (durations such as 2h or 7d)', rule: 'type' }];
  const errors: FieldError[] = [];
  for (const key of Object.keys(raw)) if (key !== 'default' && key !== 'maximum') errors.push({ pointer: `${at}/${key}`, detail: 'is not a known field here (expected default, maximum)', rule: 'additionalProperties' });
  for (const key of ['default', 'maximum'] as const) {
    if (raw[key] !== undefined && parseDurationSeconds(raw[key]) === undefined) errors.push({ pointer: `${at}/${key}`, detail: 'must be a positive number of seconds or a duration such as 90m, 12h or 7d', rule: 'duration' });
  }
  const byDefault = parseDurationSeconds(raw.default);
  const maximum = parseDurationSeconds(raw.maximum);
  if (byDefault !== undefined && maximum !== undefined && byDefault > maximum) errors.push({ pointer: `${at}/default`, detail: `must not be longer than maximum (${String(raw.maximum)})`, rule: 'ttl-maximum' });
  return errors;
}

/**
 * When a request created at `createdAt` expires: its own ttl (annotation), else the policy's default, else its
 * maximum; undefined when none applies. A ttl that is not a duration, or longer than the maximum, is an error
 * naming the annotation.
 * @example expiryAt({ ttl: '2h', policy: { maximum: '1d' }, from: new Date(0), createdAt: new Date(0) }) // { at: 1970-01-01T02:00:00.000Z }
 */
export function expiryAt(options: { ttl: unknown; policy: TtlPolicy | undefined; from: Date; createdAt: Date; pointer?: string }): { at?: Date; error?: FieldError } {
  const pointer = options.pointer ?? TTL_POINTER;
  const { policy } = options;
  const own = options.ttl === undefined ? undefined : parseDurationSeconds(options.ttl);
  if (options.ttl !== undefined && own === undefined) return { error: { pointer, detail: 'must be a duration such as 90m, 12h or 7d', rule: 'duration' } };
  const seconds = own ?? parseDurationSeconds(policy?.default) ?? parseDurationSeconds(policy?.maximum);
  if (seconds === undefined) return {};
  const at = new Date(options.from.getTime() + seconds * 1000);
  const maximum = parseDurationSeconds(policy?.maximum);
  if (maximum !== undefined) {
    const latest = new Date(options.createdAt.getTime() + maximum * 1000);
    if (at > latest) return { error: { pointer, detail: `would expire at ${at.toISOString()}, after the capability's maximum (${String(policy!.maximum)} from creation: ${latest.toISOString()})`, rule: 'ttl-maximum' } };
  }
  return { at };
}
