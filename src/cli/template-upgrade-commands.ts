/**
 * `pave template repositories` and `pave template upgrade`: the repositories golden paths created, and
 * template upgrades proposed to them as review branches (one repository, or every one behind), with what
 * became of each review (open, merged, declined).
 */
import { Command } from 'commander';
import { invalidInput } from '../core/problem.js';
import type { GeneratedRepository, UpgradeResult } from '../templates/upgrades/upgrade-views.js';
import type { Output } from './output.js';
import { table } from './output.js';
import { withClient, type GlobalOptions } from './context.js';

const versions = (repository: GeneratedRepository) => `${repository.templateVersion || '—'} → ${repository.currentVersion ?? 'gone'}`;

/** The last upgrade's review: open (with conflicts to resolve), merged, or closed unmerged (declined). */
function reviewOf(repository: GeneratedRepository): string {
  const review = repository.review;
  if (!review) return '—';
  const state = review.state === 'closed' ? 'declined' : review.state;
  const conflicts = review.state === 'open' && repository.lastUpgrade?.conflicts.length ? ` with ${repository.lastUpgrade.conflicts.length} conflict(s)` : '';
  return `${state} ${review.toVersion}${conflicts} ${review.url ?? review.branch}`;
}

export function templateUpgradeCommands(output: () => Output, globals: () => GlobalOptions): Command[] {
  const repositories = new Command('repositories')
    .description('the repositories golden paths created, with their template version and whether they are behind it')
    .option('--template <ref>', 'only those made from this template')
    .option('--behind', 'only those behind their template')
    .action(async (options: { template?: string; behind?: boolean }) => {
      const out = output();
      await withClient(globals(), async client => {
        const items = await client.templates.generatedRepositories({ ...(options.template ? { templateRef: options.template } : {}), ...(options.behind ? { behind: true } : {}) });
        out.result({ items }, () =>
          items.length
            ? table(['ID', 'REPOSITORY', 'TEMPLATE', 'VERSION', 'BEHIND', 'UPGRADE REVIEW'], items.map(r => [r.id, r.webUrl, r.templateRef, versions(r), r.behind ? 'yes' : 'no', reviewOf(r)]))
            : 'no generated repositories match',
        );
      });
    });

  const upgrade = new Command('upgrade')
    .description("merge a template's change into the repositories made from it, each as a review branch (a pull or merge request on GitHub or GitLab); conflicts are marked and listed, never forced")
    .argument('[repository]', 'a generated repository id, or an entity ref of what a golden path created (e.g. component:default/shop)')
    .option('--all', 'every repository behind its template (with --template: of that template)')
    .option('--template <ref>', 'with --all: only repositories made from this template')
    .option('--dry-run', 'merge and report, push nothing')
    .action(async (target: string | undefined, options: { all?: boolean; template?: string; dryRun?: boolean }) => {
      const out = output();
      if (!target === !options.all) throw invalidInput('name one repository (an id or an entity ref) or pass --all', [{ pointer: '/repository', detail: 'give a repository or --all', rule: 'required' }]);
      await withClient(globals(), async client => {
        const chosen = options.all
          ? await client.templates.generatedRepositories({ behind: true, ...(options.template ? { templateRef: options.template } : {}) })
          : target!.includes(':')
            ? await client.templates.generatedRepositories({ entityRef: target! })
            : [{ id: target! }];
        const results: UpgradeResult[] = [];
        for (const repository of chosen) results.push(await client.templates.upgrade(repository.id, { dryRun: options.dryRun ?? false }));
        out.result({ items: results }, () =>
          results.length
            ? [
                table(['REPOSITORY', 'VERSION', 'OUTCOME', 'CHANGED', 'REVIEW'], results.map(r => [r.repository, `${r.fromVersion || '—'} → ${r.toVersion}`, r.outcome, String(r.changed.length), `${r.alreadyOpen ? 'already open: ' : ''}${r.reviewUrl ?? r.branch ?? '—'}`])),
                ...results.filter(r => r.conflicts.length).map(r => `${r.repository}: conflicts to resolve on ${r.branch}: ${r.conflicts.join(', ')}`),
                ...(options.dryRun ? ['dry run: nothing was pushed'] : []),
              ].join('\n')
            : 'no repository is behind its template',
        );
      });
    });
  return [repositories, upgrade];
}
