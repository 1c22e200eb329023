/**
 * A Pave process that only reads the event log and sends webhooks, for the crash test: it opens the
 * PostgreSQL schema named by PAVE_DATABASE_SCHEMA, starts its event consumers and delivery worker, says
 * "ready" and runs until it is killed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/pave-config.js';
import { createLogger } from '../../src/core/logger.js';
import { createApp } from '../../src/app.js';
import { testWebhooks } from './support.js';

// The process runs until it is killed: its workers are what the test watches.
await createApp(
  { ...defaultConfig(), dataDir: mkdtempSync(join(tmpdir(), 'pave-events-child-')), databaseUrl: process.env.PAVE_DATABASE_URL!, databaseSchema: process.env.PAVE_DATABASE_SCHEMA!, logLevel: 'silent', events: testWebhooks({ timeoutSeconds: 1, maxAttempts: 10_000 }) },
  { logger: createLogger('silent'), workers: ['store.event-consumers', 'events.webhook-delivery'] },
);
process.stdout.write('ready\n');
