/**
 * Hosted publishers on a resumed task: the task's earlier attempt created the repository and then its
 * process died before the push (or before the step was recorded). The step runs again; the provider's
 * "name taken" is its own repository, read back, and the push goes on — on GitHub, GitLab, Bitbucket
 * Server and Gitea stand-ins. A repository that holds someone else's commits is still never overwritten.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { PaveConfig } from '../../src/pave-config.js';
import { commitsOf, fileAt, openTestApp, registerTemplate, TESTER, waitForTask, type TestApp } from './support.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';

const CASES = [
  { provider: 'github', action: 'publish:github', repoUrl: 'github.com?owner=acme&repo=resumed-gh', owner: 'acme', name: 'resumed-gh' },
  { provider: 'gitlab', action: 'publish:gitlab', repoUrl: 'gitlab.com?owner=acme&repo=resumed-gl', owner: 'acme', name: 'resumed-gl' },
  { provider: 'bitbucketServer', action: 'publish:bitbucketServer', repoUrl: 'bitbucket.test?project=PLAT&repo=resumed-bb', owner: 'PLAT', name: 'resumed-bb' },
  { provider: 'gitea', action: 'publish:gitea', repoUrl: 'gitea.test?owner=acme&repo=resumed-gt', owner: 'acme', name: 'resumed-gt' },
] as const;

describe('hosted publishers resume their own earlier attempt', { timeout: 120_000 }, () => {
  let standIn: ProviderStandIn;
  let dir: string;
  let pave: TestApp | undefined;
  const tasks = new Map<string, string>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-publish-resume-'));
    standIn = await startProviderStandIn({ root: join(dir, 'git'), tokens: { good: ['repo', 'push'] } });
    await writeFile(join(dir, 'token'), 'good');
    const token = { $file: join(dir, 'token') };
    const config: Partial<PaveConfig> = {
      integrations: {
        github: [{ host: 'github.com', apiBaseUrl: `${standIn.url}/api/v3`, token }],
        gitlab: [{ host: 'gitlab.com', apiBaseUrl: `${standIn.url}/api/v4`, token }],
        bitbucketServer: [{ host: 'bitbucket.test', apiBaseUrl: `${standIn.url}/rest/api/1.0`, token }],
        gitea: [{ host: 'gitea.test', baseUrl: standIn.url, token }],
      } as PaveConfig['integrations'],
    };
    const dataDir = join(dir, 'data');
    // The first process: it creates the tasks and dies in their publish steps, after the provider made the repository.
    const first = await openTestApp({ dataDir, taskWorker: false, config });
    const run = async (key: string, action: string, repoUrl: string) => {
      const file = join(dir, `${key}.yaml`);
      await writeFile(file, stringify({
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: key },
        spec: { type: 'service', steps: [
          { id: 'write', action: 'catalog:write', input: { entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: key }, spec: { type: 'service', lifecycle: 'experimental', owner: 'group:default/example' } } } },
          { id: 'publish', action, input: { repoUrl } },
        ] },
      }));
      const { id } = await first.app.templates.createTask({ templateRef: await registerTemplate(first.app, file), values: {} }, TESTER);
      const store = first.app.templates.tasks;
      await store.start(id, { resumed: false });
      await store.stepStarted(id, 0);
      await store.stepFinished(id, 0, 'completed', { output: {} });
      await store.stepStarted(id, 1);
      tasks.set(key, id);
    };
    for (const c of CASES) {
      await run(c.provider, c.action, c.repoUrl);
      await standIn.seed(c.provider, c.owner, c.name, { empty: true });
    }
    // Someone else's repository under the name (with a commit): never overwritten, even on a rerun.
    await run('taken', 'publish:github', 'github.com?owner=acme&repo=resumed-taken');
    await standIn.seed('github', 'acme', 'resumed-taken');
    await first.close();
    // The restarted server resumes them.
    pave = await openTestApp({ dataDir, config });
  });
  afterAll(async () => {
    await pave?.close();
    await standIn?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.action}: the repository the earlier attempt created is read back and pushed to`, async () => {
      const task = await waitForTask(pave!.app, tasks.get(c.provider)!);
      expect(task.error, JSON.stringify(task.error)).toBeUndefined();
      expect(task.status).toBe('completed');
      const mine = standIn.repositories.filter(r => r.provider === c.provider && r.name === c.name);
      expect(mine).toHaveLength(1);
      expect(await fileAt(standIn.gitDir(mine[0]!), 'catalog-info.yaml')).toContain(`name: ${c.provider}`);
      expect(task.steps[1]!.output).toMatchObject({ commitHash: (await commitsOf(standIn.gitDir(mine[0]!)))[0] });
      const events = await pave!.app.templates.events(task.id);
      expect(events.map(e => e.body.message)).toEqual(expect.arrayContaining([expect.stringMatching(/exists already: this task started this step before, so it is taken as made then; going on with it/)]));
    });
  }

  it('a repository holding other commits is not overwritten on a rerun: the step fails saying so', async () => {
    const task = await waitForTask(pave!.app, tasks.get('taken')!);
    expect(task.status).toBe('failed');
    expect(task.steps[1]!.error?.detail).toMatch(/already has a main branch .* with other content/);
    expect(await commitsOf(standIn.gitDir(standIn.repositories.find(r => r.name === 'resumed-taken')!))).toHaveLength(1);
  });
});
