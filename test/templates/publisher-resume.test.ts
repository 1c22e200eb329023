/**
 * Hosted publishers on a resumed task: the task's earlier attempt created the repository and then its
 * process died before the push (or before the step was recorded). The step runs again; the provider's
 * "name taken" is its own repository, read back, and the push goes on — on GitHub, GitLab, Bitbucket
 * Server and Gitea stand-ins. A repository that holds someone else's commits is still never overwritten.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitsOf, fileAt, TESTER, waitForTask } from './support.js';
import { interruptInPublishStep, publishTemplate, reopenPublishStep, resumeAfterInterruption, type ResumedPublishers } from './interrupted-publish.js';

const CASES = [
  { provider: 'github', action: 'publish:github', repoUrl: 'github.com?owner=acme&repo=resumed-gh', owner: 'acme', name: 'resumed-gh' },
  { provider: 'gitlab', action: 'publish:gitlab', repoUrl: 'gitlab.com?owner=acme&repo=resumed-gl', owner: 'acme', name: 'resumed-gl' },
  { provider: 'bitbucketServer', action: 'publish:bitbucketServer', repoUrl: 'bitbucket.test?project=PLAT&repo=resumed-bb', owner: 'PLAT', name: 'resumed-bb' },
  { provider: 'gitea', action: 'publish:gitea', repoUrl: 'gitea.test?owner=acme&repo=resumed-gt', owner: 'acme', name: 'resumed-gt' },
] as const;

describe('hosted publishers resume their own earlier attempt', { timeout: 120_000 }, () => {
  let resumed: ResumedPublishers;
  const tasks = new Map<string, string>();

  beforeAll(async () => {
    // The first process creates the tasks and dies in their publish steps, after the provider made the repository.
    resumed = await resumeAfterInterruption(async (first, standIn, dir) => {
      for (const c of CASES) {
        tasks.set(c.provider, await interruptInPublishStep(first, dir, c.provider, c.action, { repoUrl: c.repoUrl }));
        await standIn.seed(c.provider, c.owner, c.name, { empty: true });
      }
      // Someone else's repository under the name (with a commit): never overwritten, even on a rerun.
      tasks.set('taken', await interruptInPublishStep(first, dir, 'taken', 'publish:github', { repoUrl: 'github.com?owner=acme&repo=resumed-taken' }));
      await standIn.seed('github', 'acme', 'resumed-taken');
    });
  });
  afterAll(() => resumed?.close());

  for (const c of CASES) {
    it(`${c.action}: the repository the earlier attempt created is read back and pushed to`, async () => {
      const task = await waitForTask(resumed.pave.app, tasks.get(c.provider)!);
      expect(task.error, JSON.stringify(task.error)).toBeUndefined();
      expect(task.status).toBe('completed');
      const mine = resumed.standIn.repositories.filter(r => r.provider === c.provider && r.name === c.name);
      expect(mine).toHaveLength(1);
      expect(await fileAt(resumed.standIn.gitDir(mine[0]!), 'catalog-info.yaml')).toContain(`name: ${c.provider}`);
      expect(task.steps[1]!.output).toMatchObject({ commitHash: (await commitsOf(resumed.standIn.gitDir(mine[0]!)))[0] });
      const events = await resumed.pave.app.templates.events(task.id);
      expect(events.map(e => e.body.message)).toEqual(expect.arrayContaining([expect.stringMatching(/exists already: this task started this step before and it was made since, so it is taken as made then; going on with it/)]));
    });
  }

  it('a repository holding other commits is not overwritten on a rerun: the step fails saying so', async () => {
    const task = await waitForTask(resumed.pave.app, tasks.get('taken')!);
    expect(task.status).toBe('failed');
    expect(task.steps[1]!.error?.detail).toMatch(/already exists and is not this task's earlier attempt \(it holds commits this task did not push, on main\)/);
    expect(await commitsOf(resumed.standIn.gitDir(resumed.standIn.repositories.find(r => r.name === 'resumed-taken')!))).toHaveLength(1);
  });
});

describe('a hosted publisher resumed after its push', { timeout: 120_000 }, () => {
  let resumed: ResumedPublishers;
  let task = '';
  let pushed: string | undefined;

  beforeAll(async () => {
    // The first process runs the task to its end; then, as if it had died after the push and before the
    // step was recorded, the task is sent back into its publish step.
    resumed = await resumeAfterInterruption(
      async (first, standIn, dir) => {
        const templateRef = await publishTemplate(first, dir, 'pushed', 'publish:github', { repoUrl: 'github.com?owner=acme&repo=resumed-pushed', protectDefaultBranch: false, topics: ['resumed'] });
        task = (await first.templates.createTask({ templateRef, values: {} }, TESTER)).id;
        expect((await waitForTask(first, task)).status).toBe('completed');
        [pushed] = await commitsOf(standIn.gitDir(standIn.repositories.find(r => r.name === 'resumed-pushed')!));
        await reopenPublishStep(first, task);
      },
      { firstRunsTasks: true },
    );
  });
  afterAll(() => resumed?.close());

  it('takes the repository holding only its own commit as its own and finishes, pushing nothing new', async () => {
    const done = await waitForTask(resumed.pave.app, task);
    expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.steps[1]!.output).toMatchObject({ commitHash: pushed });
    expect(await commitsOf(resumed.standIn.gitDir(resumed.standIn.repositories.find(r => r.name === 'resumed-pushed')!))).toEqual([pushed]);
    const messages = (await resumed.pave.app.templates.events(task)).map(e => e.body.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/exists already: this task started this step before/), expect.stringMatching(/already has commit .*; not pushing again/)]));
  });
});
