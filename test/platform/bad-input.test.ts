import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPaveError, type Problem } from '../../src/core/problem.js';
import { OPERATOR, isReady, repoCommits, startHarness, waitForRequest, type Harness } from './support/platform-harness.js';

async function problemOf(work: Promise<unknown>): Promise<Problem> {
  try {
    await work;
  } catch (error) {
    if (isPaveError(error)) return error.problem;
    throw error;
  }
  throw new Error('expected a problem');
}

const pointers = (problem: Problem) => (problem.errors ?? []).map(e => e.pointer);

describe('bad input is refused with clear errors and nothing half-written', { timeout: 90_000 }, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('reports every mistake of an invalid capability at once, with JSON pointers, and stores nothing', async () => {
    const before = await h.app.platform.listCapabilities();
    const problem = await problemOf(
      h.app.platform.publishCapability({
        apiVersion: 'pave.dev/v1alpha1',
        kind: 'Capability',
        metadata: { name: 'Object_Store' },
        spec: {
          version: 'v1',
          api: { group: 'storage', version: '1', kind: 'bucket', schema: { type: 'objekt', properties: { size: { type: 'integer' } } } },
          outputs: { type: 'object', required: 'url' },
          requires: [{ name: 'postgresql', version: 'not-a-range' }],
          workflows: {
            configure: [
              { name: 'files', type: 'template', files: [{ path: '../../etc/passwd', content: 'x' }, { path: 'ok.yaml', content: '${{ spec.size | nope }}' }] },
              { name: 'files', type: 'script', run: 'rm -rf /' },
            ],
          },
          placement: { mode: 'some' },
          reconcileInterval: 'often',
          colour: 'blue',
        },
      }, OPERATOR),
    );
    expect(problem.status).toBe(422);
    expect(pointers(problem)).toEqual(
      expect.arrayContaining([
        '/metadata/name',
        '/spec/colour',
        '/spec/version',
        '/spec/api/group',
        '/spec/api/version',
        '/spec/api/kind',
        '/spec/api/schema/type',
        '/spec/outputs/required',
        '/spec/requires/0/version',
        '/spec/workflows/configure/0/files/0/path',
        '/spec/workflows/configure/0/files/1/content',
        '/spec/workflows/configure/1/name',
        '/spec/workflows/configure/1/type',
        '/spec/placement/mode',
        '/spec/reconcileInterval',
      ]),
    );
    const escape = problem.errors!.find(e => e.pointer === '/spec/workflows/configure/0/files/0/path')!;
    expect(escape.detail).toContain("must not leave its folder (..): files must stay inside the request's folder");
    expect(problem.errors!.find(e => e.pointer === '/spec/workflows/configure/0/files/1/content')!.detail).toContain('unknown filter "nope"');
    expect(await h.app.platform.listCapabilities()).toEqual(before);
  });

  it('refuses a new version published under an existing number with other content (revisions are immutable)', async () => {
    const capability = structuredClone((await h.app.platform.getCapability('redis')).capability);
    expect((await h.app.platform.publishCapability(capability, OPERATOR)).outcome).toBe('unchanged');
    capability.metadata.description = 'changed';
    const problem = await problemOf(h.app.platform.publishCapability(capability, OPERATOR));
    expect(problem.status).toBe(409);
    expect(pointers(problem)).toEqual(['/spec/version']);
  });

  it('refuses a request whose spec fails its schema, naming each field, and stores nothing', async () => {
    const problem = await problemOf(
      h.app.platform.applyRequest({
        apiVersion: 'databases.pave.dev/v1alpha1',
        kind: 'PostgreSQL',
        metadata: { name: 'bad-db', namespace: 'checkout-team' },
        spec: { instances: 9, storage: 'lots', version: 12, colour: 'blue' },
      }, OPERATOR),
    );
    expect(problem.status).toBe(422);
    expect(pointers(problem).sort()).toEqual(['/spec/colour', '/spec/instances', '/spec/storage', '/spec/version']);
    expect(problem.errors!.find(e => e.pointer === '/spec/instances')!.detail).toBe('Instances must be at most 5');
    // In words, each field by its name: the pattern by the field's default, a field the schema lacks as such.
    expect(problem.errors!.find(e => e.pointer === '/spec/storage')!.detail).toBe('Storage must look like 10Gi');
    expect(problem.errors!.find(e => e.pointer === '/spec/colour')!.detail).toBe('Colour is not allowed (no such field)');
    expect(problem.detail).toContain("does not match PostgreSQL's schema (postgresql 1.1.0)");
    expect(await h.app.platform.listRequests({ namespace: 'checkout-team' })).toEqual([]);
    await h.app.eventConsumers.drain();
    expect(await h.app.catalog.entities.byRef('resource:checkout-team/bad-db')).toBeUndefined();
  });

  it('refuses unknown kinds, API versions and envelopes with pointers', async () => {
    const unknownKind = await problemOf(h.app.platform.applyRequest({ apiVersion: 'databases.pave.dev/v1alpha1', kind: 'MySQL', metadata: { name: 'x', namespace: 'team' }, spec: {} }, OPERATOR));
    expect(pointers(unknownKind)).toEqual(['/kind']);
    const wrongVersion = await problemOf(h.app.platform.applyRequest({ apiVersion: 'databases.pave.dev/v2', kind: 'PostgreSQL', metadata: { name: 'x', namespace: 'team' }, spec: {} }, OPERATOR));
    expect(pointers(wrongVersion)).toEqual(['/apiVersion']);
    const envelope = await problemOf(h.app.platform.applyRequest({ apiVersion: 'nogroup', kind: 'PostgreSQL', metadata: { name: 'Bad Name' }, spec: [] }, OPERATOR));
    expect(pointers(envelope).sort()).toEqual(['/apiVersion', '/metadata/name', '/metadata/namespace', '/spec']);
    const pin = await problemOf(h.app.platform.applyRequest({ apiVersion: 'databases.pave.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'x', namespace: 'team', annotations: { 'pave.dev/capability-version': '9.x' } }, spec: {} }, OPERATOR));
    expect(pointers(pin)).toEqual(['/metadata/annotations/pave.dev~1capability-version']);
  });

  it('refuses a dependency cycle and a self-reference, storing nothing', async () => {
    const environment = (name: string, dependsOn: string) => ({
      apiVersion: 'environments.pave.dev/v1alpha1',
      kind: 'Environment',
      metadata: { name, namespace: 'loop-team' },
      spec: { namespace: 'loop', databaseHost: `\${requests.${dependsOn}.outputs.host}`, databaseSecret: 'secret' },
    });
    await h.app.platform.applyRequest(environment('a', 'b'), OPERATOR);
    await h.app.platform.applyRequest(environment('b', 'c'), OPERATOR);
    const problem = await problemOf(h.app.platform.applyRequest(environment('c', 'a'), OPERATOR));
    expect(problem.status).toBe(422);
    expect(problem.detail).toContain('c → a → b → c');
    expect(pointers(problem)).toEqual(['/spec/databaseHost']);
    const self = await problemOf(h.app.platform.applyRequest(environment('d', 'd'), OPERATOR));
    expect(pointers(self)).toEqual(['/spec/databaseHost']);
    expect((await h.app.platform.listRequests({ namespace: 'loop-team' })).map(r => r.metadata.name)).toEqual(['a', 'b']);
  });

  it('fails a step that escapes its output folder at run time, writing nothing', async () => {
    const capability = structuredClone((await h.app.platform.getCapability('redis')).capability);
    capability.spec.version = '3.0.0';
    capability.spec.workflows.configure = [
      { name: 'sneaky', type: 'template', files: [{ path: '${{ spec.memory | replace("256Mi", "../../../../etc") }}/passwd.yaml', content: 'x: 1\n' }] },
    ];
    await h.app.platform.publishCapability(capability, OPERATOR);
    const commits = (await repoCommits(h.repos.dev)).length;
    await h.app.workers.start(['platform.reconciler']);
    try {
      await h.app.platform.applyRequest({ apiVersion: 'caches.pave.dev/v1alpha1', kind: 'Redis', metadata: { name: 'sneaky', namespace: 'escape-team' }, spec: {} }, OPERATOR);
      const failed = await waitForRequest(h.app, 'escape-team', 'sneaky', v => v.status.phase === 'Failed');
      expect(failed.status.conditions.find(c => c.type === 'Configured')).toMatchObject({ status: 'False', reason: 'InvalidOutput' });
      expect(failed.status.message).toContain('file path "../../../../etc/passwd.yaml" must not leave its folder (..)');
      expect((await repoCommits(h.repos.dev)).length).toBe(commits);
      // Files that are not plain Kubernetes YAML are refused too.
      capability.spec.version = '3.1.0';
      capability.spec.workflows.configure = [{ name: 'not-k8s', type: 'template', files: [{ path: 'cm.yaml', content: 'just: data\n' }] }];
      await h.app.platform.publishCapability(capability, OPERATOR);
      const refused = await waitForRequest(h.app, 'escape-team', 'sneaky', v => v.status.capabilityVersion === '3.1.0' && v.status.phase === 'Failed');
      expect(refused.status.message).toContain('cm.yaml is not a Kubernetes object');
      expect((await repoCommits(h.repos.dev)).length).toBe(commits);
      // A fixed version recovers.
      capability.spec.version = '3.2.0';
      capability.spec.workflows.configure = [
        { name: 'ok', type: 'template', files: [{ path: 'cm.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sneaky\n' }], outputs: { host: 'sneaky', port: 6379 } },
      ];
      await h.app.platform.publishCapability(capability, OPERATOR);
      await waitForRequest(h.app, 'escape-team', 'sneaky', v => isReady(v) && v.status.capabilityVersion === '3.2.0');
    } finally {
      await h.app.platform.reconciler.stop();
    }
  });
});
