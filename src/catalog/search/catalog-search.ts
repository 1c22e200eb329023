import type { Entity } from '../../core/entity.js';
import { stringifyEntityRef, tryParseEntityRef } from '../../core/entity-ref.js';
import type { Store } from '../../store/store.js';
import type {} from '../catalog-tables.js'; // the tables it queries, for Kysely's types
import { ALL_ENTITIES, entityScopeSql, type EntityScope } from '../query/entity-scope.js';
import { rankEntity } from './rank-entity.js';
import { MAX_CANDIDATES, searchCandidates, type CandidateIndex } from './search-candidates.js';
import type { SearchDocument } from './search-document.js';
import { parseSearchQuery } from './search-query.js';
import { TextMatcher } from './text-matches.js';
import { TextCuts } from './text-cuts.js';
import type { FacetCount, SearchFacets, SearchHit, SearchResponse } from './search-views.js';
import { StateAnswers } from '../state-answers.js';
import { DocumentWords } from './document-words.js';
import { loopYielder } from '../../core/event-loop-yield.js';
import { OneAtATime } from '../../core/one-at-a-time.js';

export interface SearchRequest {
  query: string;
  kinds?: string[];
  types?: string[];
  owners?: string[];
  lifecycles?: string[];
  /** Results per page (1–100, default 20). */
  limit?: number;
  offset?: number;
  /** What the reader may see; every entity when absent. Applied in the database, before ranking. */
  scope?: EntityScope;
  /** Aborts when the answer is no longer wanted (the client went away): the search stops, rejecting with its reason. */
  signal?: AbortSignal;
}

/** How many of the best results an owner question takes the owners of. */
const OWNER_QUESTION_RESULTS = 10;
/** How far below the best result a result still counts as what an owner question is about. */
const ABOUT_MARGIN = 4;
const FACETS = ['kind', 'type', 'owner', 'lifecycle'] as const;

/**
 * Ranked catalog search that forgives typos and partial words. The database finds candidates by
 * trigrams (see search-candidates.ts); ranking, snippets, facets and pages are computed here, the same
 * on SQLite and PostgreSQL, so both answer alike. Words need not all match: results matching more words
 * come first, then by where they match (title > name > description > docs). "who owns X" also answers
 * the owners of what X finds, first.
 * @example const { total, results } = await new CatalogSearch(store).search({ query: 'paymnts gatway' });
 */
export class CatalogSearch {
  #index: Promise<CandidateIndex> | undefined;
  /** Ranked results kept per catalog state, reader scope and words (state-answers.ts). */
  readonly #answers: StateAnswers;
  /**
   * Entities' result fields as read in one catalog state (the newest a ranking has asked for), by id: a search
   * ranks up to 500 entities, and reading and parsing each one's stored JSON again for every new word was a
   * quarter of a ranking's CPU. Emptied when the state moves, and when full (at most MAX_KEPT_BASES).
   */
  #bases = keptBases(-1);
  /** The candidates' texts cut into words, kept across searches and states (text-cuts.ts); a new one once full. */
  #cuts = new TextCuts();
  /**
   * Finding candidates and ranking them run one at a time, ranking in slices (one-at-a-time.ts): a replica's first
   * searches of new words (~5–10 ms of CPU each, dozens at once) held every request behind them; now by-name,
   * by-query and kept searches are answered between turns, and each new word's ranking ends as soon as its own
   * turns are done. Searches waiting for a turn are bounded (OneAtATime's DEFAULT_MAX_WAITING, or `maxWaiting`).
   */
  readonly #rankings: OneAtATime;

  readonly #limits: SearchMemoryLimits;

  constructor(
    private readonly store: Store,
    answers?: StateAnswers,
    /** What it keeps at most (smaller in tests, to reach the limits with few entities). */
    limits: SearchMemoryLimits = {},
  ) {
    this.#answers = answers ?? new StateAnswers(store);
    this.#limits = limits;
    this.#rankings = new OneAtATime(RANK_SLICE_MS, limits.maxWaiting);
  }

  /** The searches waiting for their turn to find or rank now, and how many were abandoned or refused (for metrics). */
  get line(): SearchLine {
    return { waiting: this.#rankings.waiting, abandoned: this.#rankings.abandoned, refused: this.#rankings.refused };
  }

  /** How candidates are looked up. */
  prepare(): Promise<CandidateIndex> {
    this.#index ??= Promise.resolve(this.store.dialect === 'sqlite' ? { type: 'fts5-trigram' } : { type: 'pg-words', words: new DocumentWords(this.store, this.#limits.maxHeldCharacters) });
    return this.#index;
  }

  /**
   * Makes what every new word's first ranking needs before the first search: the catalog's documents held
   * (PostgreSQL) and their texts cut, and the entities' result fields kept. A replica's first searches each did this
   * for their ~500 candidates at once, ~28 ms of CPU a word, while every other request waited behind them. Works in
   * slices that yield to the event loop (probes still answer); `stopped` ends it early (the service is closing).
   */
  async warm(stopped: () => boolean = () => false): Promise<void> {
    const { version } = await this.#answers.current();
    const index = await this.prepare();
    const bases = this.#basesAt(version);
    if (bases !== this.#bases) return;
    // Read after the version was, so at least as new (as #readBases), in pages (a SQLite read holds the loop while it
    // runs); at most half of what is kept, so the first searches' reads find room without emptying it.
    const pause = loopYielder();
    const most = Math.floor((this.#limits.maxKeptBases ?? MAX_KEPT_BASES) / 2);
    for (let after = '', taken = 0; taken < most; ) {
      const rows = await this.store.reads.selectFrom('entities').select(['id', 'body']).where('id', '>', after).orderBy('id').limit(Math.min(WARM_PAGE, most - taken)).execute();
      if (!rows.length) break;
      for (const row of rows) {
        await pause();
        if (bases !== this.#bases || stopped()) return;
        if (!bases.byId.has(row.id)) bases.byId.set(row.id, hitOf(JSON.parse(row.body) as Entity));
      }
      after = rows.at(-1)!.id;
      taken += rows.length;
    }
    if (index.type !== 'pg-words') return;
    await index.words.hold(version);
    for (const documents of index.words.heldDocuments()) {
      await pause();
      if (this.#cuts.full || stopped()) return;
      for (const document of documents) this.#cuts.document(document);
    }
  }

  async search(request: SearchRequest): Promise<SearchResponse> {
    const { words, asksOwner } = parseSearchQuery(request.query);
    const offset = Math.max(request.offset ?? 0, 0);
    const empty: SearchResponse = { query: request.query, words, total: 0, capped: false, offset, results: [], facets: { kind: [], type: [], owner: [], lifecycle: [] } };
    if (!words.length) return empty;
    const scope = request.scope ?? ALL_ENTITIES;
    // Filters, facets and pages are cheap over the ranked results; finding and ranking them is not, and the
    // same words are searched again and again while the catalog stays as it is.
    const answers = await this.#answers.current();
    const { hits, capped } = await answers.answer('search', scope, { words, asksOwner }, signal => this.#ranked(answers.version, words, asksOwner, scope, signal), weighRanked, request.signal);
    const filters = { kind: request.kinds, type: request.types, owner: request.owners, lifecycle: request.lifecycles };
    const passes = (hit: SearchHit, skip?: (typeof FACETS)[number]) =>
      FACETS.every(facet => facet === skip || !filters[facet]?.length || filters[facet]!.some(value => value.toLowerCase() === hit[facet]?.toLowerCase()));
    const facets = Object.fromEntries(FACETS.map(facet => [facet, countValues(hits.filter(hit => passes(hit, facet)), facet)])) as unknown as SearchFacets;
    const matching = hits.filter(hit => passes(hit));
    const limit = Math.min(Math.max(request.limit ?? 20, 1), 100);
    return { ...empty, total: matching.length, capped, results: matching.slice(offset, offset + limit), facets };
  }

  /** Every result the words find that the scope shows, best first, and whether candidates were cut at MAX_CANDIDATES. */
  async #ranked(version: number, words: readonly string[], asksOwner: boolean, scope: EntityScope, signal: AbortSignal | undefined): Promise<RankedResults> {
    const index = await this.prepare();
    // A turn of its own (on PostgreSQL the held words' postings counted, ~1 ms at 10k; on SQLite a synchronous read),
    // unless a reader's scope is asked of PostgreSQL meanwhile: the turns would wait for its round trips.
    const find = () => searchCandidates(this.store, index, version, words, scope);
    // Admitted (or refused busy) once, before either turn: refused at its ranking, a search would have spent its
    // candidates and reads for nothing, and under a flood the searches let in first would be the ones turned away.
    return this.#rankings.admit(async turn => {
      const ids = await (index.type === 'pg-words' && scope.type !== 'all' ? find() : turn(find));
      let hits = await this.#rank(version, ids, words, index.type === 'pg-words' ? index.words : undefined, turn);
      if (asksOwner) hits = await this.#withOwners(hits, scope);
      return { hits, capped: ids.length >= MAX_CANDIDATES };
    }, signal);
  }

  /** Ranks the candidates by their documents: those `held` in memory (PostgreSQL), the others read from the database. */
  async #rank(version: number, ids: readonly string[], words: readonly string[], held: DocumentWords | undefined, turn: <T>(job: (pause: () => Promise<void>) => Promise<T>) => Promise<T>): Promise<SearchHit[]> {
    if (!ids.length) return [];
    const bases = this.#basesAt(version);
    // Searches begun together (a replica's first minute: each new word's candidates are mostly the same entities)
    // share the reads of what none has kept yet, instead of each reading and parsing the same ~500 bodies.
    const reads = new Set<Promise<ReadonlyMap<string, HitBase>>>();
    const missing: string[] = [];
    // Taken now: another read may empty what is kept (at its limit) before this one's reads are back. By candidate.
    const known: Array<HitBase | undefined> = [];
    for (const id of ids) {
      const base = bases.byId.get(id);
      known.push(base);
      if (base) continue;
      const reading = bases.reading.get(id);
      if (reading) reads.add(reading);
      else missing.push(id);
    }
    if (missing.length) reads.add(this.#readBases(bases, missing));
    // The documents held now, by candidate (the held state may move on while the reads below wait); those not held are read.
    const heldDocuments: Array<readonly SearchDocument[] | undefined> = [];
    const unheld: string[] = [];
    for (const id of ids) {
      const documents = held?.documents(id);
      heldDocuments.push(documents);
      if (!documents) unheld.push(id);
    }
    const [read, documents] = await Promise.all([
      Promise.all(reads),
      // In row-id order on PostgreSQL, as held documents are: rankEntity's snippet is the first of equals, and a
      // re-written row can land anywhere in the heap. (SQLite holds none and reads them as it always did.)
      unheld.length ? this.store.reads.selectFrom('search_documents').select(['entity_id', 'section', 'title', 'name', 'description', 'owner', 'body']).where('entity_id', 'in', unheld).$if(Boolean(held), query => query.orderBy('id')).execute() : [],
    ]);
    const byEntity = new Map<string, SearchDocument[]>();
    for (const { entity_id, ...doc } of documents) {
      const docs = byEntity.get(entity_id);
      if (docs) docs.push(doc);
      else byEntity.set(entity_id, [doc]);
    }
    return turn(async pause => {
      // One matcher for this ranking only: what it remembers goes when the ranking is done.
      if (this.#cuts.full) this.#cuts = new TextCuts();
      const matcher = new TextMatcher(words, this.#cuts);
      const hits: SearchHit[] = [];
      for (let i = 0; i < ids.length; i++) {
        if (i % RANKED_BETWEEN_PAUSES === 0) await pause();
        const id = ids[i]!;
        // An entity gone since the candidates were found has no row: it is no result.
        const base = known[i] ?? baseIn(read, id);
        if (!base) continue;
        const rank = rankEntity(heldDocuments[i] ?? byEntity.get(id) ?? [], matcher);
        if (rank.matchedWords > 0) hits.push({ ...base, score: rank.score, matchedWords: rank.matchedWords, ...(rank.snippet ? { snippet: rank.snippet } : {}) });
      }
      return hits.sort(bestFirst);
    });
  }

  /** The result fields kept for `version`: none when a newer state has been seen (what is kept is newer than the request). */
  #basesAt(version: number): KeptBases {
    if (version > this.#bases.version) this.#bases = keptBases(version);
    return version === this.#bases.version ? this.#bases : keptBases(version);
  }

  /** Reads the result fields of `ids` (read after `bases.version` was, so at least as new), shared while it lasts. */
  #readBases(bases: KeptBases, ids: readonly string[]): Promise<ReadonlyMap<string, HitBase>> {
    const reading = (async () => {
      const rows = await this.store.reads.selectFrom('entities').select(['id', 'body']).where('id', 'in', ids).execute();
      const read = new Map<string, HitBase>();
      for (const row of rows) read.set(row.id, hitOf(JSON.parse(row.body) as Entity));
      // Kept only while its state is still the newest seen.
      if (bases === this.#bases) {
        if (bases.byId.size + read.size > (this.#limits.maxKeptBases ?? MAX_KEPT_BASES)) bases.byId.clear();
        for (const [id, base] of read) bases.byId.set(id, base);
      }
      return read;
    })();
    for (const id of ids) bases.reading.set(id, reading);
    const done = () => {
      for (const id of ids) if (bases.reading.get(id) === reading) bases.reading.delete(id);
    };
    reading.then(done, done);
    return reading;
  }

  /** The owners of the best results, first, each saying what it owns; owners the reader may not see are left out. */
  async #withOwners(hits: SearchHit[], scope: EntityScope): Promise<SearchHit[]> {
    const owned = new Map<string, string[]>();
    const top = hits[0]?.matchedWords ?? 0;
    // What the words are about: results matching as well as the best one, give or take where (a mention
    // in a description of something else does not make its owner an owner of the subject).
    const about = hits.filter(h => h.score >= hits[0]!.score - ABOUT_MARGIN).slice(0, OWNER_QUESTION_RESULTS);
    for (const hit of about) {
      if (hit.owner) owned.set(hit.owner, [...(owned.get(hit.owner) ?? []), hit.entityRef]);
    }
    if (!owned.size) return hits;
    const rows = await this.store.reads
      .selectFrom('entities as e')
      .select(['e.ref', 'e.body'])
      .where('e.ref', 'in', [...owned.keys()].map(ref => ref.toLowerCase()))
      .where(entityScopeSql(scope))
      .execute();
    const best = hits[0]!.score;
    const owners = rows.map(row => {
      const hit = hitOf(JSON.parse(row.body) as Entity);
      const refs = owned.get(hit.entityRef) ?? owned.get(row.ref) ?? [];
      const names = refs.map(ref => tryParseEntityRef(ref)?.name ?? ref);
      const parts = names.flatMap((name, i) => [...(i ? [{ text: ', ', match: false }] : []), { text: name, match: true }]);
      return { ...hit, score: best + refs.length, matchedWords: top, owns: refs, snippet: { field: 'owner' as const, parts: [{ text: 'Owns ', match: false }, ...parts] } };
    });
    const ownerRefs = new Set(owners.map(owner => owner.entityRef));
    return [...owners.sort(bestFirst), ...hits.filter(hit => !ownerRefs.has(hit.entityRef))];
  }
}

/** What search keeps at most; the defaults when absent. */
export interface SearchMemoryLimits {
  /** Entities' result fields kept (MAX_KEPT_BASES). */
  maxKeptBases?: number;
  /** Characters of search documents' fields held on PostgreSQL (document-words.ts). */
  maxHeldCharacters?: number;
  /** Searches waiting for their turn to find or rank candidates (one-at-a-time.ts' DEFAULT_MAX_WAITING). */
  maxWaiting?: number;
}

/** The line of searches waiting to find or rank candidates (CatalogSearch.line). */
export interface SearchLine {
  /** Waiting now. */
  waiting: number;
  /** Stopped, waiting or ranking, because their client went away, since the process began. */
  abandoned: number;
  /** Refused, the line being full, since the process began. */
  refused: number;
}

/** What a result says of its entity, whatever the words: read from its stored JSON. */
type HitBase = Omit<SearchHit, 'score' | 'matchedWords'>;

/**
 * Ranking work between two turns of the event loop: short against issue 20's 100 ms p99, long enough that the
 * rankings still get most of a busy replica (2 ms, a turn per job, ranked a burst of new words ~3 times slower).
 */
const RANK_SLICE_MS = 10;
/** Entities ranked between two looks at the clock (each takes ~10 µs). */
const RANKED_BETWEEN_PAUSES = 16;

/** Entities read at a time by the warm-up. */
const WARM_PAGE = 1_000;

/** At most this many entities' result fields kept (~0.4 KB each: a 10k catalog whole, ~8 MiB at most). */
const MAX_KEPT_BASES = 20_000;

/** Result fields kept for one catalog state, and those being read: each id's read, shared by whoever needs it meanwhile. */
interface KeptBases {
  version: number;
  byId: Map<string, HitBase>;
  reading: Map<string, Promise<ReadonlyMap<string, HitBase>>>;
}

const keptBases = (version: number): KeptBases => ({ version, byId: new Map(), reading: new Map() });

/** An entity's result fields in one of the reads, if any read found it. */
function baseIn(reads: ReadonlyArray<ReadonlyMap<string, HitBase>>, id: string): HitBase | undefined {
  for (const read of reads) {
    const base = read.get(id);
    if (base) return base;
  }
  return undefined;
}

function hitOf(entity: Entity): HitBase {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  const owner = tryParseEntityRef(spec.owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace });
  const fields = {
    title: text(entity.metadata.title),
    description: text(entity.metadata.description),
    type: text(spec.type),
    owner: owner ? stringifyEntityRef(owner) : undefined,
    lifecycle: text(spec.lifecycle),
  };
  return {
    entityRef: stringifyEntityRef(entity),
    kind: entity.kind,
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
    ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
  };
}

interface RankedResults {
  hits: SearchHit[];
  capped: boolean;
}

/** About the memory ranked results take (state-answers.ts): their strings and a snippet's parts. */
function weighRanked({ hits }: RankedResults): number {
  let weight = 64;
  for (const hit of hits) {
    weight += 160 + (hit.entityRef.length + hit.name.length + (hit.title?.length ?? 0) + (hit.description?.length ?? 0) + (hit.owner?.length ?? 0)) * 2;
    for (const part of hit.snippet?.parts ?? []) weight += 48 + part.text.length * 2;
  }
  return weight;
}

const bestFirst = (a: SearchHit, b: SearchHit) => b.score - a.score || (a.entityRef < b.entityRef ? -1 : a.entityRef > b.entityRef ? 1 : 0);

function countValues(hits: readonly SearchHit[], facet: (typeof FACETS)[number]): FacetCount[] {
  const counts = new Map<string, number>();
  for (const hit of hits) {
    const value = hit[facet];
    if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
}
