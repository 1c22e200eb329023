import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../../src/auth/auth-config.js';
import { defaultEventsConfig } from '../../src/events/events-config.js';
import { DeliveryStore } from '../../src/events/delivery-store.js';
import type { DeclaredRoute } from '../../src/api/authorize.js';
import { SYSTEM_PERMISSIONS } from '../../src/api/routes/system-routes.js';
import { moduleList } from '../../src/modules.js';
import { ensureBareRepository } from '../../src/git/bare-repository.js';
import { runGit } from '../../src/git/run-git.js';
import { readDocuments } from '../../src/platform/document-files.js';
import { workloadCapability } from '../../src/platform/score/workload-capability.js';
import { OPERATOR } from '../platform/support/platform-harness.js';
import { TESTER, waitForTask } from '../templates/support.js';
import { ORG, bearer, startAuthPave, tokenFor } from './support.js';
import { recording } from '../support/recording.js';

/**
 * The authorization matrix: every route the server registers (collected by the onRoute hook in
 * src/api/authorize.ts, so a new route joins the matrix by existing) is called three ways:
 *   no credentials → 401;  a signed-in user no rule allows → 403;  a user a rule allows → success.
 * Public routes must not answer 401/403 to anonymous callers. The policy here is one rule (the
 * default policy is off), so the matrix tests enforcement itself, not the policy's choices.
 *
 * Until every route declares its permission this suite fails, and its first test lists exactly the
 * routes that declare nothing.
 */

const fixtures = mkdtempSync(join(tmpdir(), 'pave-matrix-'));
const write = (path: string, content: string) => {
  mkdirSync(join(fixtures, path, '..'), { recursive: true });
  writeFileSync(join(fixtures, path), content);
};
write('kept/catalog-info.yaml', componentYaml('matrix-located', { 'backstage.io/techdocs-ref': 'dir:.' }));
write('kept/mkdocs.yml', 'site_name: Matrix\nnav:\n  - Home: index.md\n');
write('kept/docs/index.md', '# Matrix docs\n');
write('kept/docs/diagram.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
write('doomed/catalog-info.yaml', componentYaml('matrix-doomed-location'));
write('added/catalog-info.yaml', componentYaml('matrix-added'));
write('moved/catalog-info.yaml', componentYaml('matrix-moved'));
write('moved-here/catalog-info.yaml', componentYaml('matrix-moved'));
write(
  'template/template.yaml',
  [
    'apiVersion: scaffolder.backstage.io/v1beta3',
    'kind: Template',
    'metadata:',
    '  name: matrix-template',
    '  title: Matrix template',
    'spec:',
    '  owner: group:default/platform-team',
    '  type: service',
    '  parameters:',
    '    - title: Matrix',
    '      properties:',
    '        greeting: { title: Greeting, type: string }',
    '  steps:',
    '    - id: log',
    '      name: Log',
    '      action: debug:log',
    '      input:',
    '        message: hello ${{ parameters.greeting }}',
    '',
  ].join('\n'),
);

write(
  'waiting/template.yaml',
  ['apiVersion: scaffolder.backstage.io/v1beta3', 'kind: Template', 'metadata:', '  name: matrix-waiting', 'spec:', '  owner: group:default/platform-team', '  type: service', '  steps:', '    - id: wait', '      name: Wait', '      action: debug:wait', '      input:', '        minutes: 5', ''].join('\n'),
);

const PERMITTED = 'user:default/matrix-permitted';
const DENIED = 'user:default/matrix-denied';
const pave = await startAuthPave({
  auth: {
    defaultPolicy: false,
    rules: [{ id: 'matrix.permitted', description: 'The permitted user may do everything', effect: 'allow', actions: ['*'], subjects: [PERMITTED] }],
    rateLimit: Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map(key => [key, 1000])) as unknown as RateLimits,
  },
  config: {
    catalog: { refreshIntervalSeconds: 3600, orphanStrategy: 'delete', allowedRoots: [], maxDocumentBytes: 1024 * 1024 },
    // Webhooks to a closed loopback port: test pings are refused at once.
    events: { ...defaultEventsConfig(), webhooks: { ...defaultEventsConfig().webhooks, allowedHosts: ['127.0.0.1'] } },
  },
});
const { app } = pave;
for (const name of ['matrix-permitted', 'matrix-denied']) {
  await app.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name }, spec: { memberOf: [] } });
}
await app.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'matrix-doomed' }, spec: { type: 'service', lifecycle: 'production', owner: 'checkout-team' } });
const kept = await app.catalog.locations.register({ type: 'file', target: join(fixtures, 'kept/catalog-info.yaml') });
const doomed = await app.catalog.locations.register({ type: 'file', target: join(fixtures, 'doomed/catalog-info.yaml') });
const moved = await app.catalog.locations.register({ type: 'file', target: join(fixtures, 'moved/catalog-info.yaml') });
const operator = app.auth.localOperator();
await app.auth.permissions.saveRule(operator, { id: 'matrix.doomed', description: 'removed by the matrix', effect: 'allow', actions: ['x.y.z'], subjects: ['role:signed-in'] });
const permittedToken = await tokenFor(app, PERMITTED);
const deniedToken = await tokenFor(app, DENIED);
const doomedToken = (await app.auth.tokens.create(operator, { name: 'doomed', user: PERMITTED })).record.id;
const uidOf = async (ref: string) => (await app.catalog.entities.byRef(ref))!.metadata.uid!;
const paymentsUid = await uidOf('component:default/payments');
const doomedUid = await uidOf('component:default/matrix-doomed');

// ── platform fixtures: a destination on a local bare repository, the demo team-namespace capability, one
// reconciled request (so it has a run), and a capability, destination and request for the deletes.
const matrixRepo = await ensureBareRepository(join(fixtures, 'repos', 'matrix.git'), 'main');
const destination = (name: string, env: string) => ({
  apiVersion: 'pave.dev/v1alpha1',
  kind: 'Destination',
  metadata: { name, labels: { env } },
  spec: { git: { url: matrixRepo, branch: 'main', path: `clusters/${name}` }, cleanupPolicy: 'delete' },
});
const capability = (name: string, kind: string) => ({
  apiVersion: 'pave.dev/v1alpha1',
  kind: 'Capability',
  metadata: { name },
  spec: {
    version: '1.0.0',
    api: { group: 'matrix.pave.dev', version: 'v1alpha1', kind, schema: { type: 'object', properties: { size: { type: 'integer', default: 1 } } } },
    workflows: { configure: [{ name: 'manifests', type: 'template', files: [{ path: 'thing.yaml', content: 'size: ${{ spec.size }}\n' }] }] },
    placement: { selector: { env: 'matrix' }, mode: 'one' },
  },
});
const teamNamespace = (name: string) => ({ apiVersion: 'teams.pave.dev/v1alpha1', kind: 'TeamNamespace', metadata: { name, namespace: 'platform-team' }, spec: { environment: 'dev' } });
await app.platform.applyDestination(destination('dev', 'dev'), OPERATOR);
await app.platform.applyDestination(destination('matrix-doomed', 'unused'), OPERATOR);
for (const document of await readDocuments(join(import.meta.dirname, '../../demo/platform/capabilities/team-namespace.yaml'))) await app.platform.publishCapability(document, OPERATOR);
await app.platform.publishCapability(capability('matrix-doomed', 'MatrixDoomed'), OPERATOR);
// Pave's own Score workload capability, which the first score apply would otherwise publish (its own audit entry).
await app.platform.publishCapability(workloadCapability(), OPERATOR);
await app.platform.applyRequest(teamNamespace('matrix-kept'), OPERATOR);
await app.platform.applyRequest(teamNamespace('matrix-doomed'), OPERATOR);
// Bindings: one to read, one to remove, and one waiting for approval (on a capability offered with approval).
const matrixBinding = (namespace: string, capabilityName: string) => ({ apiVersion: 'pave.dev/v1alpha1', kind: 'CapabilityBinding', metadata: { namespace }, spec: { capability: capabilityName } });
await app.platform.publishCapability({ ...capability('matrix-bound', 'MatrixBound'), spec: { ...capability('matrix-bound', 'MatrixBound').spec, offer: { to: 'all', binding: 'approval' } } }, OPERATOR);
await app.platform.bindings.apply(matrixBinding('platform-team', 'team-namespace'), OPERATOR);
await app.platform.bindings.apply(matrixBinding('checkout-team', 'team-namespace'), OPERATOR);
await app.platform.bindings.apply(matrixBinding('platform-team', 'matrix-bound'), OPERATOR);
// A request waiting for approval (its capability asks the platform team to approve every request).
await app.platform.publishCapability({ ...capability('matrix-approved', 'MatrixApproved'), spec: { ...capability('matrix-approved', 'MatrixApproved').spec, approval: { group: 'platform-team' } } }, OPERATOR);
await app.platform.applyRequest({ apiVersion: 'matrix.pave.dev/v1alpha1', kind: 'MatrixApproved', metadata: { name: 'matrix-waiting', namespace: 'platform-team' }, spec: {} }, OPERATOR);
await app.platform.reconciler.drain();
const keptRun = (await app.platform.listRuns('platform-team', 'matrix-kept'))[0]!.id;

// ── scaffolder fixtures: a one-step template (debug:log) in the catalog and a task made from it.
await app.catalog.locations.register({ type: 'file', target: join(fixtures, 'template/template.yaml') });
await app.catalog.locations.register({ type: 'file', target: join(fixtures, 'waiting/template.yaml') });
const matrixTask = (await app.templates.createTask({ templateRef: 'template:default/matrix-template', values: { greeting: 'matrix' } }, TESTER)).id;
// A task still waiting when it is cancelled: cancelling it is a change (cancelling an ended one is not).
const waitingTask = (await app.templates.createTask({ templateRef: 'template:default/matrix-waiting', values: {} }, TESTER)).id;

// ── the pulse: a golden path the permitted user ran to completion, to rate.
const ratedTask = ((await (await fetch(`${pave.url}/api/scaffolder/v2/tasks`, { method: 'POST', headers: { authorization: `Bearer ${permittedToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ templateRef: 'template:default/matrix-template', values: { greeting: 'pulse' } }) })).json()) as { id: string }).id;
await waitForTask(app, ratedTask);
const ratedOccasion = `task:default/${ratedTask.toLowerCase()}`;

// ── a repository Pave hosts (one commit holding README.md), for the repository view.
await ensureBareRepository(join(app.repositories.root, 'matrix', 'hosted.git'), 'main');
// ── a repository a golden path made (recorded as the matrix template's; its first commit is the render), to upgrade.
const generatedUrl = await ensureBareRepository(join(app.repositories.root, 'matrix', 'generated.git'), 'main');
const matrixGenerated = await app.templates.upgrades.repositories.record({
  taskId: matrixTask, stepId: 'log', templateRef: 'template:default/matrix-template', templateVersion: 'before', values: { greeting: 'matrix' }, publisher: 'publish:git',
  repoUrl: 'local?owner=matrix&repo=generated', cloneUrl: generatedUrl, branch: 'main', sourcePath: '.', createdAt: new Date().toISOString(),
  renderCommit: (await runGit(['--git-dir', join(app.repositories.root, 'matrix', 'generated.git'), 'rev-parse', 'main'])).stdout.trim(),
});

// ── webhooks: one kept, one deleted, and a dead-lettered delivery of the kept one to redeliver.
const matrixHook = { url: 'http://127.0.0.1:9/matrix', types: ['catalog.entity.*'] };
const keptHook = (await app.events.webhooks.create(operator, matrixHook)).id;
const doomedHook = (await app.events.webhooks.create(operator, matrixHook)).id;
const deadDelivery = await app.store.transaction(async trx => {
  const [event] = await app.eventLog.appendReturning(trx, { type: 'catalog.entity.updated', subject: 'component:default/payments', payload: {} });
  return new DeliveryStore(app.store).addSent(trx, keptHook, event!, { ok: false, durationMs: 1, error: 'refused' }, new Date().toISOString());
});
await app.store.db.updateTable('event_webhook_deliveries').set({ state: 'dead' }).where('id', '=', deadDelivery).execute();

// ── surveys: a questionnaire with one run to answer and one to close.
const matrixSurvey = (await app.surveys.createSurvey(operator, { title: 'Matrix survey' })).id;
const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString();
const answerRun = (await app.surveys.openRun(operator, matrixSurvey, { closesAt: inAWeek })).id;
const closingRun = (await app.surveys.openRun(operator, matrixSurvey, { closesAt: inAWeek })).id;
// ── maturity: one assessment, for the report.
const matrixLevels = { aspects: Object.fromEntries(['investment', 'adoption', 'interfaces', 'operations', 'measurement'].map(a => [a, { level: 'operational' }])) } as never;
const matrixAssessment = (await app.maturity.assess(operator, matrixLevels)).id;
// ── announcements: one to withdraw.
const doomedAnnouncement = (await app.announcements.publish(operator, { title: 'Matrix', text: 'withdrawn by the matrix' })).id;

afterAll(async () => {
  await pave.close();
  rmSync(fixtures, { recursive: true, force: true });
});

/**
 * How to call a route so that a permitted caller succeeds. `status`: what success is (default any 2xx).
 * A new route needs an entry here (its owner knows what a good request is); without one only the
 * 401 check runs, and "has a sample request for every route" fails naming it.
 */
interface Sample {
  path: string;
  body?: unknown;
  status?: number;
  /** For public routes: what an anonymous caller gets. */
  anonymousStatus?: number;
  /** An event stream (SSE): read the status and headers, then hang up. */
  stream?: boolean;
  /**
   * For routes that are not GET: why a permitted call changes nothing and so records no audit entry (a
   * preview, a check). Every other such route must record exactly one, as the caller, naming its action.
   */
  notAChange?: string;
  /** The audit action when it is not the route's permission action. */
  auditAction?: string;
  /** Headers the route's protocol needs (MCP's Accept). */
  headers?: Record<string, string>;
}

const byName = (ref: string) => ref.replace(/^(\w+):(\w+)\//, '$1/$2/');
const SAMPLES: Record<string, Sample> = {
  'GET /api/health': { path: '/api/health', anonymousStatus: 200 },
  'GET /api/openapi.json': { path: '/api/openapi.json' },
  'GET /api/catalog/entities': { path: '/api/catalog/entities?limit=1' },
  'GET /api/catalog/entities/by-query': { path: '/api/catalog/entities/by-query?limit=1' },
  'POST /api/catalog/entities/by-refs': { path: '/api/catalog/entities/by-refs', body: { entityRefs: ['component:default/payments'] }, notAChange: 'a read with its refs in the body' },
  'GET /api/catalog/entities/by-name/:kind/:namespace/:name': { path: `/api/catalog/entities/by-name/${byName('component:default/payments')}` },
  'PUT /api/catalog/entities/by-name/:kind/:namespace/:name': {
    path: '/api/catalog/entities/by-name/component/default/matrix-saved',
    body: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'matrix-saved', namespace: 'default' }, spec: { type: 'service', lifecycle: 'production', owner: 'checkout-team' } },
  },
  'GET /api/catalog/entities/by-uid/:uid': { path: `/api/catalog/entities/by-uid/${paymentsUid}` },
  'DELETE /api/catalog/entities/by-uid/:uid': { path: `/api/catalog/entities/by-uid/${doomedUid}` },
  'GET /api/catalog/entity-facets': { path: '/api/catalog/entity-facets?facet=kind' },
  'POST /api/catalog/entity-facets': { path: '/api/catalog/entity-facets', body: { facets: ['kind'], query: { kind: 'component' } }, status: 200, notAChange: 'a read with its query in the body' },
  'POST /api/catalog/entities/by-query': { path: '/api/catalog/entities/by-query', body: { query: { kind: 'component' }, limit: 1 }, status: 200, notAChange: 'a read with its query in the body' },
  'GET /api/catalog/entities/by-name/:kind/:namespace/:name/ancestry': { path: `/api/catalog/entities/by-name/component/default/matrix-located/ancestry` },
  'POST /api/catalog/refresh': { path: '/api/catalog/refresh', body: { entityRef: 'component:default/matrix-located' } },
  'POST /api/catalog/validate-entity': { path: '/api/catalog/validate-entity', body: { entity: ORG.find(e => e.metadata.name === 'payments'), location: 'url:https://example.test/x.yaml' }, notAChange: 'a check; nothing is saved' },
  'GET /api/catalog/problems': { path: '/api/catalog/problems' },
  'POST /api/catalog/locations': { path: '/api/catalog/locations', body: { type: 'file', target: join(fixtures, 'added/catalog-info.yaml') } },
  'GET /api/catalog/locations': { path: '/api/catalog/locations' },
  'GET /api/catalog/locations/:id': { path: `/api/catalog/locations/${kept.location.id}` },
  'PUT /api/catalog/locations/:id': { path: `/api/catalog/locations/${moved.location.id}`, body: { type: 'file', target: join(fixtures, 'moved-here/catalog-info.yaml') }, status: 200, auditAction: 'catalog.location.update' },
  'POST /api/catalog/locations/by-query': { path: '/api/catalog/locations/by-query', body: { query: { type: 'file' } }, status: 200, notAChange: 'a read with its query in the body' },
  'POST /api/catalog/analyze-location': { path: '/api/catalog/analyze-location', body: { location: { type: 'file', target: join(fixtures, 'kept/catalog-info.yaml') } }, status: 200, notAChange: 'an analysis; nothing is registered' },
  'DELETE /api/catalog/locations/:id': { path: `/api/catalog/locations/${doomed.location.id}` },
  'GET /api/catalog/locations/by-entity/:kind/:namespace/:name': { path: `/api/catalog/locations/by-entity/component/default/matrix-located` },
  'POST /api/catalog/locations/:id/refresh': { path: `/api/catalog/locations/${kept.location.id}/refresh`, body: {} },
  'GET /api/search': { path: '/api/search?q=pay' },
  'GET /api/docs/by-name/:kind/:namespace/:name': { path: '/api/docs/by-name/component/default/matrix-located' },
  'GET /api/docs/by-name/:kind/:namespace/:name/page': { path: '/api/docs/by-name/component/default/matrix-located/page?path=index.md' },
  'GET /api/docs/by-name/:kind/:namespace/:name/asset': { path: '/api/docs/by-name/component/default/matrix-located/asset?path=diagram.svg' },
  'GET /api/auth/methods': { path: '/api/auth/methods', anonymousStatus: 200 },
  'GET /api/auth/login': { path: '/api/auth/login', anonymousStatus: 404 }, // no sign-in method configured here
  'GET /api/auth/callback': { path: '/api/auth/callback', anonymousStatus: 401 }, // no sign-in under way
  'POST /api/auth/logout': { path: '/api/auth/logout', anonymousStatus: 204 },
  'GET /api/auth/me': { path: '/api/auth/me' },
  'GET /api/auth/tokens': { path: '/api/auth/tokens' },
  'POST /api/auth/tokens': { path: '/api/auth/tokens', body: { name: 'matrix' } },
  'DELETE /api/auth/tokens/:id': { path: `/api/auth/tokens/${doomedToken}` },
  'GET /api/permissions/rules': { path: '/api/permissions/rules' },
  'GET /api/permissions/rules/:id': { path: '/api/permissions/rules/matrix.permitted' },
  'PUT /api/permissions/rules/:id': { path: '/api/permissions/rules/matrix.extra', body: { description: 'added by the matrix', effect: 'allow', actions: ['x.y.z'], subjects: ['role:signed-in'] } },
  'DELETE /api/permissions/rules/:id': { path: '/api/permissions/rules/matrix.doomed', auditAction: 'auth.rule.delete' },
  'GET /api/permissions/explain': { path: '/api/permissions/explain?action=catalog.entity.read&resourceRef=component:default/payments' },
  'GET /api/audit': { path: '/api/audit' },
  'GET /api/audit/export': { path: '/api/audit/export' },
  'GET /api/platform/capabilities': { path: '/api/platform/capabilities' },
  'POST /api/platform/capabilities': { path: '/api/platform/capabilities', body: capability('matrix-published', 'MatrixPublished'), status: 201 },
  'GET /api/platform/capabilities/:name': { path: '/api/platform/capabilities/team-namespace' },
  'GET /api/platform/capabilities/:name/versions/:version': { path: '/api/platform/capabilities/team-namespace/versions/1.1.0' },
  'DELETE /api/platform/capabilities/:name': { path: '/api/platform/capabilities/matrix-doomed', status: 204 },
  'GET /api/platform/destinations': { path: '/api/platform/destinations' },
  'POST /api/platform/destinations': { path: '/api/platform/destinations', body: destination('matrix-added', 'unused'), status: 201 },
  'GET /api/platform/destinations/:name': { path: '/api/platform/destinations/dev' },
  'DELETE /api/platform/destinations/:name': { path: '/api/platform/destinations/matrix-doomed', status: 204 },
  'GET /api/platform/destinations/:name/repository': { path: '/api/platform/destinations/dev/repository' },
  'GET /api/platform/destinations/:name/tree': { path: '/api/platform/destinations/dev/tree?path=clusters/dev' },
  'GET /api/platform/destinations/:name/blob': { path: '/api/platform/destinations/dev/blob?path=clusters/dev/platform-team/teamnamespace/matrix-kept/namespace.yaml' },
  'GET /api/platform/destinations/:name/commits/:commit': { path: '/api/platform/destinations/dev/commits/main' },
  'GET /api/platform/requests': { path: '/api/platform/requests' },
  'GET /api/platform/namespaces': { path: '/api/platform/namespaces' },
  'POST /api/platform/requests': { path: '/api/platform/requests', body: teamNamespace('matrix-created'), status: 201 },
  'GET /api/platform/requests/:namespace/:name': { path: '/api/platform/requests/platform-team/matrix-kept' },
  'GET /api/platform/requests/:namespace/:name/actions': { path: '/api/platform/requests/platform-team/matrix-kept/actions' },
  'DELETE /api/platform/requests/:namespace/:name': { path: '/api/platform/requests/platform-team/matrix-doomed', status: 202 },
  'POST /api/platform/requests/:namespace/:name/reconcile': { path: '/api/platform/requests/platform-team/matrix-kept/reconcile', body: {}, status: 202 },
  'POST /api/platform/requests/:namespace/:name/extend': { path: '/api/platform/requests/platform-team/matrix-kept/extend', body: { ttl: '1h' }, status: 200 },
  'POST /api/platform/requests/:namespace/:name/approval': { path: '/api/platform/requests/platform-team/matrix-waiting/approval', body: { decision: 'approve', reason: 'matrix' }, status: 200 },
  'GET /api/platform/requests/:namespace/:name/runs': { path: '/api/platform/requests/platform-team/matrix-kept/runs' },
  'GET /api/platform/bindings': { path: '/api/platform/bindings' },
  'POST /api/platform/bindings': { path: '/api/platform/bindings', body: matrixBinding('engineering', 'team-namespace'), status: 201 },
  'GET /api/platform/bindings/:team/:capability': { path: '/api/platform/bindings/platform-team/team-namespace' },
  'DELETE /api/platform/bindings/:team/:capability': { path: '/api/platform/bindings/checkout-team/team-namespace', status: 204 },
  'POST /api/platform/bindings/:team/:capability/decision': { path: '/api/platform/bindings/platform-team/matrix-bound/decision', body: { decision: 'approve', reason: 'matrix' }, status: 200 },
  'GET /api/platform/runs/:id': { path: `/api/platform/runs/${keptRun}` },
  'GET /api/platform/runs/:id/logs': { path: `/api/platform/runs/${keptRun}/logs` },
  'POST /api/platform/render': { path: '/api/platform/render', body: { request: teamNamespace('matrix-rendered') }, status: 200, notAChange: 'a preview' },
  'POST /api/platform/score/apply': { path: '/api/platform/score/apply', body: { score: { apiVersion: 'score.dev/v1b1', metadata: { name: 'matrix-workload' }, containers: { web: { image: 'nginx' } } }, namespace: 'platform-team' }, status: 200 },
  'POST /api/platform/score/render': { path: '/api/platform/score/render', body: { score: { apiVersion: 'score.dev/v1b1', metadata: { name: 'matrix-preview' }, containers: { web: { image: 'nginx' } } }, namespace: 'platform-team' }, status: 200, notAChange: 'a preview' },
  'GET /api/platform/events': { path: '/api/platform/events', stream: true },
  'GET /api/scaffolder/v2/templates': { path: '/api/scaffolder/v2/templates' },
  'GET /api/scaffolder/v2/templates/:namespace/:kind/:name': { path: '/api/scaffolder/v2/templates/default/template/matrix-template' },
  'GET /api/scaffolder/v2/templates/:namespace/:kind/:name/parameter-schema': { path: '/api/scaffolder/v2/templates/default/template/matrix-template/parameter-schema' },
  'GET /api/scaffolder/v2/actions': { path: '/api/scaffolder/v2/actions' },
  'POST /api/scaffolder/v2/templates/:namespace/:kind/:name/parameter-schema/shown': {
    path: '/api/scaffolder/v2/templates/default/template/matrix-template/parameter-schema/shown',
    body: { values: { greeting: 'shown?' } },
    status: 200,
    notAChange: 'an answer about the form',
  },
  'GET /api/scaffolder/v2/generated-repositories': { path: '/api/scaffolder/v2/generated-repositories' },
  'GET /api/scaffolder/v2/generated-repositories/:id': { path: `/api/scaffolder/v2/generated-repositories/${matrixGenerated}` },
  'POST /api/scaffolder/v2/generated-repositories/:id/upgrade': { path: `/api/scaffolder/v2/generated-repositories/${matrixGenerated}/upgrade`, body: {}, status: 200 },
  'POST /api/scaffolder/v2/tasks': { path: '/api/scaffolder/v2/tasks', body: { templateRef: 'template:default/matrix-template', values: { greeting: 'created' } }, status: 201 },
  'GET /api/scaffolder/v2/tasks': { path: '/api/scaffolder/v2/tasks' },
  'GET /api/scaffolder/v2/tasks/:taskId': { path: `/api/scaffolder/v2/tasks/${matrixTask}` },
  'GET /api/scaffolder/v2/tasks/:taskId/events': { path: `/api/scaffolder/v2/tasks/${matrixTask}/events` },
  'GET /api/scaffolder/v2/tasks/:taskId/eventstream': { path: `/api/scaffolder/v2/tasks/${matrixTask}/eventstream`, stream: true },
  'POST /api/scaffolder/v2/tasks/:taskId/cancel': { path: `/api/scaffolder/v2/tasks/${waitingTask}/cancel`, body: {}, status: 200 },
  'POST /api/scaffolder/v2/dry-run': { path: '/api/scaffolder/v2/dry-run', body: { templateRef: 'template:default/matrix-template', values: { greeting: 'dry' } }, status: 200, notAChange: 'a preview' },
  'GET /api/repositories': { path: '/api/repositories' },
  'GET /api/repositories/:owner/:repo': { path: '/api/repositories/matrix/hosted' },
  'GET /api/repositories/:owner/:repo/tree': { path: '/api/repositories/matrix/hosted/tree?ref=main' },
  'GET /api/repositories/:owner/:repo/blob': { path: '/api/repositories/matrix/hosted/blob?path=README.md' },
  'GET /api/repositories/:owner/:repo/commits/:commit': { path: '/api/repositories/matrix/hosted/commits/main' },
  'GET /api/events': { path: '/api/events?limit=5' },
  'GET /api/events/stream': { path: '/api/events/stream', stream: true },
  'GET /api/events/webhooks': { path: '/api/events/webhooks' },
  'POST /api/events/webhooks': { path: '/api/events/webhooks', body: matrixHook, status: 201, auditAction: 'events.webhook.create' },
  'GET /api/events/webhooks/:id': { path: `/api/events/webhooks/${keptHook}` },
  'PATCH /api/events/webhooks/:id': { path: `/api/events/webhooks/${keptHook}`, body: { enabled: false }, status: 200, auditAction: 'events.webhook.update' },
  'DELETE /api/events/webhooks/:id': { path: `/api/events/webhooks/${doomedHook}`, status: 204 },
  'GET /api/events/webhooks/:id/deliveries': { path: `/api/events/webhooks/${keptHook}/deliveries` },
  'POST /api/events/webhooks/:id/deliveries/:deliveryId/redeliver': { path: `/api/events/webhooks/${keptHook}/deliveries/${deadDelivery}/redeliver`, body: {}, status: 202 },
  'POST /api/events/webhooks/:id/test': { path: `/api/events/webhooks/${keptHook}/test`, body: {}, status: 200, auditAction: 'events.webhook.test' },
  'POST /api/mcp': {
    path: '/api/mcp',
    headers: { accept: 'application/json, text/event-stream' },
    body: { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'matrix', version: '1' } } },
    status: 200,
    notAChange: 'opens an MCP session (in memory); each tool call is authorized and audited by the routes it calls',
  },
  // Without a session: the protocol's own answer, once past authorization.
  'GET /api/mcp': { path: '/api/mcp', headers: { accept: 'text/event-stream' }, status: 400 },
  'DELETE /api/mcp': { path: '/api/mcp', status: 400, notAChange: 'ends an MCP session (in memory)' },
  'GET /api/mcp/tools': { path: '/api/mcp/tools' },
  'GET /api/scorecards': { path: '/api/scorecards' },
  'GET /api/scorecards/campaigns': { path: '/api/scorecards/campaigns' },
  'GET /api/scorecards/campaigns/:namespace/:name': { path: '/api/scorecards/campaigns/default/matrix-none', status: 404 },
  'GET /api/scorecards/by-name/:namespace/:name': { path: '/api/scorecards/by-name/default/matrix-none', status: 404 },
  'GET /api/scorecards/by-name/:namespace/:name/trend': { path: '/api/scorecards/by-name/default/matrix-none/trend', status: 404 },
  'GET /api/scorecards/teams/:namespace/:name': { path: '/api/scorecards/teams/default/matrix-none', status: 404 },
  'GET /api/scorecards/entities/:kind/:namespace/:name': { path: '/api/scorecards/entities/component/default/matrix-located' },
  'POST /api/delivery/events': { path: '/api/delivery/events', body: { events: [{ id: 'matrix-1', type: 'change', at: '2026-01-01T00:00:00Z', entity: 'component:default/payments', sha: 'abcdef12' }] } },
  'POST /api/delivery/webhooks/:provider': { path: '/api/delivery/webhooks/github', body: {}, anonymousStatus: 404 }, // no receiver configured here
  'GET /api/delivery/unmapped': { path: '/api/delivery/unmapped' },
  'POST /api/delivery/mappings': { path: '/api/delivery/mappings', body: { key: 'github.com/project-slug', value: 'acme/matrix', entity: 'component:default/payments' } },
  'GET /api/delivery/dora': { path: '/api/delivery/dora?window=30d' },
  'GET /api/delivery/adoption': { path: '/api/delivery/adoption' },
  'GET /api/delivery/deployments': { path: '/api/delivery/deployments?entity=component:default/payments' },
  'GET /api/delivery/components/:ref/pull-requests': { path: '/api/delivery/components/component%3Adefault%2Fpayments/pull-requests' },
  'GET /api/surveys': { path: '/api/surveys' },
  'GET /api/announcements': { path: '/api/announcements' },
  'POST /api/announcements': { path: '/api/announcements', body: { title: 'Matrix', text: 'published by the matrix' }, status: 201, auditAction: 'announcements.announcement.publish' },
  'DELETE /api/announcements/:id': { path: `/api/announcements/${doomedAnnouncement}`, status: 200, auditAction: 'announcements.announcement.withdraw' },
  'POST /api/surveys': { path: '/api/surveys', body: { title: 'Matrix' }, status: 201, auditAction: 'surveys.survey.create' },
  'GET /api/surveys/runs': { path: '/api/surveys/runs' },
  'GET /api/surveys/runs/:runId': { path: `/api/surveys/runs/${answerRun}` },
  'POST /api/surveys/runs/:runId/close': { path: `/api/surveys/runs/${closingRun}/close`, body: {}, status: 200, auditAction: 'surveys.run.close' },
  'POST /api/surveys/runs/:runId/responses': { path: `/api/surveys/runs/${answerRun}/responses`, body: { answers: { 'recommend-platform': 9 } }, status: 201 },
  'GET /api/surveys/runs/:runId/results': { path: `/api/surveys/runs/${answerRun}/results` },
  'GET /api/surveys/:id': { path: `/api/surveys/${matrixSurvey}` },
  'PATCH /api/surveys/:id': { path: `/api/surveys/${matrixSurvey}`, body: { title: 'Matrix survey, edited' }, status: 200, auditAction: 'surveys.survey.update' },
  'POST /api/surveys/:id/runs': { path: `/api/surveys/${matrixSurvey}/runs`, body: { closesAt: inAWeek }, status: 201, auditAction: 'surveys.run.open' },
  'GET /api/surveys/:id/trend': { path: `/api/surveys/${matrixSurvey}/trend` },
  'GET /api/surveys/pulse': { path: '/api/surveys/pulse' },
  'GET /api/surveys/pulse/question': { path: `/api/surveys/pulse/question?occasion=${encodeURIComponent(ratedOccasion)}` },
  'POST /api/surveys/pulse': { path: '/api/surveys/pulse', body: { occasion: ratedOccasion, score: 4 }, status: 201 },
  'GET /api/maturity/model': { path: '/api/maturity/model' },
  'GET /api/maturity/evidence': { path: '/api/maturity/evidence' },
  'GET /api/maturity/assessments': { path: '/api/maturity/assessments' },
  'POST /api/maturity/assessments': { path: '/api/maturity/assessments', body: matrixLevels, status: 201 },
  'GET /api/maturity/assessments/:id': { path: `/api/maturity/assessments/${matrixAssessment}` },
  'GET /api/maturity/report': { path: '/api/maturity/report?format=md' },
};

const routes: DeclaredRoute[] = pave.server.authorization.routes.filter(r => r.api && r.method !== 'HEAD');
const key = (route: DeclaredRoute) => `${route.method} ${route.url}`;

async function call(route: DeclaredRoute, sample: Sample, token?: string): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { ...sample.headers, ...(token ? bearer(token) : {}) };
  if (sample.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(pave.url + sample.path, {
    method: route.method,
    headers,
    redirect: 'manual',
    ...(sample.body !== undefined ? { body: JSON.stringify(sample.body) } : {}),
  });
  if (sample.stream && response.ok) {
    await response.body?.cancel();
    return { status: response.status, body: '' };
  }
  return { status: response.status, body: await response.text() };
}

describe('authorization matrix', () => {
  it('sees the routes', () => {
    expect(routes.length).toBeGreaterThan(20);
  });

  it('has every API route declare a permission or public: true', () => {
    const undeclared = pave.server.authorization.undeclared().filter(r => r.method !== 'HEAD').map(key);
    expect(undeclared, `routes that declare no permission:\n  ${undeclared.join('\n  ')}`).toEqual([]);
  });

  it('has every route declare an action its module declares (module.ts permissions)', () => {
    const declared = new Set([...moduleList().flatMap(module => module.permissions.map(p => p.action)), ...SYSTEM_PERMISSIONS.map(p => p.action)]);
    const unknown = routes.filter(route => route.action !== undefined && !declared.has(route.action)).map(route => `${key(route)}: ${route.action}`);
    expect(unknown, `actions no module declares:\n  ${unknown.join('\n  ')}`).toEqual([]);
  });

  it('has a sample request for every route', () => {
    const missing = routes.map(key).filter(k => !(k in SAMPLES));
    expect(missing, `add a sample request to SAMPLES for:\n  ${missing.join('\n  ')}`).toEqual([]);
  });

  for (const route of routes) {
    const sample = SAMPLES[key(route)];
    it(`${key(route)} ${route.public ? '(public)' : `needs ${route.action ?? 'UNDECLARED'}`}`, async () => {
      expect(route.public || route.action !== undefined, `${key(route)} declares no permission`).toBe(true);
      // Without a sample, only the 401 check can run (it comes before validation); see the sample test above.
      const s: Sample = sample ?? { path: route.url.replace(/:(\w+)/g, 'matrix-$1') };
      if (route.public) {
        if (!sample) return;
        const anonymous = await call(route, s);
        expect(anonymous.status, anonymous.body).toBe(s.anonymousStatus ?? 200);
        return;
      }
      const anonymous = await call(route, s);
      expect(anonymous.status, `no credentials: ${anonymous.body}`).toBe(401);
      if (!sample) return;
      const denied = await call(route, s, deniedToken);
      expect(denied.status, `a user without permission: ${denied.body}`).toBe(403);
      expect(JSON.parse(denied.body), denied.body).toMatchObject({ status: 403, action: route.action });
      const audited = await recording(app, [], () => call(route, s, permittedToken));
      const permitted = audited.result;
      if (s.status !== undefined) expect(permitted.status, `permitted user: ${permitted.body}`).toBe(s.status);
      else expect(permitted.status >= 200 && permitted.status < 300, `permitted user got ${permitted.status}: ${permitted.body}`).toBe(true);
      // The audit column: a permitted change is recorded once, as its caller, naming what it did.
      if (route.method === 'GET' || s.notAChange) expect(audited.audit, `${key(route)} is not a change, yet recorded`).toEqual([]);
      else expect(audited.audit.map(entry => [entry.actor, entry.action]), `${key(route)} must record one audit entry`).toEqual([[PERMITTED, s.auditAction ?? route.action]]);
    });
  }
});

function componentYaml(name: string, annotations: Record<string, string> = {}): string {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    ...(lines.length ? ['  annotations:', ...lines] : []),
    'spec:',
    '  type: service',
    '  lifecycle: production',
    '  owner: checkout-team',
    '',
  ].join('\n');
}
