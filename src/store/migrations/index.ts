import type { Migration } from './migration.js';
import { catalogMigration } from './0001-catalog.js';
import { jobsMigration } from './0002-jobs.js';
import { authMigration } from './0003-auth.js';
import { platformMigration } from './0004-platform.js';
import { templatesMigration } from './0005-templates.js';
import { coveringSearchIndexesMigration } from './0006-covering-search-indexes.js';
import { rateLimitsMigration } from './0007-rate-limits.js';
import { platformRequestOwnerMigration } from './0008-platform-request-owner.js';
import { eventLogMigration } from './0009-event-log.js';
import { webhooksMigration } from './0010-webhooks.js';
import { taskDerivedSecretsMigration } from './0011-task-derived-secrets.js';

/** Every migration, in the order they run. Add new ones at the end; never edit a released one. */
export const migrations: readonly Migration[] = [
  catalogMigration,
  jobsMigration,
  authMigration,
  platformMigration,
  templatesMigration,
  coveringSearchIndexesMigration,
  rateLimitsMigration,
  platformRequestOwnerMigration,
  eventLogMigration,
  webhooksMigration,
  taskDerivedSecretsMigration,
];
