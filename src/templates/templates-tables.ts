/**
 * The golden paths' tables: tasks, their steps and their event logs.
 * They join the store's `Database` by declaration merging (the store declares only its own). Every file
 * that queries them imports this file, for types only, so each compilation holding such a file sees them.
 */
import type { Generated } from 'kysely';

declare module '../store/schema.js' {
  interface Database {
    scaffolder_tasks: ScaffolderTasksTable;
    scaffolder_task_steps: ScaffolderTaskStepsTable;
    scaffolder_task_events: ScaffolderTaskEventsTable;
    scaffolder_generated_repositories: ScaffolderGeneratedRepositoriesTable;
  }
}

/** A golden-path task. `spec` is what to run (template steps, output, parameters, where its files are). */
export interface ScaffolderTasksTable {
  id: string;
  template_ref: string;
  spec: string;
  /** open (queued), processing, completed, failed, cancelled. */
  status: string;
  created_by: string | null;
  /** JSON of the secrets given with the task; cleared when the task ends. Never returned by the API. */
  secrets: string | null;
  /** JSON list of strings the task's expressions derived from its secrets, masked like them; cleared when the task ends. */
  derived_secrets: string | null;
  /** 1 once cancellation was asked for; the worker running the task stops at the next chance. */
  cancel_requested: number;
  /** JSON of the rendered template output (secrets redacted). */
  output: string | null;
  /** JSON problem of a failed task. */
  error: string | null;
  created_at: string;
  updated_at: string;
  last_heartbeat_at: string | null;
  completed_at: string | null;
}

/** One step of a task: status, attempts and the recorded output later steps and resumes read. */
export interface ScaffolderTaskStepsTable {
  task_id: string;
  step_index: number;
  step_id: string;
  name: string;
  action: string;
  /** open, processing, completed, failed, skipped, cancelled. */
  status: string;
  attempts: number;
  output: string | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

/** The task's event log (Backstage's shape: type log | completion | cancelled | recovered, body JSON). */
export interface ScaffolderTaskEventsTable {
  id: Generated<number>;
  task_id: string;
  type: string;
  body: string;
  created_at: string;
}

/** A repository a golden path created (one per publishing step), and what a template upgrade needs to merge into it. */
export interface ScaffolderGeneratedRepositoriesTable {
  id: string;
  task_id: string;
  /** The publishing step that created it. */
  step_id: string;
  template_ref: string;
  /** The template's `spec.version`, else its catalog etag, when the content was rendered. */
  template_version: string;
  /** JSON of the form values the task ran with (never its secrets). */
  parameters: string;
  /** The action that created it (publish:git, publish:github, …). */
  publisher: string;
  /** The step's repoUrl (`host?owner=o&repo=r`, or a URL). */
  repo_url: string;
  /** What git clones and pushes to. */
  clone_url: string;
  branch: string;
  /** The workspace folder the step published ('.' for all of it). */
  source_path: string;
  /** The commit of the render the repository's content last came from (the base of the next merge). */
  render_commit: string;
  created_by: string | null;
  created_at: string;
  /** JSON of the last upgrade opened (an `UpgradeResult`). */
  last_upgrade: string | null;
  /** open, merged or closed: the state of the review the last upgrade opened; null when none was opened. */
  review_state: string | null;
  /** JSON of that review (`UpgradeReviewRecord`): where it is, and the render and version it brings in. */
  review: string | null;
}
