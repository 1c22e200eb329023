/**
 * Destinations browsed read-only over real HTTP (`/api/platform/destinations/:name/…`), with a real bare
 * repository the reconciler committed two requests' manifests to: a caller who reads every request sees
 * the destination's folder, its files and commits; one whom the rules hide a request from sees only the
 * folders of the requests they may read (see test/security/destination-browsing.test.ts for the attacks).
 * A remote destination only says where it lives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationSummary } from '../../src/platform/model/destination-views.js';
import type { BlobView, CommitDetail, TreeView } from '../../src/repositories/repository-views.js';
import { expectProblem, json } from '../api/support.js';
import { bearer } from '../auth/support.js';
import { startBrowsingSetup, type BrowsingSetup } from './support/destination-browsing-setup.js';
import { DestinationBrowsing } from '../../src/platform/destination-browsing.js';
import { RequestStore } from '../../src/platform/request-store.js';
import type { Store } from '../../src/store/store.js';
import { statementRecorder, type RecordedStatement } from '../support/statement-recorder.js';

describe('browsing a destination', { timeout: 120_000 }, () => {
  let setup: BrowsingSetup;
  const get = (who: keyof BrowsingSetup['tokens'], path: string) => fetch(setup.pave.url + path, { headers: bearer(setup.tokens[who]) });

  beforeAll(async () => {
    setup = await startBrowsingSetup();
  });
  afterAll(async () => setup?.pave.close());

  it('shows a reader of every request the whole folder of the destination, on its branch', async () => {
    const summary = await json<DestinationSummary>(await get('dave', '/api/platform/destinations/dev/repository'));
    expect(summary).toMatchObject({ name: 'dev', branch: 'main', path: 'clusters/dev', browsable: true, sees: 'destination', ref: 'main' });
    expect(summary).not.toHaveProperty('webUrl');
    expect(summary.commits.map(c => c.id)).toEqual([setup.hidden.status.deliveries[0]!.commit, setup.cart.status.deliveries[0]!.commit]);
    expect(summary.tree!.entries.map(e => e.path)).toEqual(['clusters']);
    const folder = await json<TreeView>(await get('dave', '/api/platform/destinations/dev/tree?path=clusters/dev'));
    // The ownership index (which request owns which files) is Pave's own, seen with the whole destination.
    expect(folder.entries.map(e => e.path)).toEqual(['clusters/dev/.pave', 'clusters/dev/checkout-team', 'clusters/dev/platform-team']);
  });

  it('reads a request’s file and its delivery commit, at the commit the request names', async () => {
    const delivery = setup.cart.status.deliveries[0]!;
    expect(delivery).toMatchObject({ destination: 'dev', path: 'clusters/dev/checkout-team/teamnamespace/cart' });
    const files = await json<TreeView>(await get('bob', `/api/platform/destinations/dev/tree?path=${delivery.path}&ref=${delivery.commit}`));
    expect(files.entries.map(e => e.name)).toContain('namespace.yaml');
    const file = await json<BlobView>(await get('bob', `/api/platform/destinations/dev/blob?path=${delivery.path}/namespace.yaml&ref=${delivery.commit}`));
    expect(file).toMatchObject({ name: 'dev', commit: delivery.commit, binary: false });
    expect(file.content).toMatch(/kind: Namespace/);
    const commit = await json<CommitDetail>(await get('dave', `/api/platform/destinations/dev/commits/${delivery.commit}`));
    expect(commit).toMatchObject({ name: 'dev', id: delivery.commit });
    const own = commit.files.filter(f => f.path.startsWith(`${delivery.path}/`));
    expect(own.length).toBeGreaterThan(0);
    expect(own.every(f => f.change === 'added')).toBe(true);
    expect(commit.files.filter(f => !own.includes(f)).map(f => f.path)).toEqual([expect.stringMatching(/^clusters\/dev\/\.pave\//)]);
    // bob, who sees his team's folders only, sees the same commit with only those files.
    const seen = await json<CommitDetail>(await get('bob', `/api/platform/destinations/dev/commits/${delivery.commit}`));
    expect(seen.files).toEqual(own);
    expect(seen.message).toBe(seen.subject);
  });

  it('shows a caller whom the rules hide a request only the folders of the requests they may read', async () => {
    const summary = await json<DestinationSummary>(await get('bob', '/api/platform/destinations/dev/repository'));
    expect(summary.sees).toBe('requests');
    expect(summary.commits.map(c => c.id)).toEqual([setup.cart.status.deliveries[0]!.commit]);
    const folder = await json<TreeView>(await get('bob', '/api/platform/destinations/dev/tree?path=clusters/dev'));
    expect(folder.entries.map(e => e.path)).toEqual(['clusters/dev/checkout-team']);
    await expectProblem(await get('bob', '/api/platform/destinations/dev/tree?path=clusters/dev/platform-team'), 404);
  });

  it('says where a remote destination lives, and browses nothing of it', async () => {
    const summary = await json<DestinationSummary>(await get('bob', '/api/platform/destinations/remote/repository'));
    expect(summary).toMatchObject({ name: 'remote', browsable: false, webUrl: 'https://git.example.test/acme/gitops', commits: [] });
    const problem = await expectProblem(await get('bob', '/api/platform/destinations/remote/tree'), 409);
    expect(problem.errors?.[0]?.pointer).toBe('/spec/git/url');
  });

  it('for a caller who reads only some requests, reads only the requests delivered to the destination, not every request', async () => {
    const { app } = setup.pave;
    const statements: RecordedStatement[] = [];
    const store = Object.create(app.store, { db: { value: app.store.db.withPlugin(statementRecorder(app.store.db, statements)) } }) as Store;
    const browsing = new DestinationBrowsing({ destinations: app.platform.destinations, requests: new RequestStore(store), permissions: app.auth.permissions });
    const { identity } = await app.auth.authenticate({ bearer: setup.tokens.bob });
    const root = await browsing.tree(identity, 'dev', 'clusters/dev');
    expect(root.entries.map(e => e.path)).toEqual(['clusters/dev/checkout-team']);
    const reads = statements.filter(s => /from "platform_requests"/.test(s.sql));
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) expect(read.sql).toContain('platform_request_deliveries');
  });
});
