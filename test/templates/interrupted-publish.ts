/**
 * A task interrupted in its publishing step, as a server that died there leaves it: its first step done,
 * its publish step started and not finished. The next server to open the data folder resumes it with
 * `ctx.rerun` set on that step. Shared by the publishers' resume tests and their attacks.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { PaveConfig } from '../../src/pave-config.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';
import { openTestApp, registerTemplate, TESTER, type TestApp } from './support.js';

/** The provider stand-in and the server that resumed the interrupted tasks. */
export interface ResumedPublishers {
  standIn: ProviderStandIn;
  pave: TestApp;
  dir: string;
  close(): Promise<void>;
}

/**
 * Starts a provider stand-in, a first server on which `interrupt` leaves tasks in their publish steps and
 * arranges the provider's repositories, closes it as if it had died, and opens a second server on the same
 * data folder that resumes them. The first server runs no task unless `firstRunsTasks`.
 */
export async function resumeAfterInterruption(
  interrupt: (first: TestApp['app'], standIn: ProviderStandIn, dir: string) => Promise<void>,
  options: { firstRunsTasks?: boolean } = {},
): Promise<ResumedPublishers> {
  const dir = await mkdtemp(join(tmpdir(), 'pave-publish-resume-'));
  const standIn = await startProviderStandIn({ root: join(dir, 'git'), tokens: { good: ['repo', 'push'] } });
  await writeFile(join(dir, 'token'), 'good');
  const config: Partial<PaveConfig> = { integrations: standInIntegrations(standIn, join(dir, 'token')) };
  const dataDir = join(dir, 'data');
  const first = await openTestApp({ dataDir, taskWorker: options.firstRunsTasks ?? false, config });
  await interrupt(first.app, standIn, dir);
  await first.close();
  const pave = await openTestApp({ dataDir, config });
  return {
    standIn,
    pave,
    dir,
    async close() {
      await pave.close();
      await standIn.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every hosted provider's integration, pointed at the stand-in with the token in `tokenFile`. */
function standInIntegrations(standIn: ProviderStandIn, tokenFile: string): PaveConfig['integrations'] {
  const token = { $file: tokenFile };
  return {
    github: [{ host: 'github.com', apiBaseUrl: `${standIn.url}/api/v3`, token }],
    gitlab: [{ host: 'gitlab.com', apiBaseUrl: `${standIn.url}/api/v4`, token }],
    bitbucketServer: [{ host: 'bitbucket.test', apiBaseUrl: `${standIn.url}/rest/api/1.0`, token }],
    gitea: [{ host: 'gitea.test', baseUrl: standIn.url, token }],
  } as PaveConfig['integrations'];
}

/**
 * Creates a task of a template named `key` (write a catalog file, then publish with `action` and `input`)
 * on an app without a task worker, and leaves it started in its publish step; returns the task's id.
 */
export async function interruptInPublishStep(app: TestApp['app'], dir: string, key: string, action: string, input: Record<string, unknown>): Promise<string> {
  const { id } = await app.templates.createTask({ templateRef: await publishTemplate(app, dir, key, action, input), values: {} }, TESTER);
  const store = app.templates.tasks;
  await store.start(id, { resumed: false });
  await store.stepStarted(id, 0);
  await store.stepFinished(id, 0, 'completed', { output: {} });
  await store.stepStarted(id, 1);
  return id;
}

/**
 * Sends a task that ran to its end back into its publish step, as if its server had stopped after the
 * push and before the step was recorded: running, its publish step started once and handed back.
 */
export async function reopenPublishStep(app: TestApp['app'], id: string): Promise<void> {
  // Its end unrecorded: the row as it was while the task ran (a task that ended is never started again).
  await app.store.db.updateTable('scaffolder_tasks').set({ status: 'processing' }).where('id', '=', id).execute();
  await app.templates.tasks.stepStarted(id, 1);
  await app.templates.tasks.stepInterrupted(id, 1);
}

/** Registers a template named `key` that writes a catalog file, then publishes with `action` and `input`; its ref. */
export async function publishTemplate(app: TestApp['app'], dir: string, key: string, action: string, input: Record<string, unknown>): Promise<string> {
  const file = join(dir, `${key}.yaml`);
  await writeFile(file, stringify({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: key },
    spec: { type: 'service', steps: [
      { id: 'write', action: 'catalog:write', input: { entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: key }, spec: { type: 'service', lifecycle: 'experimental', owner: 'group:default/example' } } } },
      { id: 'publish', action, input },
    ] },
  }));
  return registerTemplate(app, file);
}
