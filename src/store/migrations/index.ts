import type { Migration } from './migration.js';
import { jobsMigration } from './0002-jobs.js';
import { rateLimitsMigration } from './0007-rate-limits.js';
import { eventLogMigration } from './0009-event-log.js';

/**
 * The store's own tables (the job queue, rate-limit counters, the event log). Each module lists its own
 * migrations in its `module.ts`; the app hands the store all of them. Numbers are global, so the order
 * across modules holds: add new ones at the end, never edit a released one.
 */
export const storeMigrations: readonly Migration[] = [jobsMigration, rateLimitsMigration, eventLogMigration];
