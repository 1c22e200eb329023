import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/package-root.js';
import { loadPlatformDemo } from '../../src/platform/demo-loader.js';
import { TESTER, openTestApp, registerTemplate, waitForTask, writeTree, type TestApp } from './support.js';

const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: team-space
spec:
  owner: platform-team
  type: infrastructure
  parameters:
    - title: Team
      required: [team]
      properties:
        team: { type: string, title: Team namespace }
  steps:
    - id: namespace
      name: Request a namespace
      action: pave:request
      input:
        apiVersion: teams.pave.dev/v1alpha1
        kind: TeamNamespace
        name: \${{ parameters.team }}-ns
        namespace: \${{ parameters.team }}
        spec:
          namespace: \${{ parameters.team }}
          environment: dev
  output:
    text:
      - title: Request
        content: \${{ steps.namespace.output.ref }}
`;

describe('pave:request (golden paths ask the platform API for infrastructure)', () => {
  let test: TestApp;
  let templateRef: string;

  beforeAll(async () => {
    test = await openTestApp();
    await loadPlatformDemo(test.app.platform, { demoDir: join(packageRoot(), 'demo', 'platform'), dataDir: test.dataDir, author: { actor: test.app.auth.localOperator() } });
    // The team whose namespace the golden path asks in: its Group is what makes it the namespace's owner.
    await test.app.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'fleet-team' }, spec: { type: 'team', children: [] } });
    await writeTree(join(test.dataDir, 'templates'), { 'template.yaml': TEMPLATE });
    templateRef = await registerTemplate(test.app, join(test.dataDir, 'templates', 'template.yaml'));
  });
  afterAll(async () => test.close());

  it('previews the request in a dry run without submitting it', async () => {
    const result = await test.app.templates.dryRun({ templateRef, values: { team: 'fleet-team' } });
    expect(JSON.stringify(result.log)).toMatch(/would request TeamNamespace fleet-team\/fleet-team-ns from team-namespace/);
    await expect(test.app.platform.getRequest('fleet-team', 'fleet-team-ns')).rejects.toThrow(/No request/);
  });

  it('submits the request, which the reconciler then makes Ready', async () => {
    const { id } = await test.app.templates.createTask({ templateRef, values: { team: 'fleet-team' } }, TESTER);
    const task = await waitForTask(test.app, id);
    expect(task.status).toBe('completed');
    await test.app.platform.reconciler.drain();
    const request = await test.app.platform.getRequest('fleet-team', 'fleet-team-ns');
    const ready = (request.status?.conditions as Array<{ type: string; status: string }> | undefined)?.find(c => c.type === 'Ready');
    expect(ready?.status).toBe('True');
  });

  it('refuses a request that fails the capability schema, naming the field', async () => {
    const bad = TEMPLATE.replace('environment: dev', 'environment: 42');
    await writeTree(join(test.dataDir, 'bad'), { 'template.yaml': bad.replace('name: team-space', 'name: bad-space') });
    const ref = await registerTemplate(test.app, join(test.dataDir, 'bad', 'template.yaml'));
    const { id } = await test.app.templates.createTask({ templateRef: ref, values: { team: 'fleet-team' } }, TESTER);
    const task = await waitForTask(test.app, id);
    expect(task.status).toBe('failed');
    expect(JSON.stringify(task)).toMatch(/\/spec\/environment/);
  });
});
