import { sql, type RawBuilder } from 'kysely';
import type { DoraChange, DoraDeployment, DoraIncident } from './dora.js';

/**
 * Where the facts read from lines go: objects (`ObjectFacts`), or columns (`DoraFacts`). Entities are told by their
 * index in `entities` and by their ref.
 */
export interface FactSink {
  readonly entities: ReadonlyMap<string, number>;
  /** The text the commits that follow lie in. */
  beginText(text: string): void;
  /** A commit whose sha is `text` from `start` to `end` (a string only when the sink keeps one). */
  addCommit(entity: number, entityRef: string, text: string, start: number, end: number, at: number): void;
  addDeployment(entity: number, deployment: DoraDeployment): void;
  /** An incident's event: `opened` true for an opening, false for a resolution, undefined for neither. */
  addIncidentEvent(entity: number, entityRef: string, key: string, opened: boolean | undefined, at: number): void;
}

/** The facts of some components as objects, as the pull requests' lead times read them. */
export interface DeliveryFacts {
  deployments: DoraDeployment[];
  changes: DoraChange[];
  incidents: DoraIncident[];
}

/** Gathers facts as objects; an incident put together from its events (the earliest opening, the latest resolution). */
export class ObjectFacts implements FactSink {
  readonly facts: DeliveryFacts = { deployments: [], changes: [], incidents: [] };
  readonly entities: ReadonlyMap<string, number>;
  readonly #incidents = new Map<string, DoraIncident>();

  constructor(entityRefs: readonly string[]) {
    this.entities = new Map(entityRefs.map((ref, i) => [ref, i]));
  }

  beginText(): void {}

  addCommit(_entity: number, entityRef: string, text: string, start: number, end: number, at: number): void {
    this.facts.changes.push({ entityRef, sha: text.slice(start, end), at });
  }

  addDeployment(_entity: number, deployment: DoraDeployment): void {
    this.facts.deployments.push(deployment);
  }

  addIncidentEvent(_entity: number, entityRef: string, key: string, opened: boolean | undefined, at: number): void {
    const id = `${entityRef}\u0000${key}`;
    let incident = this.#incidents.get(id);
    if (!incident) {
      incident = { key, entityRef };
      this.#incidents.set(id, incident);
      this.facts.incidents.push(incident);
    }
    addIncidentEvent(incident, opened, at);
  }
}

/** Folds an incident's event into it: the earliest opening and the latest resolution count, in whatever order they came. */
export function addIncidentEvent(incident: DoraIncident, opened: boolean | undefined, at: number): void {
  if (opened === true) incident.openedAt = incident.openedAt === undefined ? at : Math.min(incident.openedAt, at);
  else if (opened === false) incident.resolvedAt = incident.resolvedAt === undefined ? at : Math.max(incident.resolvedAt, at);
}

/**
 * A deployment, commit or incident event as one line of text, fields apart by spaces: `entity c at sha` for a commit,
 * `entity d at status rework sha commits environment id` for a deployment (`-` for no sha or commits; the environment
 * as its index in `production`), `entity i at o|r|- key` for an incident's opening, resolution or neither (its key to
 * the line's end, backslashes and line breaks escaped as `\\` and `\n`). None of the other fields holds a space or a
 * line break: entity refs are the catalog's (names of letters, digits and `-_.`), ids printable ASCII without spaces,
 * shas hexadecimal, commits a JSON list of them.
 */
export function factLine(production: readonly string[], dialect: 'sqlite' | 'postgres'): RawBuilder<string> {
  const environment = sql.join(production.map((environment, i) => sql`WHEN ${environment} THEN '${sql.raw(String(i))}'`), sql` `);
  const newline = dialect === 'postgres' ? sql`chr(10)` : sql`char(10)`;
  const [entity, at] = [sql.ref('entity_ref'), sql.ref('at')];
  return sql<string>`CASE ${sql.ref('type')} WHEN 'change' THEN ${entity} || ' c ' || ${at} || ' ' || ${sql.ref('sha')}
    WHEN 'incident' THEN ${entity} || ' i ' || ${at} || CASE WHEN ${sql.ref('status')} = 'opened' THEN ' o ' WHEN ${sql.ref('status')} <> 'opened' THEN ' r ' ELSE ' - ' END || replace(replace(${sql.ref('incident')}, '\\', '\\\\'), ${newline}, '\\n')
    ELSE ${entity} || ' d ' || ${at} || CASE ${sql.ref('status')} WHEN 'success' THEN ' s ' ELSE ' f ' END || ${sql.ref('rework')} || ' ' || COALESCE(${sql.ref('sha')}, '-') || ' ' || COALESCE(${sql.ref('commits')}, '-') || ' ' || CASE ${sql.ref('environment')} ${environment} END || ' ' || ${sql.ref('id')} END`;
}

/**
 * Hands the facts of `text` (lines of `factLine`) about the entities of `sink` (found by `refs`) to it. Read by hand, a field at a time,
 * times included: splitting into lines and fields made strings of each (a third of the time at a million events).
 */
export function readFactLines(text: string, production: readonly string[], sink: FactSink, refs: RefTable): void {
  sink.beginText(text);
  let start = 0;
  const field = () => {
    const space = text.indexOf(' ', start);
    const value = text.slice(start, space);
    start = space + 1;
    return value;
  };
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const space = text.indexOf(' ', start);
    const entity = refs.find(text, start, space);
    start = space + 1;
    const kind = text.charCodeAt(start);
    const atStart = start + 2;
    start = text.indexOf(' ', atStart) + 1;
    if (entity < 0) {
      start = end + 1;
      continue;
    }
    const entityRef = refs.ref(entity);
    const at = timeOf(text, atStart, start - 1);
    if (kind === C) sink.addCommit(entity, entityRef, text, start, end, at);
    else if (kind === I) {
      const opened = text.charCodeAt(start);
      const key = text.slice(start + 2, end);
      sink.addIncidentEvent(entity, entityRef, key.includes('\\') ? unescapeKey(key) : key, opened === O ? true : opened === R ? false : undefined, at);
    } else {
      const [status, rework, sha, commits, environment] = [field(), field(), field(), field(), field()];
      const id = text.slice(start, end);
      sink.addDeployment(entity, { id, entityRef, environment: production[Number(environment)]!, status: status === 's' ? 'success' : 'failure', at, ...(sha !== '-' ? { sha } : {}), ...(commits !== '-' ? { commits: JSON.parse(commits) as string[] } : {}), rework: rework === '1' });
    }
    start = end + 1;
  }
}

/**
 * The entities of a sink told by their ref's characters in a text, without a string made of each line's (one per line
 * was a tenth of the reading, the garbage collector's work included).
 */
export class RefTable {
  /** Each entity's ref, by its index. */
  readonly #refs: string[] = [];
  /** Open addressing over the entities' indexes; -1 for empty. */
  readonly #table: Int32Array;

  constructor(entities: ReadonlyMap<string, number>) {
    let size = 16;
    while (size < entities.size * 2) size *= 2;
    this.#table = new Int32Array(size).fill(-1);
    for (const [ref, entity] of entities) {
      let position = hashOf(ref, 0, ref.length) & (size - 1);
      while (this.#table[position] !== -1) position = (position + 1) & (size - 1);
      this.#table[position] = entity;
      this.#refs[entity] = ref;
    }
  }

  /** The entity whose ref is `text` from `start` to `end`; -1 for none of them. */
  find(text: string, start: number, end: number): number {
    const mask = this.#table.length - 1;
    for (let position = hashOf(text, start, end) & mask; ; position = (position + 1) & mask) {
      const entity = this.#table[position]!;
      if (entity === -1) return -1;
      const ref = this.#refs[entity]!;
      if (ref.length === end - start && text.startsWith(ref, start)) return entity;
    }
  }

  ref(entity: number): string {
    return this.#refs[entity]!;
  }
}

/** FNV-1a over the characters of `text` from `start` to `end`, its high bits folded into the low ones (tables take the low). */
export function hashOf(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash ^ (hash >>> 16);
}

const [C, I, O, R, ZERO, Z, T, DOT] = ['c', 'i', 'o', 'r', '0', 'Z', 'T', '.'].map(c => c.charCodeAt(0)) as [number, number, number, number, number, number, number, number];

/**
 * The time of `text` from `start` to `end`: as the store writes it (`toISOString`, `2026-03-01T10:00:00.000Z`) read
 * digit by digit (Date.parse was a fifth of the reading), else by Date.parse.
 */
function timeOf(text: string, start: number, end: number): number {
  const canonical = end - start === 24 && text.charCodeAt(end - 1) === Z && text.charCodeAt(start + 10) === T && text.charCodeAt(start + 19) === DOT;
  const year = canonical ? digits(text, start, 4) : 0;
  // Date.UTC takes years 0–99 as 1900–1999.
  if (year < 100) return Date.parse(text.slice(start, end));
  return Date.UTC(year, digits(text, start + 5, 2) - 1, digits(text, start + 8, 2), digits(text, start + 11, 2), digits(text, start + 14, 2), digits(text, start + 17, 2), digits(text, start + 20, 3));
}

/** The number `count` decimal digits of `text` from `from` make. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) value = value * 10 + text.charCodeAt(i) - ZERO;
  return value;
}

function unescapeKey(key: string): string {
  return key.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}
