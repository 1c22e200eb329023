/**
 * What a search reads and what its words can do: query syntax of the database's own (FTS5 operators,
 * column filters, quotes, LIKE wildcards) is only ever text to look for; docs reach the index only through
 * the entity's own tree, so a page that links outside it is never searchable; an API definition that tries
 * to make its YAML parser expand without bound is left unread, and the entity still loads.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../src/catalog/search/search-views.js';
import type { RunningPave } from '../support/pave-server.js';
import { TempDirs, entityYaml, registerLocation, startApiPave, writeFiles } from '../api/support.js';

const SECRET = 'zqxsecretword';
const temp = new TempDirs();
let pave: RunningPave;

const search = async (q: string): Promise<{ status: number; body: SearchResponse }> => {
  const response = await fetch(`${pave.url}/api/search?q=${encodeURIComponent(q)}&limit=100`);
  return { status: response.status, body: (await response.json()) as SearchResponse };
};

beforeAll(async () => {
  pave = await startApiPave();
  const outside = temp.make('pave-outside-');
  writeFiles(outside, { 'secret.md': `# Secret\n${SECRET}\n` });
  const dir = temp.make('pave-search-');
  const aliasBomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
  writeFiles(dir, {
    'catalog-info.yaml': [
      entityYaml('Component', 'handbook', { type: 'website', lifecycle: 'production', owner: 'team-a' }, { annotations: { 'backstage.io/techdocs-ref': 'dir:.' }, description: 'Ledger handbook, 100% coverage' }),
      entityYaml('API', 'bomb-api', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: aliasBomb }),
    ].join('---\n'),
    'mkdocs.yml': 'site_name: Handbook\nnav:\n  - Home: index.md\n  - Leak: leak.md\n',
    'docs/index.md': '# Handbook\nHow we keep the ledger.\n',
  });
  symlinkSync(join(outside, 'secret.md'), join(dir, 'docs', 'leak.md'));
  await registerLocation(pave.url, 'file', join(dir, 'catalog-info.yaml'));
  await pave.app.eventConsumers.drain();
}, 120_000);

afterAll(async () => {
  await pave?.close();
  temp.cleanup();
});

describe('search input and what search reads', () => {
  it('treats database query syntax as text to look for', async () => {
    for (const q of ['"ledger" OR *', 'title:ledger', 'NEAR(ledger handbook)', 'ledger^ -x', "ledger'; DROP TABLE search_documents; --", 'ledger\\']) {
      const { status, body } = await search(q);
      expect(status, q).toBe(200);
      expect(body.results.map(hit => hit.entityRef), q).toContain('component:default/handbook');
    }
    // LIKE's wildcards are not words: they match nothing rather than everything.
    for (const q of ['%', '_', '%%_']) expect((await search(q)).body).toMatchObject({ total: 0, results: [] });
    expect((await search('ledger')).body.results.length).toBeGreaterThan(0);
  });

  it('indexes the docs inside the tree and never a page linked from outside it', async () => {
    expect((await search('keep the ledger')).body.results[0]).toMatchObject({ entityRef: 'component:default/handbook', snippet: { field: 'docs', docs: { path: 'index.md' } } });
    const { body } = await search(SECRET);
    expect(JSON.stringify(body.results)).not.toContain(SECRET);
    const rows = await pave.app.store.db.selectFrom('search_documents').select(['section', 'body']).execute();
    expect(rows.some(row => row.body.includes(SECRET))).toBe(false);
  });

  it('leaves an API definition that expands its aliases without bound unread, and loads the entity', async () => {
    const rows = await pave.app.store.db.selectFrom('search_documents').select(['name', 'body']).where('name', '=', 'bomb-api').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.body.length).toBeLessThan(1000);
  });
});
