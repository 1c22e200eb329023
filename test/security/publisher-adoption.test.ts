/**
 * Attacks on a resumed hosted publisher (SECURITY.md §25): a task interrupted in its publishing step runs
 * the step again, and the provider's "name taken" may be its own earlier attempt. Someone who foresees the
 * name (it is in the form) can have made that repository first, or pushed into one the task made. Such a
 * repository is not the task's: the step fails with the 409, and no collaborator, team, topic or Actions
 * variable is applied to it and nothing is pushed into it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitsOf, waitForTask } from '../templates/support.js';
import { interruptInPublishStep, resumeAfterInterruption, type ResumedPublishers } from '../templates/interrupted-publish.js';

const HOUR_AGO = () => new Date(Date.now() - 3_600_000);

const CASES = [
  { key: 'gh-older', provider: 'github', action: 'publish:github', owner: 'acme', name: 'planted-older', seed: { empty: true, createdAt: HOUR_AGO() }, when: 'before' },
  { key: 'gh-pushed', provider: 'github', action: 'publish:github', owner: 'acme', name: 'planted-pushed', seed: {}, when: 'after' },
  { key: 'gl-older', provider: 'gitlab', action: 'publish:gitlab', owner: 'acme', name: 'planted-older-gl', seed: { empty: true, createdAt: HOUR_AGO() }, when: 'before' },
] as const;

describe('a resumed publisher adopts only its own repository', { timeout: 120_000 }, () => {
  let resumed: ResumedPublishers;
  const tasks = new Map<string, string>();

  beforeAll(async () => {
    resumed = await resumeAfterInterruption(async (first, standIn, dir) => {
      for (const c of CASES) {
        if (c.when === 'before') await standIn.seed(c.provider, c.owner, c.name, c.seed);
        const settings = c.provider === 'github' ? { protectDefaultBranch: false, topics: ['planted'], collaborators: [{ user: 'mallory', access: 'admin' }, { team: 'outsiders', access: 'push' }], repoVariables: { DEPLOY_TO: 'prod' } } : {};
        tasks.set(c.key, await interruptInPublishStep(first, dir, c.key, c.action, { repoUrl: `${c.provider}.com?owner=${c.owner}&repo=${c.name}`, ...settings }));
        // Made (and pushed to) by someone else while the task was interrupted.
        if (c.when === 'after') await standIn.seed(c.provider, c.owner, c.name, c.seed);
      }
    });
  });
  afterAll(() => resumed?.close());

  for (const c of CASES) {
    it(`${c.action}: a repository made ${c.when === 'before' ? 'before the task started' : 'by someone else and pushed to'} is refused, and nothing is applied to it`, async () => {
      const task = await waitForTask(resumed.pave.app, tasks.get(c.key)!);
      expect(task.status).toBe('failed');
      expect(task.steps[1]!.error?.detail).toMatch(/already exists and is not this task's earlier attempt/);
      expect(task.steps[1]!.error?.errors).toEqual([expect.objectContaining({ pointer: '/spec/steps/1/repoUrl', rule: 'exists' })]);
      const full = `${c.owner}/${c.name}`;
      expect(resumed.standIn.access.get(full)).toBeUndefined();
      expect(resumed.standIn.variables.get(full)).toBeUndefined();
      expect(resumed.standIn.requests.filter(r => r.startsWith('PUT') && r.includes(c.name))).toEqual([]);
      const planted = resumed.standIn.repositories.find(r => r.provider === c.provider && r.name === c.name)!;
      expect(await commitsOf(resumed.standIn.gitDir(planted))).toHaveLength('empty' in c.seed ? 0 : 1);
    });
  }
});
