/**
 * The only reader and writer of `scaffolder_generated_repositories`: the repositories golden paths
 * created, what made each (template, version, values) and the render its content came from.
 */
import { newId } from '../../core/ids.js';
import { notFound } from '../../core/problem.js';
import type { Db, Store } from '../../store/store.js';
import type { ScaffolderGeneratedRepositoriesTable } from '../templates-tables.js';
import type { UpgradeResult } from './upgrade-views.js';

/** A generated repository as stored (its clone URL may be a server path: never shown as it is). */
export interface GeneratedRepositoryRecord {
  id: string;
  taskId: string;
  stepId: string;
  templateRef: string;
  templateVersion: string;
  values: Record<string, unknown>;
  publisher: string;
  repoUrl: string;
  cloneUrl: string;
  branch: string;
  sourcePath: string;
  renderCommit: string;
  createdBy?: string;
  createdAt: string;
  lastUpgrade?: UpgradeResult;
}

export type NewGeneratedRepository = Omit<GeneratedRepositoryRecord, 'id' | 'lastUpgrade'>;

export class GeneratedRepositoryStore {
  constructor(private readonly store: Store) {}

  /** Records a repository a task's step created; recording the same step again changes nothing (a resumed task finishes twice at most). */
  async record(repository: NewGeneratedRepository): Promise<string> {
    const existing = await this.store.db.selectFrom('scaffolder_generated_repositories').select('id').where('task_id', '=', repository.taskId).where('step_id', '=', repository.stepId).executeTakeFirst();
    if (existing) return existing.id;
    const id = newId();
    await this.store.db
      .insertInto('scaffolder_generated_repositories')
      .values({
        id,
        task_id: repository.taskId,
        step_id: repository.stepId,
        template_ref: repository.templateRef,
        template_version: repository.templateVersion,
        parameters: JSON.stringify(repository.values),
        publisher: repository.publisher,
        repo_url: repository.repoUrl,
        clone_url: repository.cloneUrl,
        branch: repository.branch,
        source_path: repository.sourcePath,
        render_commit: repository.renderCommit,
        created_by: repository.createdBy ?? null,
        created_at: repository.createdAt,
        last_upgrade: null,
      })
      .onConflict(oc => oc.columns(['task_id', 'step_id']).doNothing())
      .execute();
    return id;
  }

  async get(id: string, db: Db = this.store.db): Promise<GeneratedRepositoryRecord> {
    const row = await db.selectFrom('scaffolder_generated_repositories').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`No generated repository ${id}`);
    return recordOf(row);
  }

  /** Oldest first; with a template, only its repositories; with tasks, only theirs. */
  async list(filter: { templateRef?: string; taskIds?: string[] } = {}): Promise<GeneratedRepositoryRecord[]> {
    if (filter.taskIds && !filter.taskIds.length) return [];
    let query = this.store.db.selectFrom('scaffolder_generated_repositories').selectAll();
    if (filter.templateRef) query = query.where('template_ref', '=', filter.templateRef);
    if (filter.taskIds) query = query.where('task_id', 'in', filter.taskIds);
    return (await query.orderBy('created_at').orderBy('id').execute()).map(recordOf);
  }

  /** After an upgrade was opened: its content now comes from the new render (the next merge's base), in `db`'s transaction. */
  async upgraded(db: Db, id: string, result: UpgradeResult, renderCommit: string): Promise<void> {
    await db
      .updateTable('scaffolder_generated_repositories')
      .set({ template_version: result.toVersion, render_commit: renderCommit, last_upgrade: JSON.stringify(result) })
      .where('id', '=', id)
      .execute();
  }
}

function recordOf(row: ScaffolderGeneratedRepositoriesTable): GeneratedRepositoryRecord {
  return {
    id: row.id,
    taskId: row.task_id,
    stepId: row.step_id,
    templateRef: row.template_ref,
    templateVersion: row.template_version,
    values: JSON.parse(row.parameters) as Record<string, unknown>,
    publisher: row.publisher,
    repoUrl: row.repo_url,
    cloneUrl: row.clone_url,
    branch: row.branch,
    sourcePath: row.source_path,
    renderCommit: row.render_commit,
    ...(row.created_by ? { createdBy: row.created_by } : {}),
    createdAt: row.created_at,
    ...(row.last_upgrade ? { lastUpgrade: JSON.parse(row.last_upgrade) as UpgradeResult } : {}),
  };
}
