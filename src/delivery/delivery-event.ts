import type { FieldError } from '../core/problem.js';
import { stringifyEntityRef, tryParseEntityRef } from '../core/entity-ref.js';

/** The three kinds of delivery event. */
export type DeliveryEventType = 'deployment' | 'change' | 'incident';

/**
 * One delivery event as the generic API takes it (and as every provider receiver produces it).
 * What it is about: `entity` (a catalog ref), else `target` (an annotation and its value, e.g.
 * `github.com/project-slug` = `acme/checkout`), matched against the catalog's annotations.
 * @example { id: 'deploy-42', type: 'deployment', at: '2026-01-05T10:00:00Z', target: { annotation: 'github.com/project-slug', value: 'acme/checkout' }, environment: 'production', status: 'success', sha: 'abc123' }
 */
export interface DeliveryEventInput {
  /** The sender's own id: the event is stored once however often it is sent. */
  id: string;
  type: DeliveryEventType;
  /** When it happened (ISO-8601 with a zone): a deployment finished, a commit was made, an incident opened or was resolved. */
  at: string;
  entity?: string;
  target?: { annotation: string; value: string };
  /** deployment: the environment (only production ones count in DORA). */
  environment?: string;
  /** deployment: success | failure; incident: opened | resolved; pull request: opened | merged | closed (not merged) | reopened. */
  status?: string;
  /** change: `commit` (the default) or `pull-request` (a pull or merge request opened, merged, closed or reopened). */
  kind?: 'commit' | 'pull-request';
  /** pull request: its key, the same in each of its events (e.g. `acme/cart#42`). */
  pullRequest?: string;
  /** commit: its id; pull request: the commit that merged it; deployment: the commit deployed. */
  sha?: string;
  /** deployment: the commits it shipped, when the sender knows them (else worked out from the changes); pull request: its own commits (its head), when known. */
  commits?: string[];
  /** deployment: unplanned, made because of an incident. */
  rework?: boolean;
  /** incident: its key, the same in its opening and resolution events. */
  incident?: string;
  title?: string;
  url?: string;
}

/** An event checked and made canonical, ready to store. */
export interface DeliveryEvent {
  id: string;
  type: DeliveryEventType;
  source: string;
  status?: 'success' | 'failure' | 'opened' | 'resolved' | 'merged' | 'closed' | 'reopened';
  /** A pull request's key: the event is about it (a change of kind pull request), not about one commit. */
  pullRequest?: string;
  at: string;
  environment?: string;
  sha?: string;
  incident?: string;
  rework: boolean;
  targetKey: string;
  targetValue: string;
  commits?: string[];
  title?: string;
  url?: string;
}

export const ENTITY_TARGET = 'entity';
const TYPES: readonly string[] = ['deployment', 'change', 'incident'];
const ID = /^[\x21-\x7e]{1,200}$/;
const SHA = /^[0-9a-f]{7,64}$/i;
const ANNOTATION = /^[a-z0-9.-]{1,253}\/[a-z0-9._-]{1,63}$/i;
/** An ISO-8601 date-time with a zone (Z or ±hh:mm); fractions allowed. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const MAX_COMMITS = 1000;
const PULL_REQUEST_STATUSES: readonly string[] = ['opened', 'merged', 'closed', 'reopened'];

/** What a check needs besides the event: the clock and how far ahead of it a timestamp may be. */
export interface EventChecks {
  now: Date;
  clockSkewSeconds: number;
}

/** Why a time (ms) lies too far in the future to be believed, or undefined when it does not. */
export function tooFarAhead(time: number, checks: EventChecks): string | undefined {
  if (time <= checks.now.getTime() + checks.clockSkewSeconds * 1000) return undefined;
  return `lies in the future (more than ${checks.clockSkewSeconds} s ahead of Pave's clock, ${checks.now.toISOString()})`;
}

/**
 * Checks one event and makes it canonical (timestamps in UTC, shas lower-case, the target as key and
 * value). Never throws: answers the event or the mistakes, each at `pointer` + the field.
 * @example normalizeEvent(input, 'api', '/events/0', { now: new Date(), clockSkewSeconds: 300 })
 */
export function normalizeEvent(input: unknown, source: string, pointer: string, checks: EventChecks): { event?: DeliveryEvent; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, detail: string, rule: string) => errors.push({ pointer: `${pointer}/${field}`, detail, rule });
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { errors: [{ pointer, detail: 'must be an object', rule: 'type' }] };
  const e = input as Record<string, unknown>;
  if (typeof e.id !== 'string' || !ID.test(e.id)) fail('id', 'is required: 1 to 200 printable characters, unique per event (the sender\'s own id)', 'required');
  if (typeof e.type !== 'string' || !TYPES.includes(e.type)) fail('type', "must be 'deployment', 'change' or 'incident'", 'enum');
  let at: string | undefined;
  if (typeof e.at !== 'string' || !TIMESTAMP.test(e.at) || Number.isNaN(Date.parse(e.at))) fail('at', "must be an ISO-8601 date-time with a zone, e.g. '2026-01-05T10:00:00Z'", 'format');
  else {
    const time = Date.parse(e.at);
    const ahead = tooFarAhead(time, checks);
    if (ahead) fail('at', ahead, 'future');
    else at = new Date(time).toISOString();
  }
  let targetKey: string | undefined;
  let targetValue: string | undefined;
  if (e.entity !== undefined) {
    const ref = typeof e.entity === 'string' && e.entity.length <= 300 ? tryParseEntityRef(e.entity, { defaultKind: 'component' }) : undefined;
    if (!ref) fail('entity', "must be an entity ref, e.g. 'component:default/checkout'", 'format');
    else [targetKey, targetValue] = [ENTITY_TARGET, stringifyEntityRef(ref)];
  } else if (e.target !== undefined) {
    const t = e.target as Record<string, unknown> | null;
    if (!t || typeof t !== 'object') fail('target', 'must be { annotation, value }', 'type');
    else {
      if (typeof t.annotation !== 'string' || !ANNOTATION.test(t.annotation)) fail('target/annotation', "must be an annotation name, e.g. 'github.com/project-slug'", 'format');
      if (typeof t.value !== 'string' || t.value.length < 1 || t.value.length > 200) fail('target/value', 'must be the annotation\'s value, 1 to 200 characters', 'required');
      if (!errors.length) [targetKey, targetValue] = [(t.annotation as string).toLowerCase(), (t.value as string).toLowerCase()];
    }
  } else fail('entity', 'is required (or target): what the event is about, e.g. \'component:default/checkout\'', 'required');
  const optionalText = (field: 'environment' | 'title' | 'url' | 'incident' | 'pullRequest', max: number) => {
    if (e[field] !== undefined && (typeof e[field] !== 'string' || (e[field] as string).length > max || (e[field] as string).length === 0)) fail(field, `must be text of 1 to ${max} characters`, 'type');
  };
  optionalText('environment', 100);
  optionalText('title', 500);
  optionalText('url', 2000);
  optionalText('incident', 200);
  optionalText('pullRequest', 200);
  if (e.sha !== undefined && (typeof e.sha !== 'string' || !SHA.test(e.sha))) fail('sha', 'must be a commit id: 7 to 64 hexadecimal characters', 'format');
  if (e.rework !== undefined && typeof e.rework !== 'boolean') fail('rework', 'must be true or false', 'type');
  if (e.commits !== undefined) {
    if (!Array.isArray(e.commits) || e.commits.length > MAX_COMMITS) fail('commits', `must be a list of at most ${MAX_COMMITS} commit ids`, 'type');
    else e.commits.forEach((sha, i) => typeof sha === 'string' && SHA.test(sha) ? undefined : fail(`commits/${i}`, 'must be a commit id: 7 to 64 hexadecimal characters', 'format'));
  }
  switch (e.type) {
    case 'deployment':
      if (e.status !== 'success' && e.status !== 'failure') fail('status', "is required for a deployment: 'success' or 'failure'", 'enum');
      if (e.environment === undefined) fail('environment', "is required for a deployment, e.g. 'production'", 'required');
      break;
    case 'change':
      if (e.kind === 'pull-request') {
        if (e.pullRequest === undefined) fail('pullRequest', "is required for a pull request: its key, the same in each of its events, e.g. 'acme/cart#42'", 'required');
        if (!PULL_REQUEST_STATUSES.includes(e.status as string)) fail('status', "is required for a pull request: 'opened', 'merged', 'closed' or 'reopened'", 'enum');
      } else if (e.kind !== undefined && e.kind !== 'commit') fail('kind', "must be 'commit' or 'pull-request'", 'enum');
      else if (e.sha === undefined) fail('sha', 'is required for a change: its commit id', 'required');
      break;
    case 'incident':
      if (e.status !== 'opened' && e.status !== 'resolved') fail('status', "is required for an incident: 'opened' or 'resolved'", 'enum');
      if (e.incident === undefined) fail('incident', 'is required for an incident: its key, the same when it opens and when it is resolved', 'required');
      break;
  }
  if (errors.length) return { errors };
  const event: DeliveryEvent = {
    id: e.id as string,
    type: e.type as DeliveryEventType,
    source,
    at: at!,
    rework: e.rework === true,
    targetKey: targetKey!,
    targetValue: targetValue!,
    ...(e.status !== undefined ? { status: e.status as DeliveryEvent['status'] } : {}),
    ...(e.environment !== undefined ? { environment: (e.environment as string).toLowerCase() } : {}),
    ...(e.sha !== undefined ? { sha: (e.sha as string).toLowerCase() } : {}),
    ...(e.incident !== undefined ? { incident: e.incident as string } : {}),
    ...(e.type === 'change' && e.kind === 'pull-request' ? { pullRequest: e.pullRequest as string } : {}),
    ...(e.commits !== undefined ? { commits: (e.commits as string[]).map(c => c.toLowerCase()) } : {}),
    ...(e.title !== undefined ? { title: e.title as string } : {}),
    ...(e.url !== undefined ? { url: e.url as string } : {}),
  };
  return { event, errors };
}
