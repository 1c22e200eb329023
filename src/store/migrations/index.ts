import type { Migration } from './migration.js';
import { catalogMigration } from './0001-catalog.js';
import { jobsMigration } from './0002-jobs.js';

/** Every migration, in the order they run. Add new ones at the end; never edit a released one. */
export const migrations: readonly Migration[] = [catalogMigration, jobsMigration];
