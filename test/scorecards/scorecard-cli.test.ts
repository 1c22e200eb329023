/**
 * `pave scorecard check` as a CI gate, through the real CLI against a real server: exit code 0 when the
 * level is reached, 1 with the failing rules on stderr when it is not, and `--json` for machines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { runCli } from '../support/run-cli.js';
import { component, readinessScorecard, team } from './support.js';

describe('pave scorecard', () => {
  let pave: RunningPave;
  let home: string;
  const cli = (...args: string[]) => runCli(args, { cwd: home, env: { HOME: home, PAVE_SERVER: pave.url, PAVE_TOKEN: 'auth-is-off-here' } });

  beforeAll(async () => {
    pave = await startPave();
    home = await mkdtemp(join(tmpdir(), 'pave-scorecard-cli-'));
    await pave.app.catalog.saveEntity(team('team-a'));
    await pave.app.catalog.saveEntity(component('cart', { owner: 'team-a', description: 'The basket' }));
    await pave.app.catalog.saveEntity(readinessScorecard());
    await pave.app.eventConsumers.drain();
  });

  afterAll(async () => {
    await pave?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('check exits 0 when the level is reached and 1 naming the failing rules when it is not', async () => {
    const [bronze, silver] = await Promise.all([cli('scorecard', 'check', 'cart', '--level', 'bronze'), cli('scorecard', 'check', 'component:default/cart', '--scorecard', 'readiness', '--level', 'silver', '--json')]);
    expect(bronze.code, bronze.stderr).toBe(0);
    expect(bronze.stdout).toContain('passed: component:default/cart on scorecard:default/readiness needs bronze, is bronze');
    expect(silver.code).toBe(1);
    expect(silver.stderr).toContain('scorecard:default/readiness silver rule readme unknown: Has a README — Not known yet: repository.readme');
    expect(silver.stderr).toContain('rule codeowners unknown');
    expect(JSON.parse(silver.stdout)).toMatchObject({ entity: 'component:default/cart', passed: false, checks: [{ required: 'silver', level: 'bronze', failing: [{ id: 'readme' }, { id: 'codeowners' }] }] });
  });
});
