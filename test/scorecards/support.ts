/**
 * Harness for the scorecards suites: a Pave on 127.0.0.1 (auth off unless given), a hosted repository made
 * with real git, and the entities and scorecard they score.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Entity } from '../../src/core/entity.js';
import { DeferredCollection } from '../../src/scorecards/deferred-collection.js';
import type { PaveApp } from '../../src/app.js';

/** Makes `<dataDir>/git/<owner>/<repo>.git` holding `files` in one commit on main, with real git. */
export function hostRepository(dataDir: string, owner: string, repo: string, files: Record<string, string>): void {
  const work = mkdtempSync(join(tmpdir(), 'pave-scorecards-work-'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: work, stdio: 'pipe' });
  git('init', '-q');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content);
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'first');
  mkdirSync(join(dataDir, 'git', owner), { recursive: true });
  execFileSync('git', ['clone', '-q', '--bare', work, join(dataDir, 'git', owner, `${repo}.git`)], { stdio: 'pipe' });
  rmSync(work, { recursive: true, force: true });
}

export function component(name: string, extra: { owner?: string; description?: string; annotations?: Record<string, string>; lifecycle?: string; tags?: string[] } = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, ...(extra.description ? { description: extra.description } : {}), ...(extra.tags ? { tags: extra.tags } : {}), ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: { type: 'service', lifecycle: extra.lifecycle ?? 'production', ...(extra.owner ? { owner: extra.owner } : {}) },
  };
}

export const team = (name: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name }, spec: { type: 'team', children: [] } });

/** A production-readiness scorecard over services: bronze (owner, description), silver (README, CODEOWNERS), gold (docs). */
export function readinessScorecard(extraRules: object[] = []): Entity {
  return {
    apiVersion: 'pave.dev/v1alpha1',
    kind: 'Scorecard',
    metadata: { name: 'readiness', title: 'Production readiness' },
    spec: {
      owner: 'group:default/platform',
      filter: 'kind=component,spec.type=service',
      levels: [
        { name: 'bronze', rank: 1, colour: '#cd7f32' },
        { name: 'silver', rank: 2, colour: '#c0c0c0' },
        { name: 'gold', rank: 3, colour: '#ffd700' },
      ],
      rules: [
        { id: 'owned', title: 'Owned by a team', level: 'bronze', weight: 2, condition: 'facts.catalog.ownerIsGroup', failMessage: 'Set spec.owner to a Group' },
        { id: 'described', title: 'Has a description', level: 'bronze', condition: 'facts.catalog.hasDescription' },
        { id: 'readme', title: 'Has a README', level: 'silver', condition: 'facts.repository.readme' },
        { id: 'codeowners', title: 'Has CODEOWNERS', level: 'silver', condition: 'facts.repository.codeowners', fixUrl: 'https://docs.example.com/codeowners', fix: { template: 'template:default/add-codeowners', values: { component: '${{ entity.metadata.name }}' } } },
        { id: 'docs', title: 'Has docs', level: 'gold', condition: 'facts.catalog.hasDocs' },
        ...extraRules,
      ],
    },
  };
}

/** Runs the deferred (repository) collections that are due, as the `scorecards.collector` worker does. */
export function runDeferred(app: PaveApp): Promise<number> {
  return new DeferredCollection(app.scorecards, app.queue, { pollMs: 1000, historyDays: 30 }).runDue();
}

/** GET a JSON answer: its status and body. */
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

/**
 * A scorecard over every component from catalog facts alone: bronze when owned by a team, silver when also
 * described; with a campaign to bring everything to bronze (the maturity evidence and dashboard suites).
 */
export const basicsScorecard = (): Entity[] => [
  {
    apiVersion: 'pave.dev/v1alpha1',
    kind: 'Scorecard',
    metadata: { name: 'basics', title: 'Basics' },
    spec: {
      filter: 'kind=component',
      levels: [
        { name: 'bronze', rank: 1 },
        { name: 'silver', rank: 2 },
      ],
      rules: [
        { id: 'owned', title: 'Owned by a team', level: 'bronze', condition: 'facts.catalog.ownerIsGroup' },
        { id: 'described', title: 'Has a description', level: 'silver', condition: 'facts.catalog.hasDescription' },
      ],
    },
  },
  { apiVersion: 'pave.dev/v1alpha1', kind: 'Campaign', metadata: { name: 'all-bronze', title: 'All bronze' }, spec: { scorecard: 'basics', level: 'bronze', start: '2026-01-01', target: '2099-01-01' } },
];
