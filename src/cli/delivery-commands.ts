import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { invalidInput } from '../core/problem.js';
import type { DoraFigures } from '../delivery/dora.js';
import type { AdoptionReport } from '../delivery/delivery-service.js';
import { windowDays } from '../delivery/window-param.js';
import { table, type Output } from './output.js';
import { withClient, type GlobalOptions } from './context.js';

/**
 * `pave delivery …`: send delivery events from a file, list the unmapped ones and map them to an entity.
 */
export function deliveryCommands(output: () => Output, globals: () => GlobalOptions): Command {
  const delivery = new Command('delivery').description('delivery events: send them, list the unmapped ones, map them to catalog entities');

  delivery
    .command('send')
    .description('send delivery events from a JSON file: a list of events, or { "events": [...] }')
    .requiredOption('-f, --file <path>', 'the JSON file ("-" reads standard input)')
    .action(async (options: { file: string }) => {
      const out = output();
      const text = options.file === '-' ? await readStdin() : await readFile(options.file, 'utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw invalidInput(`${options.file} is not JSON`, [{ pointer: '/file', detail: 'must hold JSON: a list of events or { "events": [...] }', rule: 'json' }]);
      }
      const events = Array.isArray(parsed) ? parsed : (parsed as { events?: unknown })?.events;
      if (!Array.isArray(events)) throw invalidInput(`${options.file} holds no list of events`, [{ pointer: '/events', detail: 'must be a list of events', rule: 'type' }]);
      await withClient(globals(), async client => {
        const result = await client.delivery.send(events);
        out.result(result, () => `${result.stored} stored, ${result.duplicates} already known${result.unmapped ? `, ${result.unmapped} unmapped (see pave delivery unmapped)` : ''}`);
      });
    });

  delivery
    .command('unmapped')
    .description('list keys whose events no catalog entity was found for')
    .action(async () => {
      const out = output();
      await withClient(globals(), async client => {
        const items = await client.delivery.unmapped();
        out.result({ items }, () => (items.length ? table(['KEY', 'VALUE', 'EVENTS', 'SOURCES', 'LAST'], items.map(i => [i.key, i.value, String(i.events), i.sources.join(','), i.lastAt])) : 'no unmapped events'));
      });
    });

  delivery
    .command('map')
    .description("attribute a key's events (those received and those to come) to an entity")
    .argument('<key>', 'the key as pave delivery unmapped shows it, e.g. github.com/project-slug')
    .argument('<value>', 'its value, e.g. acme/legacy-cart')
    .argument('<entity>', 'the entity, e.g. component:default/cart')
    .action(async (key: string, value: string, entity: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const mapped = await client.delivery.map(key, value, entity);
        out.result(mapped, () => `${mapped.key}=${mapped.value} → ${mapped.entity} (${mapped.events} events)`);
      });
    });
  return delivery;
}

/** `pave metrics …`: DORA's five metrics and adoption. */
export function metricsCommands(output: () => Output, globals: () => GlobalOptions): Command {
  const metrics = new Command('metrics').description("delivery metrics: DORA's five, lead time per pull request and the platform's adoption");

  metrics
    .command('dora')
    .description("DORA's five metrics with their bands, for a component, system, group or (no --entity) the organisation")
    .option('--entity <ref>', 'a component, system or group ref')
    .option('--window <window>', "days or weeks, e.g. '30d' or '12w'", '30d')
    .option('--end <date>', 'the window ends here (ISO-8601); now by default')
    .option('--weekly', "also each week's figures (trend lines)")
    .action(async (options: { entity?: string; window: string; end?: string; weekly?: boolean }) => {
      const out = output();
      windowDays(options.window, '/window');
      await withClient(globals(), async client => {
        const report = await client.delivery.dora({ ...(options.entity ? { entity: options.entity } : {}), window: options.window, ...(options.end ? { end: options.end } : {}), ...(options.weekly ? { weekly: true } : {}) });
        const figure = (value: number | null, unit = '') => (value === null ? '—' : `${value}${unit}`);
        const weeks = report.byWeek ? table(['WEEK', 'DEPLOYMENTS', 'LEAD TIME', 'FAILURE RATE', 'RECOVERY', 'REWORK'], report.byWeek.map(w => [w.week, String(w.deployments), figure(w.leadTimeMedianHours, ' h'), figure(w.changeFailureRate), figure(w.recoveryMedianHours, ' h'), figure(w.reworkRate)])) : undefined;
        out.result(report, () => [`${report.entity ?? 'organisation'}: ${report.components} component(s), ${report.window.days} days to ${report.window.end}`, doraTable(report.metrics, report.previous), ...(weeks ? [weeks] : [])].join('\n'));
      });
    });

  metrics
    .command('prs')
    .description('lead time per pull request of a component: first commit (or opening) → merged → deployed to production')
    .argument('<component>', "a component ref, e.g. component:default/cart (a system's or group's ref lists its components' pull requests)")
    .option('--window <window>', "days or weeks, e.g. '30d' or '12w'", '30d')
    .option('--end <date>', 'the window ends here (ISO-8601); now by default')
    .action(async (component: string, options: { window: string; end?: string }) => {
      const out = output();
      windowDays(options.window, '/window');
      await withClient(globals(), async client => {
        const report = await client.delivery.pullRequests(component, { window: options.window, ...(options.end ? { end: options.end } : {}) });
        const { summary } = report;
        const day = (at?: string) => at?.replace('T', ' ').slice(0, 16) ?? '—';
        out.result(report, () =>
          [
            `${report.entity}: ${summary.merged} merged in ${report.window.days} days, ${summary.deployed} deployed; median ${hours(summary.medianToMergeHours)} to merge, ${hours(summary.medianToDeployHours)} merge → production, ${hours(summary.medianLeadTimeHours)} lead time; ${summary.open} open`,
            ...(report.items.length ? [table(['PULL REQUEST', 'STATE', 'STARTED', 'MERGED', 'DEPLOYED', 'TO MERGE', 'TO DEPLOY', 'LEAD TIME'], report.items.map(pr => [pr.key, pr.state, day(pr.firstCommitAt && (!pr.openedAt || pr.firstCommitAt < pr.openedAt) ? pr.firstCommitAt : pr.openedAt), day(pr.mergedAt), day(pr.deployedAt), hours(pr.hours.toMerge), hours(pr.hours.toDeploy), hours(pr.hours.leadTime)]))] : []),
          ].join('\n'),
        );
      });
    });

  metrics
    .command('adoption')
    .description('how much the platform is used: deploying components, golden-path share, template runs')
    .option('--window <window>', "days or weeks, e.g. '30d' or '12w'", '30d')
    .option('--end <date>', 'the window ends here (ISO-8601); now by default')
    .option('--weekly', "also each week's figures (trend lines)")
    .action(async (options: { window: string; end?: string; weekly?: boolean }) => {
      const out = output();
      windowDays(options.window, '/window');
      await withClient(globals(), async client => {
        const a = await client.delivery.adoption({ window: options.window, ...(options.end ? { end: options.end } : {}) });
        out.result(a, () => [
          table(
            ['FIGURE', 'VALUE'],
            [
              ['components', String(a.components)],
              ['deploying to production', `${a.deploying} (${percent(a.deployingShare)})`],
              ['made from a golden path', `${a.fromTemplates} (${percent(a.goldenPathShare)})`],
              ['teams deploying', String(a.teamsDeploying)],
              ['template runs', `${a.templateRuns.started} started, ${a.templateRuns.completed} completed, ${a.templateRuns.failed} failed (${percent(a.templateRuns.successRate)} success)`],
              ['new components', `${a.newComponents.created} (${a.newComponents.deployed} deployed; median ${a.newComponents.medianHoursToFirstDeployment ?? '—'} h to the first deployment)`],
              ['active people per week', a.activeUsersByWeek.map(w => `${w.week}: ${w.users}`).join(', ') || '—'],
            ],
          ),
          ...(options.weekly ? [adoptionWeeks(a)] : []),
        ].join('\n'));
      });
    });
  return metrics;
}

/** The adoption report's weekly series side by side, one row per week of the window. */
function adoptionWeeks(a: AdoptionReport): string {
  const of = <T extends { week: string }>(series: T[]) => new Map(series.map(w => [w.week, w]));
  const [runs, components, requests, teams] = [of(a.templateRunsByWeek), of(a.newComponentsByWeek), of(a.platformRequestsByWeek), of(a.teamsOnboardedByWeek)];
  const people = new Map(a.activeUsersByWeek.map(w => [w.week, w.users]));
  const weeks = [...new Set([...runs.keys(), ...components.keys(), ...requests.keys(), ...teams.keys()])].sort();
  return table(
    ['WEEK', 'TEMPLATE RUNS', 'NEW COMPONENTS', 'REQUESTS', 'TEAMS ONBOARDED', 'ACTIVE PEOPLE'],
    weeks.map(week => {
      const run = runs.get(week);
      const made = components.get(week);
      const request = requests.get(week);
      return [
        week,
        run ? `${run.started} (${run.completed} ok, ${run.failed} failed)` : '—',
        made ? `${made.created} (${made.fromTemplates} from golden paths)` : '—',
        request ? `${request.applied} applied, ${request.ready} ready` : '—',
        String(teams.get(week)?.total ?? '—'),
        String(people.get(week) ?? 0),
      ];
    }),
  );
}

function doraTable(now: DoraFigures, before: DoraFigures): string {
  return table(
    ['METRIC', 'VALUE', 'BAND', 'PREVIOUS'],
    [
      ['deployment frequency', `${now.deploymentFrequency.perWeek}/week (${now.deploymentFrequency.deployments})`, now.deploymentFrequency.band ?? '—', `${before.deploymentFrequency.perWeek}/week`],
      ['change lead time', hours(now.leadTime.medianHours), now.leadTime.band ?? '—', hours(before.leadTime.medianHours)],
      ['change failure rate', percent(now.changeFailureRate.rate), now.changeFailureRate.band ?? '—', percent(before.changeFailureRate.rate)],
      ['failed deployment recovery time', hours(now.recoveryTime.medianHours), now.recoveryTime.band ?? '—', hours(before.recoveryTime.medianHours)],
      ['deployment rework rate', percent(now.reworkRate.rate), '—', percent(before.reworkRate.rate)],
    ],
  );
}

/** Hours as hours below two days, as days from then on. */
function hours(h: number | null): string {
  return h === null ? '—' : h < 48 ? `${h} h` : `${Math.round((h / 24) * 10) / 10} d`;
}

function percent(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 1000) / 10}%`;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
