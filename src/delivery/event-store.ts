import { CompiledQuery, sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Db, Store } from '../store/store.js';
import { loopYielder } from '../core/event-loop-yield.js';
import type { DeliveryEventsTable, DeliveryTargetsTable } from './delivery-tables.js';
import type { DeliveryEvent } from './delivery-event.js';
import { DoraFacts } from './dora-facts.js';
import { factLine, ObjectFacts, readFactLines, RefTable, type DeliveryFacts, type FactSink } from './fact-lines.js';
import type { PullRequestFact } from './pull-request-lead-time.js';

/** Events about one key nobody could attribute yet. */
export interface UnmappedTarget {
  key: string;
  value: string;
  events: number;
  sources: string[];
  firstAt: string;
  lastAt: string;
}

/** A deployment as the Delivery tab lists it. */
export interface DeploymentRecord {
  id: string;
  source: string;
  environment: string;
  status: string;
  at: string;
  sha?: string;
  commits?: string[];
  rework: boolean;
  title?: string;
  url?: string;
}

const CHUNK = 400;
/** From how many entities the metrics read the table through once (SQLite) rather than through the index by entity. */
const SCAN_FROM = 200;
/** Facts handed over in one text at most (a few MB of text; PostgreSQL's limit of 1 GB a text is ~15 million facts). */
const FACT_PAGE = 100_000;
/** Entities named in one statement when reading the table through (within SQLite's and PostgreSQL's parameter limits). */
const SCAN_CHUNK = 10_000;
/** Target–entity pairs remembered as recorded at most (then forgotten at once, and written again as they come). */
const MAX_REMEMBERED_TARGETS = 100_000;

/**
 * The `delivery_events` and `delivery_mappings` tables. Knows nothing of validation, permissions or the
 * audit log: the service does.
 */
export class DeliveryEventStore {
  /** Rows of the table a page of facts reads at most (SQLite, many entities); the tests make it small. */
  readonly #factPage: number;
  /** Work between two yields to the event loop in a long facts read (`event-loop-yield.ts`); the tests make it 0. */
  readonly #yieldEveryMs: number | undefined;

  constructor(
    private readonly store: Store,
    options: { factPage?: number; yieldEveryMs?: number } = {},
  ) {
    this.#factPage = options.factPage ?? FACT_PAGE;
    this.#yieldEveryMs = options.yieldEveryMs;
  }

  /**
   * Stores the events whose id is new; answers those. Duplicates (within the batch too) change nothing. The
   * statement's text for a chunk of n rows is compiled once (the query builder's compiling was a tenth of an
   * ingest's time) and its parameters laid out in the columns' order; the store prepares each text once.
   */
  async insert(db: Db, events: readonly DeliveryEvent[], entityOf: (event: DeliveryEvent) => string | undefined, receivedAt: string): Promise<DeliveryEvent[]> {
    const unique = [...new Map(events.map(e => [e.id, e])).values()];
    const stored: DeliveryEvent[] = [];
    const targets = new Map<string, DeliveryTargetsTable>();
    for (let i = 0; i < unique.length; i += CHUNK) {
      const chunk = unique.slice(i, i + CHUNK);
      const rows = chunk.map(e => toRow(e, entityOf(e) ?? null, receivedAt));
      // Only the rows actually inserted come back: an id already stored is skipped by the database itself.
      const inserted = await db.executeQuery<{ id: string }>(CompiledQuery.raw(this.#insertSql(db, rows.length), rows.flatMap(row => COLUMNS.map(column => row[column]))));
      const ids = new Set(inserted.rows.map(row => row.id));
      chunk.forEach((e, j) => {
        if (!ids.has(e.id)) return;
        stored.push(e);
        // The entity each row was stored for, resolved once (resolving is most of an event's cost).
        this.#collectTarget(targets, rows[j]!);
      });
    }
    await this.#recordTargets(db, [...targets.values()]);
    return stored;
  }

  /** Adds the row's target–entity pair to `into` unless it has no entity, is known to be recorded, or is there already. */
  #collectTarget(into: Map<string, DeliveryTargetsTable>, row: { target_key: string; target_value: string; entity_ref: string | null }): void {
    if (!row.entity_ref) return;
    const pair = { target_key: row.target_key, target_value: row.target_value, entity_ref: row.entity_ref };
    const key = targetKey(pair);
    if (!this.#targets.has(key) && !into.has(key)) into.set(key, pair);
  }

  /**
   * Records in `db`'s transaction which entities now hold events of which targets (`delivery_targets`). Pairs this
   * process recorded in a committed transaction are not written again: a steady stream of events writes nothing.
   */
  async #recordTargets(db: Db, pairs: readonly DeliveryTargetsTable[]): Promise<void> {
    const fresh = [...new Map(pairs.map(p => [targetKey(p), p])).values()].filter(p => !this.#targets.has(targetKey(p)));
    if (!fresh.length) return;
    for (let i = 0; i < fresh.length; i += CHUNK) await db.insertInto('delivery_targets').values(fresh.slice(i, i + CHUNK)).onConflict(oc => oc.columns(['target_key', 'target_value', 'entity_ref']).doNothing()).execute();
    this.store.afterCommit(db, () => {
      if (this.#targets.size > MAX_REMEMBERED_TARGETS) this.#targets.clear();
      for (const pair of fresh) this.#targets.add(targetKey(pair));
    });
  }

  /** Target–entity pairs known to be in `delivery_targets`. */
  readonly #targets = new Set<string>();

  /** The text of an insert of `count` rows (all columns, in COLUMNS' order) that skips known ids and answers the new ones. */
  #insertSql(db: Db, count: number): string {
    let text = this.#insertSqls.get(count);
    if (text === undefined) {
      const placeholder = Object.fromEntries(COLUMNS.map(column => [column, null])) as unknown as DeliveryEventsTable;
      text = db.insertInto('delivery_events').values(Array.from({ length: count }, () => placeholder)).onConflict(oc => oc.column('id').doNothing()).returning('id').compile().sql;
      this.#insertSqls.set(count, text);
    }
    return text;
  }

  readonly #insertSqls = new Map<number, string>();

  /** The hand-made mappings of these values of one key: value → entity ref. */
  async mappingsOf(key: string, values: readonly string[], db: Db = this.store.db): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let i = 0; i < values.length; i += CHUNK) {
      const rows = await db.selectFrom('delivery_mappings').select(['target_value', 'entity_ref']).where('target_key', '=', key).where('target_value', 'in', values.slice(i, i + CHUNK)).execute();
      for (const row of rows) found.set(row.target_value, row.entity_ref);
    }
    return found;
  }

  /**
   * Records a mapping (replacing one for the same key) and attributes every event of that key to it; answers how many
   * events moved. Attributed events are looked for among the entities `delivery_targets` says hold the key's events
   * (an annotation's, a replaced mapping's, one whose annotation has since been removed), through the index by entity:
   * the index by target keeps only unmapped events, and a scan of the whole table in this transaction on every
   * mapping grew with the history.
   */
  async map(db: Db, key: string, value: string, entityRef: string, by: string, at: string): Promise<number> {
    // One statement that replaces: a mapping of the target stored meanwhile (another replica) is replaced, where a
    // delete of the one seen and an insert failed on the target's key.
    await db
      .insertInto('delivery_mappings')
      .values({ target_key: key, target_value: value, entity_ref: entityRef, created_at: at, created_by: by })
      .onConflict(oc => oc.columns(['target_key', 'target_value']).doUpdateSet({ entity_ref: entityRef, created_at: at, created_by: by }))
      .execute();
    const holders = await db.selectFrom('delivery_targets').select('entity_ref').where('target_key', '=', key).where('target_value', '=', value).where('entity_ref', '<>', entityRef).execute();
    const previous = holders.map(h => h.entity_ref);
    const attributed = previous.length ? Number((await db.updateTable('delivery_events').set({ entity_ref: entityRef }).where('entity_ref', 'in', previous).where('target_key', '=', key).where('target_value', '=', value).executeTakeFirst()).numUpdatedRows) : 0;
    const unmapped = await db.updateTable('delivery_events').set({ entity_ref: entityRef }).where('target_key', '=', key).where('target_value', '=', value).where('entity_ref', 'is', null).executeTakeFirst();
    const moved = Number(unmapped.numUpdatedRows) + attributed;
    if (moved) await this.#recordTargets(db, [{ target_key: key, target_value: value, entity_ref: entityRef }]);
    return moved;
  }

  async unmapped(limit = 200): Promise<UnmappedTarget[]> {
    const rows = await this.store.db
      .selectFrom('delivery_events')
      .select(eb => ['target_key', 'target_value', eb.fn.countAll<number>().as('events'), eb.fn.min('at').as('first_at'), eb.fn.max('at').as('last_at')])
      .where('entity_ref', 'is', null)
      .groupBy(['target_key', 'target_value'])
      .orderBy('target_key')
      .orderBy('target_value')
      .limit(limit)
      .execute();
    const result: UnmappedTarget[] = [];
    for (const row of rows) {
      const sources = await this.store.db.selectFrom('delivery_events').select('source').distinct().where('entity_ref', 'is', null).where('target_key', '=', row.target_key).where('target_value', '=', row.target_value).execute();
      result.push({ key: row.target_key, value: row.target_value, events: Number(row.events), sources: sources.map(s => s.source).sort(), firstAt: String(row.first_at), lastAt: String(row.last_at) });
    }
    return result;
  }

  /**
   * The pull requests of these entities told of before `end` (ISO), each put together from its events: the earliest
   * opening, the latest closing unless a reopening came after it, the latest merge (with its commit), every commit any of them named, the latest title.
   */
  async pullRequests(entityRefs: readonly string[], end: string): Promise<PullRequestFact[]> {
    const rows = [];
    for (let i = 0; i < entityRefs.length; i += CHUNK) {
      rows.push(
        ...(await this.store.db
          .selectFrom('delivery_events')
          .select(['entity_ref', 'status', 'at', 'sha', 'commits', 'pull_request', 'detail'])
          .where('entity_ref', 'in', entityRefs.slice(i, i + CHUNK))
          .where('type', '=', 'change')
          .where('pull_request', 'is not', null)
          .where('at', '<', end)
          .orderBy('at')
          .execute()),
      );
    }
    // Commits gathered in a set: a pull request may be told of in many events of up to a thousand commits each.
    const found = new Map<string, { pr: PullRequestFact; commits: Set<string> }>();
    const reopenedAt = new Map<string, number>();
    for (const row of rows) {
      const [entityRef, key] = [row.entity_ref!, row.pull_request!];
      const id = `${entityRef}\u0000${key}`;
      const { pr, commits } = found.get(id) ?? found.set(id, { pr: { key, entityRef, commits: [] }, commits: new Set() }).get(id)!;
      const at = Date.parse(row.at);
      // Rows come in time order: the earliest opening; the latest closing and reopening.
      if (row.status === 'opened') pr.openedAt ??= at;
      else if (row.status === 'closed') pr.closedAt = at;
      else if (row.status === 'reopened') reopenedAt.set(id, at);
      else if (row.status === 'merged') {
        pr.mergedAt = at;
        if (row.sha) pr.mergeSha = row.sha;
      }
      for (const sha of row.commits ? (JSON.parse(row.commits) as string[]) : []) commits.add(sha);
      const detail = row.detail ? (JSON.parse(row.detail) as { title?: string; url?: string }) : {};
      if (detail.title) pr.title = detail.title;
      if (detail.url) pr.url = detail.url;
    }
    // Closed only when the last closing came after the last reopening.
    return [...found.entries()].map(([id, { pr, commits }]) => {
      const { closedAt, ...rest } = pr;
      const closed = closedAt !== undefined && closedAt > (reopenedAt.get(id) ?? -Infinity);
      return { ...rest, ...(closed ? { closedAt } : {}), commits: [...commits] };
    });
  }

  /**
   * What the metrics read of these entities before `end` (ISO), as objects (the pull requests' lead times): their
   * deployments to `production` (lower-case environments), their commits (changes that are no pull request) and their
   * incidents, each put together from its events (`#readFacts`).
   */
  async facts(entityRefs: readonly string[], end: string, production: readonly string[]): Promise<DeliveryFacts> {
    const sink = new ObjectFacts(entityRefs);
    await this.#readFacts(end, production, sink);
    return sink.facts;
  }

  /** The same facts arranged for DORA's computation (`dora-facts.ts`): no object per commit. */
  async doraFacts(entityRefs: readonly string[], end: string, production: readonly string[]): Promise<DoraFacts> {
    const facts = new DoraFacts(entityRefs);
    await this.#readFacts(end, production, facts);
    return facts;
  }

  /**
   * Reads the facts of the entities of `sink` into it. Deployments, commits and incidents' events come as text, a
   * line per fact (`factLine`), many to a row: at a million events, the driver's handing over of each row was the cost
   * (~1 µs a row), far more than reading the table or parsing the lines; incidents come with them, as the table is read
   * once (reading it again to group them cost a fifth of the time). For an organisation's figures the table is read
   * through (on SQLite in pages of the table in its own order, without a sort: SQLite's sorting of 600k commits cost as
   * much as handing them over); a few entities through the index by entity.
   */
  async #readFacts(end: string, production: readonly string[], sink: FactSink): Promise<void> {
    if (!production.length) return;
    const entityRefs = [...sink.entities.keys()];
    const whole = await this.#readsWholeTable(entityRefs);
    // One snapshot for every statement (a mapping committed between two of them must not attribute half of a target's
    // events), off the writer's connection; the read yields between statements (on SQLite they answer synchronously,
    // and a million events' facts took seconds in which the process answered nothing, not even its probes).
    const pause = loopYielder(this.#yieldEveryMs);
    const refTable = new RefTable(sink.entities);
    await this.store.snapshot(async db => {
      for (const refs of whole ? [entityRefs] : this.#entityChunks(entityRefs)) {
        // Attributed at all, as an expression no index serves (through the index by entity, a table lookup per row).
        const among = whole ? (eb: ExpressionBuilder<Database, 'delivery_events'>) => eb(sql<string>`${sql.ref('entity_ref')} || ''`, 'is not', null) : this.#entityIn(refs);
        const paged = whole || (this.store.dialect === 'sqlite' && refs.length >= SCAN_FROM);
        for await (const text of this.#factTexts(db, among, paged, end, production)) {
          readFactLines(text, production, sink, refTable);
          await pause();
        }
      }
    });
  }

  /**
   * Whether to read every attributed event and leave out in JS those of other entities: when these are most of the
   * entities holding events (an organisation's figures). On SQLite, naming a thousand entities in the statement cost as
   * much as reading the table (a search in the list for each of a million rows); PostgreSQL read the table through for
   * each chunk of entities.
   */
  async #readsWholeTable(entityRefs: readonly string[]): Promise<boolean> {
    if (entityRefs.length < SCAN_FROM) return false;
    const holders = await this.store.db.selectFrom('delivery_targets').select(eb => eb.fn.count<number>('entity_ref').distinct().as('n')).executeTakeFirstOrThrow();
    return entityRefs.length * 2 >= Number(holders.n);
  }

  /**
   * The facts `among` some entities before `end` as texts of at most `factPage` lines (`factLine`). `paged`, the table
   * is read through in pages in its own order, without a sort: on SQLite `factPage` rows by rowid; on PostgreSQL the
   * rows of a range of its blocks by ctid (a TID range scan; a block holds at most `maxRowsPerBlock` rows). Else,
   * the rows are numbered as they come and a text made of each `factPage` of them (one statement; PostgreSQL aggregates
   * them by hash, spilling to disk past its work_mem: a text per chunk of entities took 1 GB at ~15 million facts).
   */
  async *#factTexts(db: Db, among: (eb: ExpressionBuilder<Database, 'delivery_events'>) => Expression<SqlBool>, paged: boolean, end: string, production: readonly string[]): AsyncGenerator<string> {
    const facts = db
      .selectFrom('delivery_events')
      .where(among)
      .where('at', '<', end)
      .where(eb => eb.or([eb.and([eb('type', '=', 'change'), eb('sha', 'is not', null), eb('pull_request', 'is', null)]), eb.and([eb('type', '=', 'deployment'), eb('environment', 'in', production)]), eb.and([eb('type', '=', 'incident'), eb('incident', 'is not', null)])]));
    const line = factLine(production, this.store.dialect);
    if (!paged) {
      const numbered = facts.select([line.as('line'), sql<number>`(row_number() OVER ()) / ${this.#factPage}`.as('page')]);
      const text = this.store.dialect === 'postgres' ? sql<string>`string_agg(line, chr(10))` : sql<string>`group_concat(line, char(10))`;
      const rows = await db.selectFrom(numbered.as('n')).select(text.as('text')).groupBy('page').execute();
      for (const row of rows) yield row.text;
    } else if (this.store.dialect === 'postgres') {
      // The table's blocks when the snapshot was taken (its first statement): later blocks hold only rows it cannot see.
      const size = await sql<{ blocks: number; block_size: number }>`SELECT (pg_relation_size('delivery_events'::regclass) / current_setting('block_size')::int)::int AS blocks, current_setting('block_size')::int AS block_size`.execute(db);
      const { blocks, block_size } = size.rows[0]!;
      const step = Math.max(1, Math.floor(this.#factPage / maxRowsPerBlock(block_size)));
      for (let block = 0; block < blocks; block += step) {
        const range = facts.where(sql<string>`ctid`, '>=', sql<string>`${`(${block},0)`}::tid`).where(sql<string>`ctid`, '<', sql<string>`${`(${block + step},0)`}::tid`);
        const row = await range.select(sql<string>`string_agg(${line}, chr(10))`.as('text')).executeTakeFirst();
        if (row?.text) yield row.text;
      }
    } else {
      for (let after = -1; ; ) {
        const page = facts.select([sql<number>`rowid`.as('r'), line.as('line')]).where(sql<number>`rowid`, '>', after).orderBy(sql`rowid`).limit(this.#factPage);
        const row = await db.selectFrom(page.as('p')).select([sql<number>`count(*)`.as('n'), sql<number>`max(r)`.as('last'), sql<string>`group_concat(line, char(10))`.as('text')]).executeTakeFirstOrThrow();
        if (row.n) yield row.text;
        if (row.n < this.#factPage) return;
        after = row.last;
      }
    }
  }

  /** The entities in chunks a statement may name: a few hundred through the index, or all at once for a scan (`#entityIn`). */
  #entityChunks(entityRefs: readonly string[]): string[][] {
    const size = this.store.dialect === 'sqlite' && entityRefs.length >= SCAN_FROM ? SCAN_CHUNK : CHUNK;
    const chunks: string[][] = [];
    for (let i = 0; i < entityRefs.length; i += size) chunks.push(entityRefs.slice(i, i + size));
    return chunks;
  }

  /**
   * `entity_ref IN (refs)`: through the index by entity for a few entities; for many (an organisation's figures) on
   * SQLite, as an expression no index serves, so it reads the table through once instead of looking up each of a
   * million rows from the index at a random place (~7 µs a row against ~0.3 µs for a scan). PostgreSQL's planner
   * makes that choice itself (a bitmap scan reads the table in its order).
   */
  #entityIn(refs: readonly string[]) {
    const scan = this.store.dialect === 'sqlite' && refs.length >= SCAN_FROM;
    return (eb: ExpressionBuilder<Database, 'delivery_events'>) => (scan ? eb(sql<string>`${sql.ref('entity_ref')} || ''`, 'in', refs) : eb('entity_ref', 'in', refs));
  }


  /** Which of these entities deployed to one of the environments in [start, end). */
  async deployedBetween(entityRefs: readonly string[], environments: readonly string[], start: string, end: string): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < entityRefs.length; i += CHUNK) {
      const rows = await this.store.db
        .selectFrom('delivery_events')
        .select('entity_ref')
        .distinct()
        .where('entity_ref', 'in', entityRefs.slice(i, i + CHUNK))
        .where('type', '=', 'deployment')
        .where('status', '=', 'success')
        .where('environment', 'in', environments)
        .where('at', '>=', start)
        .where('at', '<', end)
        .execute();
      for (const row of rows) found.add(row.entity_ref!);
    }
    return found;
  }

  /** When an entity first deployed successfully to one of the environments at or after `since` (ISO), if it did. */
  async firstDeploymentSince(entityRef: string, environments: readonly string[], since: string): Promise<string | undefined> {
    const row = await this.store.db
      .selectFrom('delivery_events')
      .select(eb => eb.fn.min('at').as('first'))
      .where('entity_ref', '=', entityRef)
      .where('type', '=', 'deployment')
      .where('status', '=', 'success')
      .where('environment', 'in', environments)
      .where('at', '>=', since)
      .executeTakeFirst();
    return row?.first ? String(row.first) : undefined;
  }

  /** An entity's latest deployments (any environment), newest first. */
  async deployments(entityRef: string, limit: number): Promise<DeploymentRecord[]> {
    const rows = await this.store.db.selectFrom('delivery_events').selectAll().where('entity_ref', '=', entityRef).where('type', '=', 'deployment').orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(row => {
      const detail = row.detail ? (JSON.parse(row.detail) as { title?: string; url?: string }) : {};
      return {
        id: row.id,
        source: row.source,
        environment: row.environment ?? '',
        status: row.status ?? '',
        at: row.at,
        ...(row.sha ? { sha: row.sha } : {}),
        ...(row.commits ? { commits: JSON.parse(row.commits) as string[] } : {}),
        rework: row.rework === 1,
        ...(detail.title ? { title: detail.title } : {}),
        ...(detail.url ? { url: detail.url } : {}),
      };
    });
  }
}

/** Every column of a row, in the order an insert's parameters are laid out. */
const COLUMNS = ['id', 'type', 'source', 'status', 'at', 'environment', 'sha', 'incident', 'pull_request', 'rework', 'target_key', 'target_value', 'entity_ref', 'commits', 'detail', 'received_at'] as const satisfies ReadonlyArray<keyof DeliveryEventsTable>;

function toRow(e: DeliveryEvent, entityRef: string | null, receivedAt: string): DeliveryEventsTable {
  const detail = { ...(e.title ? { title: e.title } : {}), ...(e.url ? { url: e.url } : {}) };
  return {
    id: e.id,
    type: e.type,
    source: e.source,
    status: e.status ?? null,
    at: e.at,
    environment: e.environment ?? null,
    sha: e.sha ?? null,
    incident: e.incident ?? null,
    pull_request: e.pullRequest ?? null,
    rework: e.rework ? 1 : 0,
    target_key: e.targetKey,
    target_value: e.targetValue,
    entity_ref: entityRef,
    commits: e.commits ? JSON.stringify(e.commits) : null,
    detail: Object.keys(detail).length ? JSON.stringify(detail) : null,
    received_at: receivedAt,
  };
}

function targetKey(pair: DeliveryTargetsTable): string {
  return `${pair.target_key}\u0000${pair.target_value}\u0000${pair.entity_ref}`;
}

/**
 * The most rows a PostgreSQL block holds (MaxHeapTuplesPerPage: its header of 24 bytes, then per row a line pointer
 * of 4 bytes and a row header of 24 at least; 291 for blocks of 8 kB).
 */
function maxRowsPerBlock(blockSize: number): number {
  return Math.floor((blockSize - 24) / 28);
}
