/**
 * The repository and delivery collectors on a real Pave: runtime and database versions read with git from
 * hosted repositories, repository facts of a git URL Pave does not host (a real git smart-HTTP server on
 * 127.0.0.1, cloned under the reading allow-list) and of one the allow-list refuses (unknown, never false),
 * and DORA figures asked of the delivery module after real deliveries were ingested, again as soon as more arrive
 * (for the entities they name only).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity } from '../../src/core/entity.js';
import type { EventsReceivedPayload } from '../../src/delivery/events-received.js';
import { defaultConfig } from '../../src/pave-config.js';
import { CatalogMirror } from '../../src/platform/catalog-mirror.js';
import type { StoredRequest } from '../../src/platform/model/types.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { startGitHttpServer, type GitHttpServer } from '../templates/support.js';
import { component, getJson, hostRepository, readinessScorecard, runDeferred, team } from './support.js';

describe('repository and delivery collectors', () => {
  let pave: RunningPave;
  let remote: GitHttpServer;
  let remoteRoot: string;
  const facts = async (name: string): Promise<Record<string, unknown>> => {
    const { body } = await getJson(`${pave.url}/api/scorecards/entities/component/default/${name}`);
    return Object.fromEntries(body.facts.map((fact: any) => [`${fact.source}.${fact.name}`, fact.value]));
  };

  beforeAll(async () => {
    remoteRoot = await mkdtemp(join(tmpdir(), 'pave-scorecards-remote-'));
    hostRepository(remoteRoot, 'acme', 'billing', { 'README.md': '# Billing\n', 'CODEOWNERS': '* @acme/payments\n', 'go.mod': 'module acme/billing\n\ngo 1.22\n\ntoolchain go1.22.4\n', 'go.sum': '' });
    remote = await startGitHttpServer(join(remoteRoot, 'git'));
    const host = new URL(remote.url).host;
    pave = await startPave({ config: { reading: { ...defaultConfig().reading, allow: [{ host }] } } });
    const { app } = pave;
    hostRepository(pave.dataDir, 'acme', 'cart', {
      'package.json': JSON.stringify({ name: 'cart', engines: { node: '>=20.11' } }),
      'docker-compose.yml': 'services:\n  db:\n    image: docker.io/library/postgres:14-alpine\n  app:\n    build: .\n',
      '.github/workflows/ci.yml': 'on: push\n',
    });
    hostRepository(pave.dataDir, 'acme', 'ledger', { 'pom.xml': '<project><properties><maven.compiler.release>17</maven.compiler.release></properties></project>', '.tool-versions': 'python 3.12.1\npostgres 16.2\n', 'Dockerfile': 'FROM eclipse-temurin:17\n' });
    hostRepository(pave.dataDir, 'acme', 'reports', { 'pyproject.toml': '[project]\nname = "reports"\nrequires-python = ">=3.11"\n', '.nvmrc': 'lts/*\n' });
    const hosted = (name: string) => ({ 'backstage.io/source-location': `url:${app.repositories.addresses().page}acme/${name}/` });
    await app.catalog.saveEntity(team('team-a'));
    for (const name of ['cart', 'ledger', 'reports']) await app.catalog.saveEntity(component(name, { owner: 'team-a', annotations: hosted(name) }));
    await app.catalog.saveEntity(component('billing', { owner: 'team-a', annotations: { 'backstage.io/source-location': `url:${remote.url}/acme/billing/tree/main/` } }));
    // Another service of the same repository and branch (another folder): the pass clones the repository once.
    await app.catalog.saveEntity(component('billing-worker', { owner: 'team-a', annotations: { 'backstage.io/source-location': `url:${remote.url}/acme/billing/tree/main/worker/` } }));
    // Only its catalog file lives there (a central catalog repository): that repository's files are not its own.
    await app.catalog.saveEntity(component('catalogued', { owner: 'team-a', annotations: { 'backstage.io/managed-by-location': `url:${remote.url}/acme/billing/blob/main/catalog-info.yaml` } }));
    await app.catalog.saveEntity(component('catalogued-here', { owner: 'team-a', annotations: { 'backstage.io/managed-by-location': `url:${app.repositories.addresses().page}acme/cart/catalog-info.yaml` } }));
    await app.catalog.saveEntity(component('elsewhere', { owner: 'team-a', annotations: { 'backstage.io/source-location': 'url:https://git.invalid/acme/elsewhere.git' } }));
    const recent = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
    await app.delivery.ingest(app.auth.localOperator(), [
      { id: 'c1', type: 'change', at: recent(50), entity: 'component:default/cart', sha: 'aaaa1111' },
      { id: 'd1', type: 'deployment', at: recent(48), entity: 'component:default/cart', environment: 'production', status: 'success', sha: 'aaaa1111', commits: ['aaaa1111'] },
      { id: 'd2', type: 'deployment', at: recent(24), entity: 'component:default/cart', environment: 'production', status: 'failure' },
      { id: 'd3', type: 'deployment', at: recent(2), entity: 'component:default/cart', environment: 'production', status: 'success' },
    ]);
    await app.catalog.saveEntity(readinessScorecard());
    await app.eventConsumers.drain();
    await runDeferred(app);
  });

  afterAll(async () => {
    await pave?.close();
    await remote?.close();
    if (remoteRoot) await rm(remoteRoot, { recursive: true, force: true });
  });

  it('reads the Node.js and PostgreSQL versions a hosted repository declares', async () => {
    expect(await facts('cart')).toMatchObject({
      'repository.name': 'acme/cart',
      'repository.ci': true,
      'repository.nodeVersion': '>=20.11',
      'repository.nodeMajor': 20,
      'repository.postgresVersion': '14-alpine',
      'repository.postgresMajor': 14,
      'repository.javaVersion': null,
      'repository.goVersion': null,
    });
  });

  it('reads Java from pom.xml, Python and PostgreSQL from .tool-versions, and keeps a version that is no number as written', async () => {
    expect(await facts('ledger')).toMatchObject({ 'repository.javaVersion': '17', 'repository.javaMajor': 17, 'repository.pythonVersion': '3.12.1', 'repository.pythonMinor': 12, 'repository.postgresMajor': 16, 'repository.dockerfile': true });
    expect(await facts('reports')).toMatchObject({ 'repository.pythonVersion': '>=3.11', 'repository.pythonMinor': 11, 'repository.nodeVersion': 'lts/*', 'repository.nodeMajor': null });
  });

  it('clones a repository Pave does not host from its git URL under the reading allow-list', async () => {
    expect(await facts('billing')).toMatchObject({
      'repository.name': `${remote.url}/acme/billing.git`,
      'repository.readme': true,
      'repository.codeowners': true,
      'repository.lockfile': true,
      'repository.goVersion': '1.22',
      'repository.goMinor': 22,
    });
    const { body } = await getJson(`${pave.url}/api/scorecards/entities/component/default/billing`);
    expect(body.results[0].rules.find((rule: any) => rule.id === 'codeowners').status).toBe('pass');
  });

  it('clones a remote repository once per pass for all its entities, and credits a repository only to entities whose source it is', async () => {
    expect(remote.fetches.get('/acme/billing.git')).toBe(1);
    expect(await facts('billing-worker')).toMatchObject({ 'repository.name': `${remote.url}/acme/billing.git`, 'repository.codeowners': true });
    for (const name of ['catalogued', 'catalogued-here']) expect(Object.keys(await facts(name)).filter(fact => fact.startsWith('repository.'))).toEqual([]);
  });

  it('a repository the reading allow-list refuses has unknown repository facts, never false ones', async () => {
    const found = await facts('elsewhere');
    expect(Object.keys(found).some(name => name.startsWith('repository.'))).toBe(false);
    const { body } = await getJson(`${pave.url}/api/scorecards/entities/component/default/elsewhere`);
    expect(body.results[0].rules.find((rule: any) => rule.id === 'readme').status).toBe('unknown');
  });

  it('counts platform requests on an older version than their capability’s newest, again as soon as the capability publishes one', async () => {
    const { app } = pave;
    const capability = (version: string): Entity => ({
      apiVersion: 'pave.dev/v1alpha1',
      kind: 'Capability',
      metadata: { name: 'postgres', namespace: 'default', annotations: { 'pave.dev/capability': 'postgres' } },
      spec: { type: 'database', owner: 'group:default/team-a', version, versions: [version, '1.0.0'], api: { group: 'db.example.com', version: 'v1', kind: 'Database' }, dependsOn: [] },
    });
    await app.catalog.saveEntity(capability('1.0.0'));
    await app.catalog.saveEntity({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'cart-db', namespace: 'default', annotations: { 'pave.dev/request': 'default/cart-db', 'pave.dev/capability': 'postgres@1.0.0', 'pave.dev/phase': 'Ready' } },
      spec: { type: 'database', owner: 'group:default/team-a', dependsOn: ['capability:default/postgres'] },
    });
    const cart = component('cart', { owner: 'team-a', annotations: { 'backstage.io/source-location': `url:${app.repositories.addresses().page}acme/cart/` } });
    await app.catalog.saveEntity({ ...cart, spec: { ...cart.spec, dependsOn: ['resource:default/cart-db'] } });
    await app.eventConsumers.drain();
    expect(await facts('cart')).toMatchObject({ 'platform.requests': 1, 'platform.ready': 1, 'platform.outOfDate': 0, 'platform.allCurrent': true });
    await app.catalog.saveEntity(capability('2.0.0'));
    await app.eventConsumers.drain();
    expect(await facts('cart')).toMatchObject({ 'platform.requests': 1, 'platform.outOfDate': 1, 'platform.allCurrent': false });
  });

  it('measures "out of date" inside a request’s version channel: pinned to 1.x it is not behind 2.0, only behind a newer 1.x', async () => {
    const { app } = pave;
    const capability = (versions: string[]): Entity => ({
      apiVersion: 'pave.dev/v1alpha1',
      kind: 'Capability',
      metadata: { name: 'queue', namespace: 'default', annotations: { 'pave.dev/capability': 'queue' } },
      spec: { type: 'queue', owner: 'group:default/team-a', version: versions[0], versions, api: { group: 'mq.example.com', version: 'v1', kind: 'Queue' }, dependsOn: [] },
    });
    // The Resources as the platform's catalog mirror writes them: one following its team's binding on 1.x, one on no channel.
    const request = (name: string, pinnedVersion?: string): StoredRequest => ({
      id: name, namespace: 'team-a', name, apiVersion: 'mq.example.com/v1', kind: 'Queue', capability: 'queue', generation: 1, owner: 'group:default/team-a', createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z',
      ...(pinnedVersion ? { pinnedVersion } : {}),
      entity: { apiVersion: 'mq.example.com/v1', kind: 'Queue', metadata: { name, namespace: 'team-a' }, spec: {} },
      status: { phase: 'Ready', conditions: [], observedGeneration: 1, capabilityVersion: '1.0.0', deliveries: [] },
    });
    await app.catalog.saveEntity(capability(['2.0.0', '1.0.0']));
    await app.catalog.saveEntity(CatalogMirror.entityOf(request('pinned-queue', '1.x')));
    await app.catalog.saveEntity(CatalogMirror.entityOf(request('floating-queue')));
    const orders = component('orders', { owner: 'team-a' });
    await app.catalog.saveEntity({ ...orders, spec: { ...orders.spec, dependsOn: ['resource:team-a/pinned-queue'] } });
    const shipping = component('shipping', { owner: 'team-a' });
    await app.catalog.saveEntity({ ...shipping, spec: { ...shipping.spec, dependsOn: ['resource:team-a/floating-queue'] } });
    await app.eventConsumers.drain();
    // 2.0 exists: behind for the request that follows the newest, not for the one its binding keeps on 1.x.
    expect(await facts('orders')).toMatchObject({ 'platform.requests': 1, 'platform.outOfDate': 0, 'platform.allCurrent': true });
    expect(await facts('shipping')).toMatchObject({ 'platform.requests': 1, 'platform.outOfDate': 1, 'platform.allCurrent': false });
    // A newer version inside its channel: now it is behind too.
    await app.catalog.saveEntity(capability(['2.0.0', '1.1.0', '1.0.0']));
    await app.eventConsumers.drain();
    expect(await facts('orders')).toMatchObject({ 'platform.outOfDate': 1, 'platform.allCurrent': false });
  });

  it('tells an entity made from an older version of its golden path, again as soon as the template declares a new one', async () => {
    const { app } = pave;
    const template = (version: string): Entity => ({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'go-service', annotations: { 'pave.dev/template-version': version } },
      spec: { owner: 'group:default/team-a', type: 'service', parameters: [], steps: [{ id: 'log', action: 'debug:log', input: { message: 'hi' } }] },
    });
    await app.catalog.saveEntity(template('1.0.0'));
    await app.catalog.saveEntity(component('payments', { owner: 'team-a', annotations: { 'backstage.io/source-template': 'template:default/go-service', 'pave.dev/source-template-version': '1.0.0' } }));
    await app.eventConsumers.drain();
    expect(await facts('payments')).toMatchObject({ 'provenance.template': 'template:default/go-service', 'provenance.templateVersion': '1.0.0', 'provenance.templateLatestVersion': '1.0.0', 'provenance.templateCurrent': true });
    await app.catalog.saveEntity(template('1.1.0'));
    await app.eventConsumers.drain();
    expect(await facts('payments')).toMatchObject({ 'provenance.templateVersion': '1.0.0', 'provenance.templateLatestVersion': '1.1.0', 'provenance.templateCurrent': false });
    expect(await facts('cart')).toMatchObject({ 'provenance.fromGoldenPath': false, 'provenance.templateCurrent': null });
  });

  it('compares with the version tasks record for a template that declares only spec.version', async () => {
    const { app } = pave;
    const template = (version: string): Entity => ({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'py-service' },
      spec: { owner: 'group:default/team-a', type: 'service', version, parameters: [], steps: [{ id: 'log', action: 'debug:log', input: { message: 'hi' } }] },
    });
    await app.catalog.saveEntity(template('2.0.0'));
    await app.catalog.saveEntity(component('recipes', { owner: 'team-a', annotations: { 'backstage.io/source-template': 'template:default/py-service', 'pave.dev/source-template-version': '2.0.0' } }));
    await app.eventConsumers.drain();
    expect(await facts('recipes')).toMatchObject({ 'provenance.templateLatestVersion': '2.0.0', 'provenance.templateCurrent': true });
    await app.catalog.saveEntity(template('2.1.0'));
    await app.eventConsumers.drain();
    expect(await facts('recipes')).toMatchObject({ 'provenance.templateVersion': '2.0.0', 'provenance.templateLatestVersion': '2.1.0', 'provenance.templateCurrent': false });
  });

  it('asks the delivery module for the component’s DORA figures of the last 30 days', async () => {
    expect(await facts('cart')).toMatchObject({
      'delivery.deployments': 2,
      'delivery.changeFailureRate': 0.3333,
      'delivery.leadTimeHours': 2,
      'delivery.deploymentFrequencyBand': 'medium',
    });
    expect(await facts('ledger')).toMatchObject({ 'delivery.deployments': 0, 'delivery.changeFailureRate': null });
  });

  it('collects delivery facts again as soon as deliveries arrive, while a scorecard names one', async () => {
    const { app } = pave;
    await app.catalog.saveEntity({
      apiVersion: 'pave.dev/v1alpha1',
      kind: 'Scorecard',
      metadata: { name: 'delivery' },
      spec: { filter: 'kind=component,metadata.name=cart', levels: [{ name: 'shipping', rank: 1 }], rules: [{ id: 'ships', title: 'Ships often', level: 'shipping', condition: 'facts.delivery.deployments >= 3' }] },
    });
    await app.eventConsumers.drain();
    const level = async () => (await getJson(`${pave.url}/api/scorecards/entities/component/default/cart`)).body.results.find((result: any) => result.scorecard === 'scorecard:default/delivery');
    expect(await level()).toMatchObject({ rules: [{ id: 'ships', status: 'fail' }] });
    await app.delivery.ingest(app.auth.localOperator(), [{ id: 'd4', type: 'deployment', at: new Date(Date.now() - 60_000).toISOString(), entity: 'component:default/cart', environment: 'production', status: 'success' }]);
    await app.eventConsumers.drain();
    expect(await facts('cart')).toMatchObject({ 'delivery.deployments': 3 });
    expect(await level()).toMatchObject({ level: 'shipping', rules: [{ id: 'ships', status: 'pass' }] });
  });

  it('collects delivery facts again only for the entities whose deliveries arrived', async () => {
    const { app } = pave;
    await app.catalog.saveEntity({
      apiVersion: 'pave.dev/v1alpha1',
      kind: 'Scorecard',
      metadata: { name: 'delivery' },
      spec: { filter: ['kind=component,metadata.name=cart', 'kind=component,metadata.name=ledger'], levels: [{ name: 'shipping', rank: 1 }], rules: [{ id: 'ships', title: 'Ships often', level: 'shipping', condition: 'facts.delivery.deployments >= 3' }] },
    });
    await app.eventConsumers.drain();
    const before = { cart: (await facts('cart'))['delivery.deployments'] as number, ledger: (await facts('ledger'))['delivery.deployments'] as number };
    // A deployment of ledger stored without its event: only a pass that collects ledger again would count it.
    const [quiet] = app.delivery.check([{ id: 'quiet-ledger', type: 'deployment', at: new Date(Date.now() - 60_000).toISOString(), entity: 'component:default/ledger', environment: 'production', status: 'success' }], 'api', '/events');
    await app.delivery.events.insert(app.store.db, [quiet!], () => 'component:default/ledger', new Date().toISOString());
    await app.delivery.ingest(app.auth.localOperator(), [{ id: 'd5', type: 'deployment', at: new Date(Date.now() - 60_000).toISOString(), entity: 'component:default/cart', environment: 'production', status: 'success' }]);
    await app.eventConsumers.drain();
    expect(await facts('cart')).toMatchObject({ 'delivery.deployments': before.cart + 1 });
    expect(await facts('ledger')).toMatchObject({ 'delivery.deployments': before.ledger });
    // A delivery of ledger collects ledger again, and then counts both.
    await app.delivery.ingest(app.auth.localOperator(), [{ id: 'd6', type: 'deployment', at: new Date(Date.now() - 60_000).toISOString(), entity: 'component:default/ledger', environment: 'production', status: 'success' }]);
    await app.eventConsumers.drain();
    expect(await facts('ledger')).toMatchObject({ 'delivery.deployments': before.ledger + 2 });
    // A batch whose list of entities was cut short (too many to name) collects every scored entity again.
    const [another] = app.delivery.check([{ id: 'quiet-ledger-2', type: 'deployment', at: new Date(Date.now() - 60_000).toISOString(), entity: 'component:default/ledger', environment: 'production', status: 'success' }], 'api', '/events');
    await app.store.transaction(async trx => {
      await app.delivery.events.insert(trx, [another!], () => 'component:default/ledger', new Date().toISOString());
      const payload: EventsReceivedPayload = { source: 'api', stored: 1, deployments: 1, changes: 0, incidents: 0, unmapped: 0, entities: ['component:default/cart'], entitiesTruncated: true };
      await app.eventLog.append(trx, { type: 'delivery.events.received', actor: 'user:default/test', payload });
    });
    await app.eventConsumers.drain();
    expect(await facts('ledger')).toMatchObject({ 'delivery.deployments': before.ledger + 3 });
  });
});
