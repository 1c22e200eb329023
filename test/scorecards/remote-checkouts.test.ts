/**
 * A collection pass over entities of more remote repositories than it keeps clones of: a real git smart-HTTP
 * server on 127.0.0.1 counts, at each clone it serves, the clone folders the pass holds on disk; never more
 * than the bound, and every entity still gets its repository facts. The pass's temporary folder is a folder of
 * this suite (TMPDIR), so what is counted is this pass's alone.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import { MAX_CLONES } from '../../src/scorecards/repository/remote-checkouts.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { serveGitHttp } from '../templates/support.js';
import { component, getJson, hostRepository, readinessScorecard, runDeferred, team } from './support.js';

const REPOSITORIES = MAX_CLONES + 3;

describe('remote clones of a collection pass', () => {
  let pave: RunningPave;
  let server: Server;
  let gitRoot: string;
  let passTmp: string;
  /** The clone folders of each pass folder, counted at each clone served. */
  const seen: number[] = [];
  const clonesNow = () => readdirSync(passTmp).filter(name => name.startsWith('pave-scorecards-')).map(dir => readdirSync(join(passTmp, dir)).length);

  beforeAll(async () => {
    gitRoot = await mkdtemp(join(tmpdir(), 'pave-checkouts-remote-'));
    passTmp = await mkdtemp(join(tmpdir(), 'pave-checkouts-pass-'));
    for (let i = 0; i < REPOSITORIES; i++) hostRepository(gitRoot, 'acme', `service-${i}`, { 'README.md': `# Service ${i}\n` });
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname.endsWith('/git-upload-pack')) seen.push(...clonesNow());
      serveGitHttp(join(gitRoot, 'git'), request, response);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    pave = await startPave({ config: { reading: { ...defaultConfig().reading, allow: [{ host: new URL(url).host }] } } });
    const { app } = pave;
    await app.catalog.saveEntity(team('team-a'));
    for (let i = 0; i < REPOSITORIES; i++) await app.catalog.saveEntity(component(`service-${i}`, { owner: 'team-a', annotations: { 'backstage.io/source-location': `url:${url}/acme/service-${i}/tree/main/` } }));
    await app.catalog.saveEntity(readinessScorecard());
    await app.eventConsumers.drain();
    const tmp = process.env.TMPDIR;
    process.env.TMPDIR = passTmp;
    try {
      await runDeferred(app);
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
  });

  afterAll(async () => {
    await pave?.close();
    await new Promise(resolve => server?.close(resolve));
    for (const dir of [gitRoot, passTmp]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`keeps at most ${MAX_CLONES} clones on disk at once, and removes them all when the pass ends`, async () => {
    expect(seen.length).toBeGreaterThanOrEqual(REPOSITORIES);
    expect(Math.max(...seen)).toBeLessThanOrEqual(MAX_CLONES);
    expect(await readdir(passTmp)).toEqual([]);
  });

  it('still reads every entity’s repository', async () => {
    for (let i = 0; i < REPOSITORIES; i++) {
      const { body } = await getJson(`${pave.url}/api/scorecards/entities/component/default/service-${i}`);
      const facts = Object.fromEntries(body.facts.map((fact: any) => [`${fact.source}.${fact.name}`, fact.value]));
      expect(facts).toMatchObject({ 'repository.readme': true, 'repository.codeowners': false });
    }
  });
});
