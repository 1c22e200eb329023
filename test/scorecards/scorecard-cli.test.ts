/**
 * `pave scorecard check` as a CI gate, through the real CLI against a real server: exit code 0 when the
 * level is reached, 1 with the failing rules on stderr when it is not, and `--json` for machines; a
 * scorecard's trend (everyone's and one team's, a bad window refused in one line) and a team's standing.
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

  it('trend shows the levels day by day, for everyone or one team, and refuses a bad window in one line', async () => {
    const [all, mine, bad] = await Promise.all([cli('scorecard', 'trend', 'readiness', '--days', '3'), cli('scorecard', 'trend', 'readiness', '--team', 'team-a', '--days', '1', '--json'), cli('scorecard', 'trend', 'readiness', '--days', 'soon')]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('scorecard:default/readiness, last 3 day(s)');
    expect(all.stdout).toMatch(/DATE\s+ENTITIES\s+BRONZE\s+SILVER\s+GOLD\s+UNRANKED\s+MEAN SCORE/);
    expect(all.stdout.trim().split('\n')).toHaveLength(5);
    expect(mine.code, mine.stderr).toBe(0);
    expect(JSON.parse(mine.stdout)).toMatchObject({ owner: 'group:default/team-a', days: 1, points: [{ entities: 1, levels: { bronze: 1 } }] });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--days');
  });

  it('team shows a team’s entities per level on each scorecard', async () => {
    const shown = await cli('scorecard', 'team', 'team-a');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/scorecard:default\/readiness\s+1\s+bronze: 1, silver: 0, gold: 0, unranked: 0/);
    const missing = await cli('scorecard', 'team', 'nobody', '--json');
    expect(missing.code).not.toBe(0);
    expect(JSON.parse(missing.stderr || missing.stdout)).toMatchObject({ status: 404 });
  });
});
