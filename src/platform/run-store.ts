import type { Selectable } from 'kysely';
import { notFound } from '../core/problem.js';
import type { Db, Store } from '../store/store.js';
import type { PlatformRunsTable } from './platform-tables.js';
import type { Run } from './model/types.js';

/**
 * Runs: one row per workflow execution, written when it starts (phase Running) and completed once when
 * it ends. A run whose process died is marked Abandoned by the next run of the same request.
 */
export class RunStore {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async start(run: Run, db: Db = this.#store.db): Promise<void> {
    await db.insertInto('platform_runs').values(toRow(run)).execute();
  }

  /** Completes a run (only a Running one: a finished run is immutable), in the transaction that records its outcome. */
  async finish(db: Db, run: Run): Promise<void> {
    const row = toRow(run);
    await db
      .updateTable('platform_runs')
      .set({ phase: row.phase, steps: row.steps, outputs: row.outputs, diff: row.diff, commits: row.commits, drift: row.drift, error: row.error, finished_at: row.finished_at })
      .where('id', '=', run.id)
      .where('phase', '=', 'Running')
      .execute();
  }

  /** True when a run of the request is Running (one cheap read spares most reconciles a transaction). */
  async hasRunning(requestId: string): Promise<boolean> {
    const row = await this.#store.db.selectFrom('platform_runs').select('id').where('request_id', '=', requestId).where('phase', '=', 'Running').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** Marks runs of a request left Running by a process that died; returns their ids. */
  async abandonRunning(db: Db, requestId: string, now: string): Promise<string[]> {
    const rows = await db
      .updateTable('platform_runs')
      .set({ phase: 'Abandoned', error: 'the process running it stopped before it finished; a later run took over', finished_at: now })
      .where('request_id', '=', requestId)
      .where('phase', '=', 'Running')
      .returning('id')
      .execute();
    return rows.map(row => row.id);
  }

  async get(id: string): Promise<Run> {
    const row = await this.#store.db.selectFrom('platform_runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`No run ${id}`);
    return toRun(row);
  }

  /** Runs of a request (by namespace and name, so history outlives a deleted request), newest first. */
  async list(namespace: string, name: string, limit = 100): Promise<Run[]> {
    const rows = await this.#store.db
      .selectFrom('platform_runs')
      .selectAll()
      .where('namespace', '=', namespace)
      .where('name', '=', name)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRun);
  }
}

function toRow(run: Run): PlatformRunsTable {
  return {
    id: run.id,
    request_id: run.requestId,
    namespace: run.namespace,
    name: run.name,
    kind: run.kind,
    generation: run.generation,
    capability: run.capability,
    capability_version: run.capabilityVersion,
    action: run.action,
    trigger: run.trigger,
    input_hash: run.inputHash,
    phase: run.phase,
    steps: JSON.stringify(run.steps),
    outputs: JSON.stringify(run.outputs),
    diff: JSON.stringify(run.diff),
    commits: JSON.stringify(run.commits),
    drift: run.drift ? 1 : 0,
    error: run.error ?? null,
    started_at: run.startedAt,
    finished_at: run.finishedAt ?? null,
  };
}

function toRun(row: Selectable<PlatformRunsTable>): Run {
  return {
    id: row.id,
    requestId: row.request_id,
    namespace: row.namespace,
    name: row.name,
    kind: row.kind,
    generation: Number(row.generation),
    capability: row.capability,
    capabilityVersion: row.capability_version,
    action: row.action as Run['action'],
    trigger: row.trigger,
    inputHash: row.input_hash,
    phase: row.phase as Run['phase'],
    steps: JSON.parse(row.steps) as Run['steps'],
    outputs: JSON.parse(row.outputs) as Run['outputs'],
    diff: JSON.parse(row.diff) as Run['diff'],
    commits: JSON.parse(row.commits) as Run['commits'],
    drift: Number(row.drift) === 1,
    ...(row.error ? { error: row.error } : {}),
    startedAt: row.started_at,
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
  };
}

/** A run's logs as plain text: each step's lines, then its error. */
export function runLogText(run: Run): string {
  const lines = [`run ${run.id}: ${run.action} ${run.namespace}/${run.name} generation ${run.generation} (${run.capability}@${run.capabilityVersion}) — ${run.phase}`];
  for (const step of run.steps) {
    lines.push(`[${step.name}] ${step.type} ${step.phase} (attempt ${step.attempts}, ${step.startedAt} → ${step.finishedAt})`);
    for (const line of step.log) lines.push(`[${step.name}] ${line}`);
    if (step.message) lines.push(`[${step.name}] message: ${step.message}`);
    if (step.error) lines.push(`[${step.name}] error: ${step.error}`);
  }
  for (const change of run.diff) lines.push(`${change.change} ${change.destination}:${change.path}`);
  for (const commit of run.commits) lines.push(`committed ${commit.commit} to ${commit.destination} (${commit.branch})`);
  if (run.error) lines.push(`error: ${run.error}`);
  return lines.join('\n') + '\n';
}
