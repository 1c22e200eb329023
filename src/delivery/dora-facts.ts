import type { DoraChange, DoraDeployment, DoraIncident } from './dora.js';
import { addIncidentEvent, hashOf, type FactSink } from './fact-lines.js';

const NONE = -1;

/** Each commit, where its sha lies (a text, an offset, a length) and its hash: columns shared by every component. */
interface CommitArrays {
  at: Float64Array;
  latest: Float64Array;
  hash: Int32Array;
  text: Int32Array;
  offset: Int32Array;
  length: Int32Array;
}

/**
 * One component's commits as columns, each sha once: its earliest and latest time. At a million events, a map of
 * sha strings to slots touched objects scattered over the heap for each commit (~2 µs a commit in the bench), and so
 * did a table per component filled as the lines came (components in random order): here the commits are read into
 * columns in the lines' order, put in order of component (a counting sort), and each component's shas are told apart
 * by hash in a table of its own, worked on while it is in the cache. A sha is read in place in the text it came in.
 */
export class CommitColumns {
  constructor(
    readonly count: number,
    private readonly begin: number,
    private readonly arrays: CommitArrays,
    private readonly texts: readonly string[],
    /** Open addressing over the slots (0 … count - 1); NONE for empty. */
    private readonly table: Int32Array,
    /** Every time of a sha told more than once (global slot → times): a window that ends between them needs the latest before its end. */
    private readonly times: ReadonlyMap<number, number[]>,
  ) {}

  earliest(slot: number): number {
    return this.arrays.at[this.begin + slot]!;
  }

  sha(slot: number): string {
    const i = this.begin + slot;
    const offset = this.arrays.offset[i]!;
    return this.texts[this.arrays.text[i]!]!.slice(offset, offset + this.arrays.length[i]!);
  }

  /** The slot of a sha, NONE when no commit told of it. */
  slotOf(sha: string): number {
    const hash = hashOf(sha, 0, sha.length);
    const { arrays, texts, table } = this;
    const mask = table.length - 1;
    for (let position = hash & mask; ; position = (position + 1) & mask) {
      const slot = table[position]!;
      if (slot === NONE) return NONE;
      const i = this.begin + slot;
      if (arrays.hash[i] === hash && arrays.length[i] === sha.length && texts[arrays.text[i]!]!.startsWith(sha, arrays.offset[i]!)) return slot;
    }
  }

  /** The latest time before `end` the sha of `slot` was told at (it was told before `end`: its earliest is). */
  latestBefore(slot: number, end: number): number {
    const latest = this.arrays.latest[this.begin + slot]!;
    if (latest < end) return latest;
    let before = -Infinity;
    for (const at of this.times.get(this.begin + slot) ?? []) if (at < end && at > before) before = at;
    return before;
  }

  /** Each commit as told, before `end` (a sha told twice, twice). */
  changes(entityRef: string, end: number): DoraChange[] {
    const changes: DoraChange[] = [];
    for (let slot = 0; slot < this.count; slot++) {
      for (const at of this.times.get(this.begin + slot) ?? [this.earliest(slot)]) if (at < end) changes.push({ entityRef, sha: this.sha(slot), at });
    }
    return changes;
  }
}

/** One component's facts arranged for the computation: production deployments in time order, commits as columns, incidents. */
export class ComponentFacts {
  readonly deployments: DoraDeployment[] = [];
  readonly incidents: DoraIncident[] = [];
  #successes: DoraDeployment[] | undefined;

  constructor(
    readonly entityRef: string,
    readonly commits: CommitColumns,
  ) {}

  /** The successful deployments in order (the deployments are sorted on first use: every fact is in by then). */
  get successes(): DoraDeployment[] {
    if (!this.#successes) {
      inTimeOrder(this.deployments);
      this.#successes = this.deployments.filter(d => d.status === 'success');
    }
    return this.#successes;
  }
}

const byTimeAndId = (a: DoraDeployment, b: DoraDeployment) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Sorts deployments by time, ties by id. A comparator called per pair was a tenth of the computation at a million
 * events: the times (whole ms) with each one's index in the low bits sort as numbers natively, then ties by id.
 */
function inTimeOrder(deployments: DoraDeployment[]): void {
  const n = deployments.length;
  let min = Infinity;
  let max = -Infinity;
  let whole = true;
  for (const { at } of deployments) {
    if (at < min) min = at;
    if (at > max) max = at;
    whole &&= Number.isSafeInteger(at);
  }
  let scale = 1;
  while (scale < n) scale *= 2;
  if (n < 2 || !whole || (max - min + 1) * scale > Number.MAX_SAFE_INTEGER) {
    deployments.sort(byTimeAndId);
    return;
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (deployments[i]!.at - min) * scale + i;
  keys.sort();
  const sorted = Array.from(keys, key => deployments[key % scale]!);
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && sorted[j]!.at === sorted[i]!.at) j++;
    if (j - i > 1) sorted.slice(i, j).sort(byTimeAndId).forEach((deployment, k) => (sorted[i + k] = deployment));
    i = j;
  }
  for (let i = 0; i < n; i++) deployments[i] = sorted[i]!;
}

/**
 * The facts of some components as the computation reads them (`computeDora`), arranged once for every window a
 * request asks about: read straight from the store's lines (`DeliveryEventStore.doraFacts`) or from objects. Filled
 * first (as a `FactSink`), then read (`of`).
 */
export class DoraFacts implements FactSink {
  readonly entities: ReadonlyMap<string, number>;
  readonly #refs: readonly string[];
  readonly #deployments: DoraDeployment[][];
  readonly #incidents: DoraIncident[][];
  /** Each component's incidents by key, as their events come. */
  readonly #incidentKeys: Array<Map<string, DoraIncident>>;
  readonly #texts: string[] = [];
  #count = 0;
  #entity = new Int32Array(1024);
  #at = new Float64Array(1024);
  #hash = new Int32Array(1024);
  #text = new Int32Array(1024);
  #offset = new Int32Array(1024);
  #length = new Int32Array(1024);
  #components: Array<ComponentFacts | undefined> | undefined;
  #sorted: { arrays: CommitArrays; starts: Int32Array } | undefined;
  /** Every time of a sha told more than once (global slot → times): a window that ends between them needs the latest before its end. */
  readonly #times = new Map<number, number[]>();

  constructor(entityRefs: readonly string[]) {
    this.#refs = [...new Set(entityRefs)];
    this.entities = new Map(this.#refs.map((ref, i) => [ref, i]));
    this.#deployments = this.#refs.map(() => []);
    this.#incidents = this.#refs.map(() => []);
    this.#incidentKeys = this.#refs.map(() => new Map());
  }

  /** From facts as objects: the deployments to `production` only; incidents as given. */
  static from(facts: { deployments: readonly DoraDeployment[]; changes: readonly DoraChange[]; incidents: readonly DoraIncident[] }, production: ReadonlySet<string>): DoraFacts {
    const arranged = new DoraFacts([...facts.deployments, ...facts.changes, ...facts.incidents].map(f => f.entityRef));
    const index = (ref: string) => arranged.entities.get(ref)!;
    for (const deployment of facts.deployments) if (production.has(deployment.environment)) arranged.addDeployment(index(deployment.entityRef), deployment);
    for (const change of facts.changes) {
      arranged.beginText(change.sha);
      arranged.addCommit(index(change.entityRef), change.entityRef, change.sha, 0, change.sha.length, change.at);
    }
    for (const incident of facts.incidents) arranged.#incidents[index(incident.entityRef)]!.push(incident);
    return arranged;
  }

  beginText(text: string): void {
    this.#texts.push(text);
  }

  addCommit(entity: number, _entityRef: string, text: string, start: number, end: number, at: number): void {
    const i = this.#count++;
    if (i === this.#at.length) this.#grow();
    this.#entity[i] = entity;
    this.#at[i] = at;
    this.#hash[i] = hashOf(text, start, end);
    this.#text[i] = this.#texts.length - 1;
    this.#offset[i] = start;
    this.#length[i] = end - start;
  }

  addDeployment(entity: number, deployment: DoraDeployment): void {
    this.#deployments[entity]!.push(deployment);
  }

  addIncidentEvent(entity: number, entityRef: string, key: string, opened: boolean | undefined, at: number): void {
    const keys = this.#incidentKeys[entity]!;
    let incident = keys.get(key);
    if (!incident) {
      keys.set(key, (incident = { key, entityRef }));
      this.#incidents[entity]!.push(incident);
    }
    addIncidentEvent(incident, opened, at);
  }

  /** A component's facts (none when it is not among those read); arranged on first use, so that the work spreads over the computation's turns. */
  of(entityRef: string): ComponentFacts | undefined {
    const entity = this.entities.get(entityRef);
    if (entity === undefined) return undefined;
    const components = (this.#components ??= new Array<ComponentFacts | undefined>(this.#refs.length));
    if (!components[entity]) {
      const { arrays, starts } = this.#byComponent();
      const component = new ComponentFacts(entityRef, this.#distinct(arrays, starts[entity]!, starts[entity + 1]!));
      for (const deployment of this.#deployments[entity]!) component.deployments.push(deployment);
      for (const incident of this.#incidents[entity]!) component.incidents.push(incident);
      components[entity] = component;
    }
    return components[entity];
  }

  #grow(): void {
    const twice = <T extends Float64Array | Int32Array>(from: T): T => {
      const to = new (from.constructor as new (length: number) => T)(from.length * 2);
      to.set(from);
      return to;
    };
    this.#entity = twice(this.#entity);
    this.#at = twice(this.#at);
    this.#hash = twice(this.#hash);
    this.#text = twice(this.#text);
    this.#offset = twice(this.#offset);
    this.#length = twice(this.#length);
  }

  /** The commits put in order of component (a counting sort), once: component e's lie from starts[e] to starts[e + 1]. */
  #byComponent(): { arrays: CommitArrays; starts: Int32Array } {
    if (this.#sorted) return this.#sorted;
    const n = this.#count;
    const starts = new Int32Array(this.#refs.length + 1);
    for (let i = 0; i < n; i++) starts[this.#entity[i]! + 1]!++;
    for (let e = 0; e < this.#refs.length; e++) starts[e + 1]! += starts[e]!;
    const next = starts.slice(0, this.#refs.length);
    const arrays: CommitArrays = { at: new Float64Array(n), latest: new Float64Array(n), hash: new Int32Array(n), text: new Int32Array(n), offset: new Int32Array(n), length: new Int32Array(n) };
    for (let i = 0; i < n; i++) {
      const j = next[this.#entity[i]!]!++;
      arrays.at[j] = this.#at[i]!;
      arrays.hash[j] = this.#hash[i]!;
      arrays.text[j] = this.#text[i]!;
      arrays.offset[j] = this.#offset[i]!;
      arrays.length[j] = this.#length[i]!;
    }
    this.#sorted = { arrays, starts };
    return this.#sorted;
  }

  /** The commits from `begin` to `end` (one component's), each sha once, moved to the front of that range. */
  #distinct(arrays: CommitArrays, begin: number, end: number): CommitColumns {
    const times = this.#times;
    let size = 16;
    while (size < (end - begin) * 2) size *= 2;
    const table = new Int32Array(size).fill(NONE);
    const mask = size - 1;
    let count = 0;
    for (let i = begin; i < end; i++) {
      const hash = arrays.hash[i]!;
      const at = arrays.at[i]!;
      const text = arrays.text[i]!;
      const offset = arrays.offset[i]!;
      const length = arrays.length[i]!;
      let position = hash & mask;
      let slot = table[position]!;
      for (; slot !== NONE; slot = table[position]!) {
        const j = begin + slot;
        if (arrays.hash[j] === hash && arrays.length[j] === length && this.#texts[text]!.startsWith(this.#texts[arrays.text[j]!]!.slice(arrays.offset[j], arrays.offset[j]! + length), offset)) break;
        position = (position + 1) & mask;
      }
      if (slot !== NONE) {
        const j = begin + slot;
        const told = times.get(j) ?? times.set(j, [arrays.at[j]!]).get(j)!;
        told.push(at);
        if (at < arrays.at[j]!) arrays.at[j] = at;
        if (at > arrays.latest[j]!) arrays.latest[j] = at;
        continue;
      }
      const j = begin + count;
      table[position] = count++;
      arrays.at[j] = at;
      arrays.latest[j] = at;
      arrays.hash[j] = hash;
      arrays.text[j] = text;
      arrays.offset[j] = offset;
      arrays.length[j] = length;
    }
    return new CommitColumns(count, begin, arrays, this.#texts, table, times);
  }
}
