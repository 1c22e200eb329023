import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { startDeliveryPave, type DeliveryPave } from './support.js';

/** `pave delivery …` and `pave metrics …` as real processes against a server over HTTP. */
describe('pave delivery and pave metrics', () => {
  let pave: DeliveryPave;
  let home: string;
  const cli = (...args: string[]) => runCli(args, { cwd: home, env: { HOME: home, PAVE_SERVER: pave.url, PAVE_TOKEN: 'auth-is-off-here' } });

  beforeAll(async () => {
    pave = await startDeliveryPave();
    home = await mkdtemp(join(tmpdir(), 'pave-delivery-cli-'));
  });
  afterAll(async () => {
    await pave?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('sends events from a file and prints the DORA table with bands', async () => {
    const cart = 'component:default/cart';
    const events = [
      { id: 'c1', type: 'change', at: '2026-03-02T10:00:00Z', entity: cart, sha: 'c1c1c1c1' },
      { id: 'd1', type: 'deployment', at: '2026-03-02T16:00:00Z', entity: cart, environment: 'production', status: 'success', sha: 'c1c1c1c1' },
      { id: 'x1', type: 'deployment', at: '2026-03-03T16:00:00Z', target: { annotation: 'github.com/project-slug', value: 'acme/old-cart' }, environment: 'production', status: 'success' },
    ];
    await writeFile(join(home, 'events.json'), JSON.stringify({ events }));
    const sent = await cli('--json', 'delivery', 'send', '-f', 'events.json');
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toEqual({ received: 3, stored: 3, duplicates: 0, unmapped: 1 });

    // Mapped through the service (the route and the command are one call each to it).
    await pave.app.delivery.map(pave.app.auth.localOperator(), { key: 'github.com/project-slug', value: 'acme/old-cart', entity: cart });

    const table = await cli('metrics', 'dora', '--entity', cart, '--window', '30d', '--end', '2026-03-31T00:00:00Z');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/deployment frequency\s+0\.467\/week \(2\)\s+medium/);
    expect(table.stdout).toMatch(/change lead time\s+6 h\s+elite/);
    expect(table.stdout).not.toContain('WEEK');
    const weekly = await cli('metrics', 'dora', '--entity', cart, '--window', '30d', '--end', '2026-03-31T00:00:00Z', '--weekly');
    expect(weekly.code, weekly.stderr).toBe(0);
    expect(weekly.stdout).toMatch(/WEEK\s+DEPLOYMENTS\s+LEAD TIME\s+FAILURE RATE\s+RECOVERY\s+REWORK/);
    expect(weekly.stdout.match(/^2026-0[23]-\d\d\s/gm)).toEqual(['2026-02-23 ', '2026-03-02 ', '2026-03-09 ', '2026-03-16 ', '2026-03-23 ', '2026-03-30 ']);
  });

  it('prints adoption with its weekly series beside the headline figures', async () => {
    const args = ['metrics', 'adoption', '--window', '21d', '--end', '2026-03-31T00:00:00Z'];
    const plain = await cli(...args);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/template runs\s+\d+ started/);
    expect(plain.stdout).not.toContain('WEEK');
    const json = await cli('--json', ...args);
    const report = JSON.parse(json.stdout) as { templateRunsByWeek: Array<{ week: string }> };
    const weekly = await cli(...args, '--weekly');
    expect(weekly.code, weekly.stderr).toBe(0);
    expect(weekly.stdout).toMatch(/WEEK\s+TEMPLATE RUNS\s+NEW COMPONENTS\s+REQUESTS\s+TEAMS ONBOARDED\s+ACTIVE PEOPLE/);
    // One row per week of the report, in order.
    expect(report.templateRunsByWeek.length).toBeGreaterThan(0);
    expect(weekly.stdout.match(/^\d{4}-\d\d-\d\d\s/gm)?.map(w => w.trim())).toEqual(report.templateRunsByWeek.map(w => w.week));
  });
});
