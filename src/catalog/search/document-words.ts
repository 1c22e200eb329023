import { sql } from 'kysely';
import type { Store } from '../../store/store.js';
import type {} from '../catalog-tables.js'; // the tables it reads, for Kysely's types
import type { SearchDocument } from './search-document.js';

/**
 * How many candidates' scopes the first query checks; each next one checks four times as many, so a reader who
 * sees little of a large catalog costs a few queries, not one per 2,000 ids. The order is made here, the scope is
 * the database's.
 */
const FIRST_SCOPE_CHUNK = 2_000;

/**
 * At most this many characters of documents' fields held for ranking (~16 MiB as UTF-16; a 10k catalog holds ~2.8M):
 * past it a document's words are still held (candidates need them) but not its fields, and its entity is ranked from
 * the database's rows.
 */
const MAX_HELD_CHARACTERS = 8_000_000;

/**
 * The words of every search document on PostgreSQL, held in memory for one catalog state (catalog-state.ts),
 * so that a search finds its candidates without the database testing each trigram of its words against
 * every document's text (with a common trigram such as `ent` that is most documents: 25–80 ms of
 * PostgreSQL's CPU for each word a replica had not searched before). Candidates come out exactly as
 * search-candidates.ts' query orders them: documents by how many of the patterns their `search_text`
 * holds (a pattern of letters and digits lies inside one run of them, so within one of the words kept
 * here), each entity by its best document, then by id; the first 500.
 *
 * Kept up to date from the database, not from writes: search documents are only ever inserted and
 * deleted (a changed entity's get new ids), so a newer state is the ids gone and the rows new since the
 * state held, read with the version in one snapshot. What it holds is a word list (each distinct word once)
 * and, per word, the documents holding it: at 10k entities ~7,700 words and ~230k postings; and the documents
 * themselves, which a search ranks its candidates by (catalog-search.ts): reading them from the database for each
 * new word was ~1 MB through the driver and a pooled connection held, and texts read once are cut into words once
 * (text-cuts.ts).
 * @example const ids = await words.candidates(version, ['pay', 'aym'], 500, scopeCheck);
 */
export class DocumentWords {
  /** The catalog state held; -1 before the first read. */
  #version = -1;
  #syncing: Promise<void> | undefined;
  /** Each document by its row id: its slot. */
  readonly #slots = new Map<string, number>();
  /** Per slot: the entity's index, or -1 for a slot whose document is gone (its postings go at the next compaction). */
  #slotEntity: number[] = [];
  #deadSlots = 0;
  /** Entities: their ids and their live documents, by row id. */
  readonly #entityIndex = new Map<string, number>();
  readonly #entityIds: string[] = [];
  readonly #entityDocuments: HeldDocument[][] = [];
  /** Per entity: how many of its live documents are not held (over MAX_HELD_CHARACTERS); with any, none are given. */
  readonly #entityUnheld: number[] = [];
  #heldCharacters = 0;
  readonly #freeEntities: number[] = [];
  /** Words: their numbers, texts and postings (slots). */
  readonly #wordNumbers = new Map<string, number>();
  #words: string[] = [];
  #postings: number[][] = [];
  /**
   * Per trigram (three letters or digits), the words holding it: a search's patterns are trigrams (or, only when
   * every typed word is shorter, those words), and testing each against every held word cost ~0.6 s of CPU for a
   * 16-word query over 100k distinct words, the replica answering nothing meanwhile.
   */
  #wordsByTrigram = new Map<string, number[]>();

  constructor(
    private readonly store: Store,
    /** At most this many characters of documents' fields held (smaller in tests, to reach the limit with few entities). */
    private readonly maxHeldCharacters = MAX_HELD_CHARACTERS,
  ) {}

  /** How many distinct words are held (words no live document holds go at the next compaction). */
  get heldWords(): number {
    return this.#words.length;
  }

  /** How many characters of documents' fields are held (at most the bound given). */
  get heldCharacters(): number {
    return this.#heldCharacters;
  }

  /**
   * An entity's search documents in the state held (at least as new as the `version` of the last `candidates`
   * call), by row id; none for an entity gone; undefined when they are not all held (read them from the database).
   * The array never changes: a newer state's documents come in a new one.
   */
  documents(entityId: string): readonly SearchDocument[] | undefined {
    const entity = this.#entityIndex.get(entityId);
    if (entity === undefined) return [];
    return this.#entityUnheld[entity] ? undefined : this.#entityDocuments[entity]!;
  }

  /** Every held entity's documents (entities not wholly held are left out), for cutting their texts before the first search. */
  *heldDocuments(): Iterable<readonly SearchDocument[]> {
    for (let entity = 0; entity < this.#entityDocuments.length; entity++) if (this.#entityIds[entity] && !this.#entityUnheld[entity]) yield this.#entityDocuments[entity]!;
  }

  /** Brings what is held to at least the catalog state `version`. */
  async hold(version: number): Promise<void> {
    while (this.#version < version) await this.#sync();
  }

  /**
   * The ids of the first `limit` entities holding any of `patterns` (lower-case letters and digits), most
   * patterns first, then by id, in a state at least as new as `version`. `inScope` keeps the ids the reader
   * may see, in their order (the database's scope test), or is absent when the reader sees everything.
   */
  async candidates(version: number, patterns: readonly string[], limit: number, inScope?: (ids: string[]) => Promise<string[]>): Promise<string[]> {
    await this.hold(version);
    const counts = this.#counts(patterns);
    // Entities' ids by count (at most one per pattern), taken before any wait (a newer state may renumber
    // entities meanwhile); each bucket then by id: only the buckets the first `limit` come from are sorted.
    const byCount: string[][] = Array.from({ length: patterns.length + 1 }, () => []);
    counts.forEach((count, entity) => {
      if (count > 0) byCount[count]!.push(this.#entityIds[entity]!);
    });
    const found: string[] = [];
    for (let count = patterns.length; count > 0 && found.length < limit; count--) {
      const ids = byCount[count]!.sort(byCodePoint);
      if (!inScope) {
        found.push(...ids.slice(0, limit - found.length));
        continue;
      }
      for (let i = 0, size = FIRST_SCOPE_CHUNK; i < ids.length && found.length < limit; i += size, size *= 4) found.push(...(await inScope(ids.slice(i, i + size))).slice(0, limit - found.length));
    }
    return found;
  }

  /** Per entity: how many patterns its best document holds. */
  #counts(patterns: readonly string[]): Uint32Array {
    const slotCount = new Uint32Array(this.#slotEntity.length);
    const seen = new Int32Array(this.#slotEntity.length).fill(-1);
    patterns.forEach((pattern, p) => {
      for (const word of this.#wordsHolding(pattern)) {
        for (const slot of this.#postings[word]!) {
          if (seen[slot] === p) continue;
          seen[slot] = p;
          slotCount[slot]!++;
        }
      }
    });
    const entityCount = new Uint32Array(this.#entityIds.length);
    slotCount.forEach((count, slot) => {
      const entity = this.#slotEntity[slot]!;
      if (count && entity >= 0 && count > entityCount[entity]!) entityCount[entity] = count;
    });
    return entityCount;
  }

  /** The numbers of the held words holding `pattern`: a trigram's from the index, a shorter pattern's by testing each. */
  #wordsHolding(pattern: string): readonly number[] {
    if ([...pattern].length === 3) return this.#wordsByTrigram.get(pattern) ?? [];
    const holding: number[] = [];
    this.#words.forEach((word, number) => {
      if (word.includes(pattern)) holding.push(number);
    });
    return holding;
  }

  /** Files `number` under each distinct trigram of its word. */
  #indexTrigrams(word: string, number: number): void {
    const letters = [...word];
    const seen = new Set<string>();
    for (let i = 0; i + 3 <= letters.length; i++) {
      const trigram = letters[i]! + letters[i + 1]! + letters[i + 2]!;
      if (seen.has(trigram)) continue;
      seen.add(trigram);
      const words = this.#wordsByTrigram.get(trigram);
      if (words) words.push(number);
      else this.#wordsByTrigram.set(trigram, [number]);
    }
  }

  /** Brings the words to the newest state; one read at a time, so callers wanting a newer state wait for the next. */
  #sync(): Promise<void> {
    this.#syncing ??= this.#read().finally(() => (this.#syncing = undefined));
    return this.#syncing;
  }

  async #read(): Promise<void> {
    // One snapshot for the version and the rows, so what is held is exactly that state.
    const { version, ids, rows } = await this.store.reads
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async trx => {
        const state = await trx.selectFrom('catalog_state').select('version').where('name', '=', 'catalog').executeTakeFirst();
        const version = Number(state?.version ?? 0);
        if (!this.#slots.size) {
          const rows = await sql<DocumentRow>`SELECT ${DOCUMENT_COLUMNS} FROM search_documents`.execute(trx);
          return { version, ids: undefined, rows: rows.rows };
        }
        const ids = (await sql<{ id: string }>`SELECT id::text AS id FROM search_documents`.execute(trx)).rows.map(row => row.id);
        const added = ids.filter(id => !this.#slots.has(id));
        const rows = added.length ? (await sql<DocumentRow>`SELECT ${DOCUMENT_COLUMNS} FROM search_documents WHERE id = ANY(${added}::bigint[])`.execute(trx)).rows : [];
        return { version, ids, rows };
      });
    if (version <= this.#version) return;
    // Arrays made in this read, not yet handed to any ranking: changed in place until the read ends (a copy per
    // document was quadratic in an entity's docs sections: 20k sections held the loop 11 s).
    const fresh = new Set<number>();
    if (ids) {
      const present = new Set(ids);
      const gone: Array<[id: string, slot: number]> = [];
      for (const [id, slot] of this.#slots) if (!present.has(id)) gone.push([id, slot]);
      this.#remove(gone, fresh);
    }
    for (const row of rows) this.#add(row, fresh);
    if (this.#deadSlots > this.#slotEntity.length / 4) this.#compact();
    this.#version = version;
  }

  /** Holds a new document; `fresh`: the entities whose documents array this read made (see #read). */
  #add(row: DocumentRow, fresh: Set<number>): void {
    let entity = this.#entityIndex.get(row.entity_id);
    if (entity === undefined) {
      entity = this.#freeEntities.pop() ?? this.#entityIds.length;
      this.#entityIndex.set(row.entity_id, entity);
      this.#entityIds[entity] = row.entity_id;
      this.#entityDocuments[entity] = [];
      fresh.add(entity);
      this.#entityUnheld[entity] = 0;
    }
    const { id, section, title, name, description, owner, body } = row;
    const characters = charactersOf(row);
    if (this.#heldCharacters + characters > this.maxHeldCharacters) this.#entityUnheld[entity]!++;
    else {
      this.#heldCharacters += characters;
      // A new array once a read: a ranking spanning several turns still holds the one `documents` gave it, its state's.
      if (!fresh.has(entity)) {
        this.#entityDocuments[entity] = [...this.#entityDocuments[entity]!];
        fresh.add(entity);
      }
      const documents = this.#entityDocuments[entity]!;
      const held = { id, section, title, name, description, owner, body };
      // By row id, as PostgreSQL returns an entity's documents (inserted together, in order): rows mostly come in that
      // order, so a document's place is found from the end (a sort per document was quadratic for many docs sections).
      let at = documents.length;
      while (at > 0 && byRowId(documents[at - 1]!, held) > 0) at--;
      documents.splice(at, 0, held);
    }
    const slot = this.#slotEntity.length;
    this.#slots.set(row.id, slot);
    this.#slotEntity.push(entity);
    const numbers = new Set<number>();
    for (const [word] of (row.search_text ?? '').matchAll(WORD)) {
      let number = this.#wordNumbers.get(word);
      if (number === undefined) {
        number = this.#words.length;
        this.#wordNumbers.set(word, number);
        this.#words.push(word);
        this.#postings.push([]);
        this.#indexTrigrams(word, number);
      }
      if (numbers.has(number)) continue;
      numbers.add(number);
      this.#postings[number]!.push(slot);
    }
  }

  /** Lets the gone documents (row id, slot) go: each entity's array filtered once, a new one (see #read's `fresh`). */
  #remove(gone: ReadonlyArray<[id: string, slot: number]>, fresh: Set<number>): void {
    const goneOf = new Map<number, Set<string>>();
    for (const [id, slot] of gone) {
      this.#slots.delete(id);
      const entity = this.#slotEntity[slot]!;
      this.#slotEntity[slot] = -1;
      this.#deadSlots++;
      const ids = goneOf.get(entity);
      if (ids) ids.add(id);
      else goneOf.set(entity, new Set([id]));
    }
    for (const [entity, ids] of goneOf) {
      const documents: HeldDocument[] = [];
      for (const document of this.#entityDocuments[entity]!) {
        if (ids.has(document.id)) this.#heldCharacters -= charactersOf(document);
        else documents.push(document);
      }
      // Gone ids not among the held documents were over the bound (#add counted them unheld).
      this.#entityUnheld[entity]! -= ids.size - (this.#entityDocuments[entity]!.length - documents.length);
      this.#entityDocuments[entity] = documents;
      fresh.add(entity);
      if (documents.length || this.#entityUnheld[entity]) continue;
      this.#entityIndex.delete(this.#entityIds[entity]!);
      this.#entityIds[entity] = '';
      this.#freeEntities.push(entity);
      fresh.delete(entity);
    }
  }

  /**
   * Renumbers the live slots, drops the gone ones from every posting list, and forgets the words no live document
   * holds: a catalog whose text churns (build numbers, preview components) would otherwise test every word it ever
   * held against each new search's patterns.
   */
  #compact(): void {
    const renumbered = new Int32Array(this.#slotEntity.length).fill(-1);
    const slotEntity: number[] = [];
    this.#slotEntity.forEach((entity, slot) => {
      if (entity < 0) return;
      renumbered[slot] = slotEntity.length;
      slotEntity.push(entity);
    });
    for (const [id, slot] of this.#slots) this.#slots.set(id, renumbered[slot]!);
    const postings = this.#postings.map(slots => slots.map(slot => renumbered[slot]!).filter(slot => slot >= 0));
    const words = this.#words;
    this.#words = [];
    this.#postings = [];
    this.#wordNumbers.clear();
    this.#wordsByTrigram = new Map();
    postings.forEach((slots, word) => {
      if (!slots.length) return;
      this.#wordNumbers.set(words[word]!, this.#words.length);
      this.#indexTrigrams(words[word]!, this.#words.length);
      this.#words.push(words[word]!);
      this.#postings.push(slots);
    });
    this.#slotEntity = slotEntity;
    this.#deadSlots = 0;
  }
}

interface DocumentRow extends SearchDocument {
  id: string;
  entity_id: string;
  search_text: string | null;
}

/** A document held, with its row id. */
interface HeldDocument extends SearchDocument {
  id: string;
}

const DOCUMENT_COLUMNS = sql.raw('id::text AS id, entity_id, search_text, section, title, name, description, owner, body');

/** The characters a document's fields hold. */
const charactersOf = (d: SearchDocument) => d.section.length + d.title.length + d.name.length + d.description.length + d.owner.length + d.body.length;

/** Row ids (bigint, as text) in numeric order. */
const byRowId = (a: HeldDocument, b: HeldDocument) => a.id.length - b.id.length || byCodePoint(a.id, b.id);

/** A run of letters and digits: what a pattern (search-query.ts' words and their trigrams) can lie inside. */
const WORD = /[\p{L}\p{N}]+/gu;

/** Ids compared as PostgreSQL's C collation does, and as ids (UUIDv7, ASCII) sort under any collation. */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
