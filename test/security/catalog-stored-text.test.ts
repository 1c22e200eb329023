/**
 * Entities are sent as stored ready to send (catalog/sent-entity.ts): one text for every reader. A reader
 * whose rules hide an entity must still get none of it from any route that sends stored text — by-name,
 * by-uid, by-refs, by-query (GET and POST), the list (offset pages and the stream), with and without `fields`
 * — while its owner, through the same routes, does. Real HTTP on 127.0.0.1, a real SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthRule } from '../../src/auth/auth-rule.js';
import type { Entity } from '../../src/core/entity.js';
import { ORG, bearer, seedOrg, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';

const SECRET = 'SECRET-7c1e-stored-text';
const READ = 'catalog.entity.read';
const RULES: AuthRule[] = [
  { id: 'people', description: 'people', effect: 'allow', actions: [READ], subjects: ['role:signed-in'], resource: { kinds: ['User', 'Group'] } },
  { id: 'default-software', description: 'default software', effect: 'allow', actions: [READ], subjects: ['role:signed-in'], resource: { kinds: ['Component'], namespaces: ['default'] } },
  { id: 'owners', description: 'owners', effect: 'allow', actions: [READ], subjects: ['role:owner'] },
];
const VAULT: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'vault', namespace: 'secret', description: SECRET },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:default/platform-team' },
};

describe('entities sent as stored text', { timeout: 120_000 }, () => {
  let pave: AuthPave;
  let uid: string;
  const tokens = new Map<string, string>();
  const get = (name: string, path: string) => fetch(pave.url + path, { headers: bearer(tokens.get(name)!) });
  const post = (name: string, path: string, body: unknown) =>
    fetch(pave.url + path, { method: 'POST', headers: { ...bearer(tokens.get(name)!), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  /** Every read of the catalog that sends stored text, as `[route, status, body]`. */
  const everyRead = async (name: string): Promise<Array<[string, number, string]>> => {
    const answers: Array<[string, Promise<Response>]> = [
      ['by-name', get(name, '/api/catalog/entities/by-name/component/secret/vault')],
      ['by-uid', get(name, `/api/catalog/entities/by-uid/${uid}`)],
      ['by-refs', post(name, '/api/catalog/entities/by-refs', { entityRefs: ['component:secret/vault', 'component:default/payments'] })],
      ['by-refs fields', post(name, '/api/catalog/entities/by-refs', { entityRefs: ['component:secret/vault'], fields: ['metadata.description'] })],
      ['by-query', get(name, '/api/catalog/entities/by-query?filter=kind=component&limit=100')],
      ['by-query fields', get(name, '/api/catalog/entities/by-query?filter=kind=component&fields=metadata.description')],
      ['by-query full text', get(name, `/api/catalog/entities/by-query?fullTextFilterTerm=${SECRET}`)],
      ['POST by-query', post(name, '/api/catalog/entities/by-query', { query: { kind: 'component' }, limit: 100 })],
      ['list', get(name, '/api/catalog/entities')],
      ['list fields', get(name, '/api/catalog/entities?fields=metadata')],
      ['list page', get(name, '/api/catalog/entities?limit=100&filter=metadata.namespace=secret')],
    ];
    return Promise.all(answers.map(async ([route, answer]) => {
      const response = await answer;
      return [route, response.status, await response.text()] as [string, number, string];
    }));
  };

  beforeAll(async () => {
    pave = await startAuthPave({ auth: { defaultPolicy: false, rules: RULES }, seed: false });
    await seedOrg(pave.app.catalog, [...ORG, VAULT]);
    uid = (await pave.app.catalog.entities.byRef('component:secret/vault'))!.metadata.uid!;
    for (const name of ['alice', 'bob']) tokens.set(name, await tokenFor(pave.app, `user:default/${name}`));
  });
  afterAll(async () => pave?.close());

  it('sends a hidden entity to no route of a reader its rules hide it from', async () => {
    for (const [route, status, body] of await everyRead('bob')) {
      expect([route, body.includes(SECRET)]).toEqual([route, false]);
      expect([route, body.includes('"uid":"' + uid)]).toEqual([route, false]);
      if (route === 'by-name' || route === 'by-uid') expect([route, status]).toEqual([route, 403]);
      else expect([route, status]).toEqual([route, 200]);
    }
  });

  it('sends it through every route to its owner (the same stored text)', async () => {
    for (const [route, status, body] of await everyRead('alice')) {
      expect([route, status, body.includes(SECRET)]).toEqual([route, 200, true]);
    }
  });
});
