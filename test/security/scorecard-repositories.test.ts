/**
 * The repository collector reads repositories named by catalog annotations, which anyone who writes a
 * location controls: a git URL is cloned only under the reading policy (boundary 19), never a file:// URL,
 * an unlisted host or a listed name that resolves to a loopback address; and a symbolic link committed to a
 * repository, hosted or remote, is read as the text of its target, never followed to the server's files.
 * Played against a real Pave and a real git smart-HTTP server on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { startGitHttpServer, type GitHttpServer } from '../templates/support.js';
import { component, getJson, readinessScorecard, runDeferred, team } from '../scorecards/support.js';

/** A bare repository at `<root>/<owner>/<repo>.git` whose version files are links to the server's files. */
function linkedRepository(root: string, owner: string, repo: string): void {
  const work = mkdtempSync(join(tmpdir(), 'pave-scorecards-links-'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: work, stdio: 'pipe' });
  git('init', '-q');
  writeFileSync(join(work, 'README.md'), '# linked\n');
  symlinkSync('/etc/hostname', join(work, '.nvmrc'));
  symlinkSync('../../../../../../../../etc/hostname', join(work, '.python-version'));
  symlinkSync('/etc', join(work, '.github'));
  git('add', '-A');
  git('commit', '-q', '-m', 'links');
  mkdirSync(join(root, owner), { recursive: true });
  execFileSync('git', ['clone', '-q', '--bare', work, join(root, owner, `${repo}.git`)], { stdio: 'pipe' });
  rmSync(work, { recursive: true, force: true });
}

describe('scorecards: repositories named by annotations', () => {
  let pave: RunningPave;
  let git: GitHttpServer;
  let served: string;
  const repositoryFacts = async (name: string) => {
    const { body } = await getJson(`${pave.url}/api/scorecards/entities/component/default/${name}`);
    return Object.fromEntries(body.facts.filter((fact: any) => fact.source === 'repository').map((fact: any) => [fact.name, fact.value]));
  };

  beforeAll(async () => {
    served = mkdtempSync(join(tmpdir(), 'pave-scorecards-served-'));
    linkedRepository(served, 'acme', 'linked');
    git = await startGitHttpServer(served);
    const port = new URL(git.url).port;
    pave = await startPave({ config: { reading: { ...defaultConfig().reading, allow: [{ host: `127.0.0.1:${port}` }, { host: `localhost:${port}` }] } } });
    linkedRepository(join(pave.dataDir, 'git'), 'acme', 'hosted-linked');
    const at = (name: string, location: string) => component(name, { owner: 'team-a', annotations: { 'backstage.io/source-location': location } });
    await pave.app.catalog.saveEntity(team('team-a'));
    await pave.app.catalog.saveEntity(at('remote-linked', `url:${git.url}/acme/linked/tree/main/`));
    await pave.app.catalog.saveEntity(at('hosted-linked', `url:${pave.app.repositories.addresses().page}acme/hosted-linked/`));
    await pave.app.catalog.saveEntity(at('server-files', 'url:file:///etc/'));
    await pave.app.catalog.saveEntity(at('unlisted', `url:http://127.0.0.2:${port}/acme/linked/tree/main/`));
    // Listed by name, but the name resolves to loopback: refused without allowPrivateAddresses.
    await pave.app.catalog.saveEntity(at('loopback-name', `url:http://localhost:${port}/acme/linked/tree/main/`));
    await pave.app.catalog.saveEntity(readinessScorecard());
    await pave.app.eventConsumers.drain();
    await runDeferred(pave.app);
  });

  afterAll(async () => {
    await pave?.close();
    await git?.close();
    rmSync(served, { recursive: true, force: true });
  });

  it('a committed link is read as its target’s text, in a remote clone and in a hosted repository alike', async () => {
    for (const name of ['remote-linked', 'hosted-linked']) {
      const facts = await repositoryFacts(name);
      expect(facts.readme).toBe(true);
      // The hosted reader reads no link as a file; the clone holds the link's text: never the server's hostname.
      expect([null, '/etc/hostname']).toContain(facts.nodeVersion);
      expect([null, '../../../../../../../../etc/hostname']).toContain(facts.pythonVersion);
      expect([facts.nodeVersion, facts.pythonVersion]).not.toContain(hostname().trim());
      expect(facts.codeowners).toBe(false);
      expect(facts.ci).toBe(false);
    }
  });

  it('clones nothing from a file:// URL, an unlisted host or a listed name that resolves to loopback', async () => {
    for (const name of ['server-files', 'unlisted', 'loopback-name']) expect(await repositoryFacts(name)).toEqual({});
  });
});
