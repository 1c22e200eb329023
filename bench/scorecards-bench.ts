/**
 * Scorecards benchmark: a real Pave (createApp over a fresh SQLite file, or a fresh PostgreSQL schema with
 * --database-url) with `--entities` components owned by 50 teams, with varied descriptions, tags, links and
 * systems. It adds a scorecard of 20 rules over catalog facts (three levels, weights) and prints the time of
 * its first pass (facts collected and every entity evaluated), of a full evaluation with the facts known, and
 * from an entity's change to its new level (the change saved, the event consumer run, the level read back),
 * with the process's memory. It asserts nothing.
 *
 * @example npm run bench -- scorecards --entities 10000
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Entity } from '../src/core/entity.js';
import { scorecardOf } from '../src/scorecards/scorecard.js';
import { withBenchApp } from './bench-app.js';
import { machineFacts, measureAndPrint, wholeNumber, type MachineFacts } from './bench-args.js';
import { Random } from './random.js';
import { formatBytes, formatCount, formatMs, percentile, table } from './report.js';

export const usage = `npm run bench -- scorecards [options]

  --entities <n>        components in the catalog (default 10000)
  --changes <n>         entity changes timed from save to new level (default 20)
  --database-url <url>  run on PostgreSQL (a fresh schema, dropped afterwards) instead of SQLite
  --json                print JSON instead of a table`;

interface Options {
  entities: number;
  changes: number;
  databaseUrl?: string;
  json: boolean;
}

export interface ScorecardsBenchReport {
  benchmark: 'scorecards';
  environment: MachineFacts;
  options: Omit<Options, 'json'>;
  rules: number;
  /** The scorecard's first pass: catalog facts collected for every entity, then every entity evaluated. */
  firstPass: { entities: number; ms: number };
  /** Every entity evaluated again with its facts known. */
  evaluateAll: { entities: number; ms: number };
  /** From saving a change to reading the entity's new level, per change. */
  changeToLevel: { changes: number; p50Ms: number; maxMs: number };
  memory: { rss: number; heapUsed: number };
}

const TEAMS = 50;

export const run = (argv: string[]): Promise<number> => measureAndPrint(argv, usage, parseOptions, measure, render);

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { entities: { type: 'string' }, changes: { type: 'string' }, 'database-url': { type: 'string' }, json: { type: 'boolean' } } });
  return {
    entities: wholeNumber('entities', values.entities, 10_000, 1),
    changes: wholeNumber('changes', values.changes, 20, 1),
    ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    json: values.json ?? false,
  };
}

/** 20 rules over catalog facts: bronze (owned, described, lifecycle), silver (system, tags, links), gold (docs, API). */
function benchScorecard(): Entity {
  const rule = (id: string, level: string, condition: string, weight = 1) => ({ id, title: id, level, weight, condition });
  return {
    apiVersion: 'pave.dev/v1alpha1',
    kind: 'Scorecard',
    metadata: { name: 'bench-readiness' },
    spec: {
      filter: 'kind=component',
      levels: [
        { name: 'bronze', rank: 1 },
        { name: 'silver', rank: 2 },
        { name: 'gold', rank: 3 },
      ],
      rules: [
        rule('has-owner', 'bronze', 'facts.catalog.hasOwner', 3),
        rule('owner-is-group', 'bronze', 'facts.catalog.ownerIsGroup', 3),
        rule('described', 'bronze', 'facts.catalog.hasDescription', 2),
        rule('has-lifecycle', 'bronze', 'facts.catalog.lifecycle != null'),
        rule('known-lifecycle', 'bronze', "facts.catalog.lifecycle in ['production', 'experimental', 'deprecated']"),
        rule('not-deprecated', 'bronze', "facts.catalog.lifecycle != 'deprecated'"),
        rule('in-a-system', 'silver', 'facts.catalog.hasSystem', 2),
        rule('tagged', 'silver', 'facts.catalog.tagCount >= 1'),
        rule('well-tagged', 'silver', 'facts.catalog.tagCount >= 2'),
        rule('linked', 'silver', 'facts.catalog.linkCount >= 1'),
        rule('few-tags', 'silver', 'facts.catalog.tagCount <= 10'),
        rule('owned-and-described', 'silver', 'facts.catalog.hasOwner and facts.catalog.hasDescription'),
        rule('system-and-links', 'silver', 'facts.catalog.hasSystem and facts.catalog.linkCount >= 1'),
        rule('documented', 'gold', 'facts.catalog.hasDocs', 2),
        rule('provides-api', 'gold', 'facts.catalog.hasApiDefinition', 2),
        rule('two-links', 'gold', 'facts.catalog.linkCount >= 2'),
        rule('three-tags', 'gold', 'facts.catalog.tagCount >= 3'),
        rule('production', 'gold', "facts.catalog.lifecycle == 'production'"),
        rule('docs-and-api', 'gold', 'facts.catalog.hasDocs and facts.catalog.hasApiDefinition'),
        rule('complete', 'gold', 'facts.catalog.ownerIsGroup and facts.catalog.hasSystem and facts.catalog.hasDocs'),
      ],
    },
  };
}

function component(index: number, random: Random): Entity {
  const name = `svc-${String(index).padStart(5, '0')}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      ...(random.chance(0.8) ? { description: `Service ${index}` } : {}),
      tags: ['bench', 'node', 'http', 'payments'].slice(0, random.int(0, 4)),
      links: Array.from({ length: random.int(0, 2) }, (_, i) => ({ url: `https://runbooks.example/${name}/${i}`, title: `Link ${i}` })),
      ...(random.chance(0.3) ? { annotations: { 'backstage.io/techdocs-ref': 'dir:.' } } : {}),
    },
    spec: { type: 'service', lifecycle: ['production', 'experimental', 'deprecated'][random.int(0, 2)]!, owner: `team-${index % TEAMS}`, ...(random.chance(0.6) ? { system: 'bench' } : {}) },
  };
}

async function measure(options: Options): Promise<ScorecardsBenchReport> {
  const environment = machineFacts();
  return withBenchApp('scorecards', options.databaseUrl, async app => {
    process.stderr.write(`catalog: ${formatCount(options.entities)} components…\n`);
    const random = new Random(12);
    for (let i = 0; i < TEAMS; i++) await app.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: `team-${i}` }, spec: { type: 'team', children: [] } });
    const components: Entity[] = [];
    for (let i = 0; i < options.entities; i++) {
      components.push(component(i, random));
      await app.catalog.saveEntity(components[i]!);
      if ((i + 1) % 2000 === 0) process.stderr.write(`  ${formatCount(i + 1)}\n`);
    }
    // No scorecard yet: the consumer reads the catalog's events and does nothing else.
    await app.eventConsumers.drain();

    process.stderr.write('first pass: facts and levels of every entity…\n');
    const card = benchScorecard();
    await app.catalog.saveEntity(card);
    const stored = (await app.catalog.entities.byRef('scorecard:default/bench-readiness'))!;
    const scorecard = scorecardOf(stored);
    let began = performance.now();
    await app.eventConsumers.drain();
    const firstMs = performance.now() - began;
    const scored = (await app.scorecards.results.ofScorecard(scorecard.ref)).length;

    process.stderr.write('evaluate all again…\n');
    began = performance.now();
    const evaluated = await app.scorecards.evaluateScorecard(scorecard);
    const allMs = performance.now() - began;

    process.stderr.write(`change to level: ${options.changes} changes…\n`);
    const times: number[] = [];
    for (let i = 0; i < options.changes; i++) {
      const entity = components[random.int(0, components.length - 1)]!;
      const changed = { ...entity, metadata: { ...entity.metadata, description: entity.metadata.description ? undefined : `Now described (${i})` } };
      if (!changed.metadata.description) delete changed.metadata.description;
      const ref = `component:default/${entity.metadata.name}`;
      const before = (await app.scorecards.results.ofEntity(ref))[0]?.rules.find(rule => rule.id === 'described')?.status;
      began = performance.now();
      await app.catalog.saveEntity(changed);
      await app.eventConsumers.drain();
      const after = (await app.scorecards.results.ofEntity(ref))[0]?.rules.find(rule => rule.id === 'described')?.status;
      times.push(performance.now() - began);
      if (after === before) process.stderr.write(`  ${ref}: the change did not reach its result\n`);
      components[components.indexOf(entity)] = changed;
    }
    times.sort((a, b) => a - b);
    const memory = process.memoryUsage();
    environment.loadAverageAtEnd = loadavg();
    return {
      benchmark: 'scorecards',
      environment,
      options: { entities: options.entities, changes: options.changes, ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}) },
      rules: scorecard.rules.length,
      firstPass: { entities: scored, ms: Math.round(firstMs) },
      evaluateAll: { entities: evaluated, ms: Math.round(allMs) },
      changeToLevel: { changes: times.length, p50Ms: Math.round(percentile(times, 0.5)), maxMs: Math.round(times.at(-1) ?? Number.NaN) },
      memory: { rss: memory.rss, heapUsed: memory.heapUsed },
    };
  });
}

function render(report: ScorecardsBenchReport): string {
  return [
    `${report.options.databaseUrl ? 'PostgreSQL' : 'SQLite'}, ${report.environment.cpus} CPUs, load ${report.environment.loadAverageAtStart.map(l => l.toFixed(1)).join(' ')}; a scorecard of ${report.rules} rules`,
    table(
      ['phase', 'amount', 'time', 'goal'],
      [
        ['first pass (facts + levels)', `${formatCount(report.firstPass.entities)} entities`, formatMs(report.firstPass.ms), ''],
        ['evaluate all', `${formatCount(report.evaluateAll.entities)} entities`, formatMs(report.evaluateAll.ms), '< 5 s'],
        ['change → new level, p50', `${report.changeToLevel.changes} changes`, formatMs(report.changeToLevel.p50Ms), '< 1 s'],
        ['change → new level, max', '', formatMs(report.changeToLevel.maxMs), ''],
      ],
    ),
    `memory: rss ${formatBytes(report.memory.rss)}, heap ${formatBytes(report.memory.heapUsed)}`,
  ].join('\n');
}
