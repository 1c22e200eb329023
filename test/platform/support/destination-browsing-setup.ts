/**
 * A Pave on real HTTP with auth on, a local bare repository as destination `dev` (folder `clusters/dev`), a
 * remote one as `remote`, and two requests reconciled into `dev` one after the other (so each has its own
 * commit): `checkout-team/cart` and `platform-team/hidden`. A rule hides the platform team's requests
 * from bob (checkout-team), so bob sees only cart's folder; dave (no team) reads every request under the
 * default policy, so he sees the whole destination.
 */
import { join } from 'node:path';
import { ensureBareRepository } from '../../../src/git/bare-repository.js';
import { packageRoot } from '../../../src/core/package-root.js';
import { readDocuments } from '../../../src/platform/document-files.js';
import type { RequestView } from '../../../src/platform/platform-service.js';
import { startAuthPave, tokenFor, type AuthPave } from '../../auth/support.js';
import { isReady, OPERATOR, waitForRequest } from './platform-harness.js';

export interface BrowsingSetup {
  pave: AuthPave;
  tokens: Record<'bob' | 'dave' | 'alice', string>;
  /** The two requests once Ready, with their deliveries' commits. */
  cart: RequestView;
  hidden: RequestView;
  /** The bare repository of `dev`. */
  repo: string;
}

export async function startBrowsingSetup(): Promise<BrowsingSetup> {
  const pave = await startAuthPave({
    auth: {
      rules: [
        { id: 'hide-platform-requests', description: 'bob does not see the platform team’s requests', effect: 'deny', actions: ['platform.request.read'], subjects: ['user:default/bob'], resource: { owners: ['group:default/platform-team'] } },
      ],
    },
  });
  const repo = join(pave.config.dataDir, 'repos', 'dev.git');
  const url = await ensureBareRepository(repo, 'main');
  const destination = (name: string, git: Record<string, string>) => ({ apiVersion: 'pave.dev/v1alpha1', kind: 'Destination', metadata: { name, labels: { env: name } }, spec: { git } });
  await pave.app.platform.applyDestination(destination('dev', { url, branch: 'main', path: 'clusters/dev' }), OPERATOR);
  await pave.app.platform.applyDestination(destination('remote', { url: 'git@git.example.test:acme/gitops.git' }), OPERATOR);
  for (const document of await readDocuments(join(packageRoot(), 'demo/platform/capabilities/team-namespace.yaml'))) await pave.app.platform.publishCapability(document, OPERATOR);
  await pave.app.workers.start(['platform.reconciler']);
  const space = (name: string, namespace: string) => ({ apiVersion: 'teams.pave.dev/v1alpha1', kind: 'TeamNamespace', metadata: { name, namespace }, spec: { environment: 'dev' } });
  const delivered = (view: RequestView) => isReady(view) && view.status.deliveries.every(d => d.commit);
  await pave.app.platform.applyRequest(space('cart', 'checkout-team'), OPERATOR);
  const cart = await waitForRequest(pave.app, 'checkout-team', 'cart', delivered);
  await pave.app.platform.applyRequest(space('hidden', 'platform-team'), OPERATOR);
  const hidden = await waitForRequest(pave.app, 'platform-team', 'hidden', delivered);
  const tokens = { bob: await tokenFor(pave.app, 'user:default/bob'), dave: await tokenFor(pave.app, 'user:default/dave'), alice: await tokenFor(pave.app, 'user:default/alice') };
  return { pave, tokens, cart, hidden, repo };
}
