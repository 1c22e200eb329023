/**
 * The only reader and writer of `scaffolder_generated_repositories`: the repositories golden paths
 * created, what made each (template, version, values) and the render its content came from.
 */
import { newId } from '../../core/ids.js';
import { notFound } from '../../core/problem.js';
import type { Db, Store } from '../../store/store.js';
import type { ScaffolderGeneratedRepositoriesTable } from '../templates-tables.js';
import type { ReviewState, UpgradeResult, UpgradeReview } from './upgrade-views.js';

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
  review?: UpgradeReviewRecord;
}

/** The review an upgrade opened, with what it brings in once merged: the render (the next merge's base) and, on GitHub and GitLab, its number. */
export interface UpgradeReviewRecord extends UpgradeReview {
  renderCommit: string;
  number?: number;
}

export type NewGeneratedRepository = Omit<GeneratedRepositoryRecord, 'id' | 'lastUpgrade' | 'review'>;

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
        review_state: null,
        review: null,
      })
      .onConflict(oc => oc.columns(['task_id', 'step_id']).doNothing())
      .execute();
    return id;
  }

  async get(id: string, db: Db = this.store.db): Promise<GeneratedRepositoryRecord> {
    const record = await this.find(id, db);
    if (!record) throw notFound(`No generated repository ${id}`);
    return record;
  }

  async find(id: string, db: Db = this.store.db): Promise<GeneratedRepositoryRecord | undefined> {
    const row = await db.selectFrom('scaffolder_generated_repositories').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? recordOf(row) : undefined;
  }

  /** Oldest first; with a template, only its repositories; with tasks, only theirs. */
  async list(filter: { templateRef?: string; taskIds?: string[] } = {}): Promise<GeneratedRepositoryRecord[]> {
    if (filter.taskIds && !filter.taskIds.length) return [];
    let query = this.store.db.selectFrom('scaffolder_generated_repositories').selectAll();
    if (filter.templateRef) query = query.where('template_ref', '=', filter.templateRef);
    if (filter.taskIds) query = query.where('task_id', 'in', filter.taskIds);
    return (await query.orderBy('created_at').orderBy('id').execute()).map(recordOf);
  }

  /** After an upgrade was opened, in `db`'s transaction: its review is the one followed (the repository keeps its version until it is merged). */
  async opened(db: Db, id: string, result: UpgradeResult, review: UpgradeReviewRecord): Promise<void> {
    await db
      .updateTable('scaffolder_generated_repositories')
      .set({ last_upgrade: JSON.stringify(result), review_state: review.state, review: JSON.stringify(review) })
      .where('id', '=', id)
      .execute();
  }

  /**
   * The open review was merged or closed, in `db`'s transaction. Merged, the repository's content now comes from
   * the review's render at its version (the next merge's base); closed, it stays where it was, still behind.
   * Only the open review `record` holds is decided (compare and set on the stored review itself), so a second
   * watcher deciding the same one changes nothing (false), and neither does the outcome of a review that an
   * upgrade to a newer version replaced while its provider was being asked.
   */
  async decided(db: Db, record: GeneratedRepositoryRecord, state: Exclude<ReviewState, 'open'>, at: string): Promise<boolean> {
    const review = record.review!;
    const decided = await db
      .updateTable('scaffolder_generated_repositories')
      .set({
        review_state: state,
        review: JSON.stringify({ ...review, state, decidedAt: at }),
        ...(state === 'merged' ? { template_version: review.toVersion, render_commit: review.renderCommit } : {}),
      })
      .where('id', '=', record.id)
      .where('review_state', '=', 'open')
      // The text written by `opened`: JSON.parse and JSON.stringify give it back as it was.
      .where('review', '=', JSON.stringify(review))
      .executeTakeFirst();
    return Number(decided.numUpdatedRows) > 0;
  }

  /** The repositories whose review is open, oldest first. */
  async withOpenReviews(): Promise<string[]> {
    return (await this.store.db.selectFrom('scaffolder_generated_repositories').select('id').where('review_state', '=', 'open').orderBy('created_at').orderBy('id').execute()).map(row => row.id);
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
    ...(row.review ? { review: JSON.parse(row.review) as UpgradeReviewRecord } : {}),
  };
}
