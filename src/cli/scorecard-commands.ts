import { Command } from 'commander';
import { checkLevels } from '../scorecards/level-check.js';
import { invalidInput } from '../core/problem.js';
import { table, type Output } from './output.js';
import { withClient, type GlobalOptions } from './context.js';

/**
 * `pave scorecard …`: scorecards through the API: list them with their entities per level, show one, show an
 * entity's results, a scorecard's trend, a team's standing, campaigns, and `check` an entity against a level (exit code 1 naming the failing rules on stderr,
 * for CI jobs).
 */
export function scorecardCommands(output: () => Output, globals: () => GlobalOptions): Command {
  const scorecard = new Command('scorecard').description('scorecards: standards as code, the level each entity reaches, and a CI gate');

  scorecard
    .command('list')
    .description('list scorecards with how many entities are at each level')
    .action(async () => {
      const out = output();
      await withClient(globals(), async client => {
        const items = await client.scorecards.list();
        out.result({ items }, () =>
          items.length ? table(['SCORECARD', 'ENTITIES', 'LEVELS'], items.map(item => [item.scorecard.ref, String(item.entities), Object.entries(item.levels).map(([level, count]) => `${level}: ${count}`).join(', ')])) : 'no scorecards',
        );
      });
    });

  scorecard
    .command('show')
    .description('show a scorecard: its rules and each entity’s level and score')
    .argument('<ref>', 'scorecard ref, e.g. production-readiness or scorecard:default/production-readiness')
    .action(async (ref: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const detail = await client.scorecards.scorecard(ref);
        const card = detail.summary.scorecard;
        out.result(detail, () =>
          [
            `${card.title} (${card.ref}) — levels: ${card.levels.map(level => level.name).join(' < ')}`,
            table(['RULE', 'LEVEL', 'WEIGHT', 'CONDITION'], card.rules.map(rule => [rule.id, rule.level, String(rule.weight), rule.condition])),
            '',
            detail.results.length ? table(['ENTITY', 'LEVEL', 'SCORE'], detail.results.map(result => [result.entity, result.level ?? 'unranked', String(result.score)])) : 'no entities scored',
          ].join('\n'),
        );
      });
    });

  scorecard
    .command('entity')
    .description('show an entity’s results on every scorecard that scores it')
    .argument('<ref>', 'entity ref, e.g. component:default/cart (a component when no kind is given)')
    .action(async (ref: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const view = await client.scorecards.entity(ref);
        out.result(view, () =>
          view.results.length
            ? view.results
                .map(result => [`${result.scorecard}: ${result.level ?? 'unranked'} (score ${result.score})`, table(['STATUS', 'RULE', 'LEVEL', 'MESSAGE'], result.rules.map(rule => [rule.status, rule.id, rule.level, rule.message ?? '']))].join('\n'))
                .join('\n\n')
            : `no scorecard scores ${view.entity}`,
        );
      });
    });

  scorecard
    .command('check')
    .description('check an entity reaches a level (exit code 1 naming the failing rules): a CI gate')
    .argument('<ref>', 'entity ref, e.g. component:default/cart')
    .option('--scorecard <ref>', 'only this scorecard (default: every scorecard that scores the entity)')
    .option('--level <name>', 'the level to reach (default: each scorecard’s lowest level)')
    .action(async (ref: string, options: { scorecard?: string; level?: string }) => {
      const out = output();
      await withClient(globals(), async client => {
        const view = await client.scorecards.entity(ref);
        let checks;
        try {
          checks = checkLevels(view, { ...(options.scorecard ? { scorecard: options.scorecard.includes(':') ? options.scorecard.toLowerCase() : options.scorecard } : {}), ...(options.level ? { level: options.level } : {}) });
        } catch (error) {
          throw invalidInput((error as Error).message);
        }
        const passed = checks.every(check => check.passed);
        out.result({ entity: view.entity, passed, checks }, () =>
          checks.length ? checks.map(check => `${check.passed ? 'passed' : 'FAILED'}: ${check.entity} on ${check.scorecard} needs ${check.required}, is ${check.level ?? 'unranked'}`).join('\n') : `no scorecard scores ${view.entity}`,
        );
        if (!passed) {
          for (const check of checks) for (const rule of check.failing) process.stderr.write(`${check.scorecard} ${rule.level} rule ${rule.id} ${rule.status}: ${rule.title}${rule.message ? ` — ${rule.message}` : ''}\n`);
          process.exitCode = 1;
        }
      });
    });

  scorecard
    .command('trend')
    .description('show a scorecard’s entities per level and mean score day by day (everyone’s, or one team’s)')
    .argument('<ref>', 'scorecard ref, e.g. production-readiness')
    .option('--team <ref>', 'only the entities this group owns, e.g. checkout-team')
    .option('--days <n>', 'how many days, today included (1 to 365; default 90)')
    .action(async (ref: string, options: { team?: string; days?: string }) => {
      const out = output();
      await withClient(globals(), async client => {
        if (options.days !== undefined && !/^\d{1,3}$/.test(options.days)) throw invalidInput('--days must be a whole number of days from 1 to 365');
        const trend = await client.scorecards.trend(ref, { ...(options.team ? { owner: options.team } : {}), ...(options.days ? { days: Number(options.days) } : {}) });
        const levels = Object.keys(trend.points[0]?.levels ?? {});
        out.result(trend, () =>
          [
            `${trend.scorecard}${trend.owner ? ` for ${trend.owner}` : ''}, last ${trend.days} day(s)`,
            table(['DATE', 'ENTITIES', ...levels.map(level => level.toUpperCase()), 'MEAN SCORE'], trend.points.map(point => [point.date, String(point.entities), ...levels.map(level => String(point.levels[level] ?? 0)), point.averageScore === null ? '-' : String(point.averageScore)])),
          ].join('\n'),
        );
      });
    });

  scorecard
    .command('team')
    .description('show a team’s standing: its entities per level on each scorecard, and what it has left in each campaign')
    .argument('<ref>', 'group ref, e.g. checkout-team or group:default/checkout-team')
    .action(async (ref: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const view = await client.scorecards.team(ref);
        out.result(view, () =>
          [
            view.scorecards.length
              ? table(['SCORECARD', 'ENTITIES', 'LEVELS'], view.scorecards.map(item => [item.scorecard.ref, String(item.entities), Object.entries(item.levels).map(([level, count]) => `${level}: ${count}`).join(', ')]))
              : `no scorecard scores an entity of ${view.team}`,
            ...(view.campaigns.length
              ? ['', table(['CAMPAIGN', 'TARGET', 'DONE', 'LEFT', 'RULES TO FIX'], view.campaigns.map(item => [item.campaign.ref, item.campaign.target, `${item.done}/${item.total}`, String(item.left), String(item.rulesToFix)]))]
              : []),
          ].join('\n'),
        );
      });
    });

  scorecard
    .command('campaign')
    .description('show campaigns and what is left per team (one campaign when a ref is given)')
    .argument('[ref]', 'campaign ref, e.g. silver-by-march')
    .action(async (ref?: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const items = ref ? [await client.scorecards.campaign(ref)] : await client.scorecards.campaigns();
        out.result(ref ? items[0] : { items }, () =>
          items.length
            ? items
                .map(({ campaign, progress }) =>
                  [
                    `${campaign.title} (${campaign.ref}): ${campaign.level ? `reach ${campaign.level}` : `pass ${campaign.rules?.join(', ')}`} on ${campaign.scorecard} by ${campaign.target} — ${progress.done}/${progress.total - progress.exempt} done, ${progress.left} left, ${progress.exempt} exempt, ${progress.daysLeft} days left`,
                    table(['TEAM', 'DONE', 'LEFT', 'EXEMPT', 'ENTITIES LEFT'], progress.teams.map(team => [team.owner, String(team.done), String(team.left), String(team.exempt), team.entitiesLeft.map(e => e.entity).join(', ')])),
                  ].join('\n'),
                )
                .join('\n\n')
            : 'no campaigns',
        );
      });
    });

  return scorecard;
}
