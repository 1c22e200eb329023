/**
 * The deployment files a platform team applies, checked without a cluster: the kustomize base and the
 * PostgreSQL overlay built (test/deploy/kustomize-build.ts), every object validated against the Kubernetes
 * schemas (`kubernetes-models`, the Prometheus Operator's for the ServiceMonitor, through test/platform/support), the pieces wired to each
 * other (selectors, named ports, probes on Pave's probe paths, secrets), the ConfigMap read by Pave's own
 * configuration loader, the Dockerfile's shape, and the Grafana dashboard's queries against the metrics a
 * real app exposes.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { kubernetesProblems } from '../platform/support/kubernetes-schemas.js';
import { kustomizeBuild, type Manifest } from './kustomize-build.js';
import { defaultConfig, loadConfig } from '../../src/pave-config.js';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/core/logger.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KUBERNETES = join(ROOT, 'deploy/kubernetes');

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are checked field by field below */
const one = (manifests: Manifest[], kind: string): any => {
  const found = manifests.filter(m => m.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
};
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** What every build must hold, base or overlay. */
function checkWiring(manifests: Manifest[]): { deployment: any; env: Record<string, string> } {
  expect(kubernetesProblems(manifests.map(manifest => stringify(manifest)).join('---\n'))).toEqual([]);
  const deployment = one(manifests, 'Deployment');
  const pod = deployment.spec.template;
  expect(matches(deployment.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
  const [container] = pod.spec.containers;
  const ports = Object.fromEntries(container.ports.map((p: any) => [p.name, p.containerPort]));
  expect(Object.keys(ports).sort()).toEqual(['http', 'metrics']);
  // Probes: alive on /healthz, ready on /readyz, both on the named port Pave serves.
  for (const probe of ['startupProbe', 'livenessProbe']) expect(container[probe].httpGet).toEqual({ path: '/healthz', port: 'http' });
  expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
  // Locked down: non-root, no privilege escalation, no capabilities, read-only root; writable only where mounted.
  expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
  expect(pod.spec.automountServiceAccountToken).toBe(false);
  expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
  expect(container.resources.limits.memory).toEqual(expect.any(String));
  const volumes = new Set(pod.spec.volumes.map((v: any) => v.name));
  for (const mount of container.volumeMounts) expect(volumes.has(mount.name), `volume ${mount.name}`).toBe(true);
  expect(container.volumeMounts.map((m: any) => m.mountPath).sort()).toEqual(['/data', '/tmp']);

  // The ConfigMap, read by Pave's own loader (with the Secret's variables as the overlay passes them).
  const configMap = one(manifests, 'ConfigMap');
  expect(container.envFrom).toContainEqual({ configMapRef: { name: configMap.metadata.name } });
  const env: Record<string, string> = { ...configMap.data };
  for (const variable of container.env ?? []) env[variable.name] = variable.name === 'PAVE_DATABASE_URL' ? 'postgres://pave@db:5432/pave' : 'x'.repeat(24);
  const config = loadConfig({ env, cwd: tmpdir(), file: join(tmpdir(), 'no-such-pave-config.yaml') });
  expect(config.port).toBe(ports.http);
  expect(config.operations.metrics.port).toBe(ports.metrics);
  expect(config.dataDir).toBe('/data');
  expect(config.host).toBe('0.0.0.0');
  // The kubelet waits longer than Pave's own grace period, so Pave ends its work before it is killed.
  expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(config.operations.shutdownGraceSeconds);

  const service = one(manifests, 'Service');
  expect(matches(service.spec.selector, pod.metadata.labels)).toBe(true);
  for (const port of service.spec.ports) expect(ports[port.targetPort], `service port ${port.name}`).toBeDefined();
  const budget = one(manifests, 'PodDisruptionBudget');
  expect(matches(budget.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
  return { deployment, env };
}

describe('deploy/kubernetes/base (SQLite, one replica)', () => {
  const manifests = kustomizeBuild(join(KUBERNETES, 'base'));

  it('is valid Kubernetes, wired together, and runs Pave locked down with its probes', () => {
    checkWiring(manifests);
    expect(manifests.map(m => m.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'PersistentVolumeClaim', 'PodDisruptionBudget', 'Service']);
    for (const manifest of manifests) expect(manifest.metadata.labels?.['app.kubernetes.io/part-of']).toBe('pave');
  });

  it('keeps one replica, replaced rather than rolled, on its volume claim (SQLite has one writer)', () => {
    const deployment = one(manifests, 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    const claim = one(manifests, 'PersistentVolumeClaim');
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: claim.metadata.name } });
  });
});

describe('deploy/kubernetes/overlays/postgres (several replicas)', () => {
  const manifests = kustomizeBuild(join(KUBERNETES, 'overlays/postgres'));

  it('is valid Kubernetes and wired together like the base', () => {
    const { env } = checkWiring(manifests);
    expect(env.PAVE_DATABASE_URL).toMatch(/^postgres:/);
    expect(env.PAVE_OIDC_ISSUER).toMatch(/^https:/);
    for (const manifest of manifests) expect(manifest.metadata.namespace).toBe('pave');
  });

  it('runs several replicas on PostgreSQL, rolled one at a time, with the secrets from a Secret', () => {
    const deployment = one(manifests, 'Deployment');
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    const [container] = deployment.spec.template.spec.containers;
    for (const name of ['PAVE_DATABASE_URL', 'PAVE_OIDC_CLIENT_SECRET', 'PAVE_METRICS_TOKEN']) {
      expect(container.env).toContainEqual({ name, valueFrom: { secretKeyRef: { name: 'pave-secrets', key: name } } });
    }
    expect(manifests.some(m => m.kind === 'PersistentVolumeClaim')).toBe(false);
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '5Gi' } });
  });

  it('routes the Ingress to the Service, and the ServiceMonitor scrapes its metrics port with the token', () => {
    const service = one(manifests, 'Service');
    const ingress = one(manifests, 'Ingress');
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    expect(backend.name).toBe(service.metadata.name);
    expect(service.spec.ports.map((p: any) => p.name)).toContain(backend.port.name);
    const monitor = one(manifests, 'ServiceMonitor');
    expect(matches(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics', authorization: { type: 'Bearer', credentials: { name: 'pave-secrets', key: 'PAVE_METRICS_TOKEN' } } })]);
  });
});

describe('the Dockerfile', () => {
  const stages = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').split(/^FROM /m).slice(1);

  it('builds in one stage and runs from another as a non-root user, with the data folder as its volume', () => {
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/^node:20\S* AS build/);
    expect(stages[0]).toContain('RUN npm ci');
    expect(stages[0]).toContain('npm run build');
    const runtime = stages[1]!;
    expect(runtime).not.toMatch(/g\+\+|npm ci/);
    expect(runtime).toMatch(/^USER 10001:10001$/m);
    expect(runtime).toContain('VOLUME ["/data"]');
    expect(runtime).toContain('PAVE_DATA_DIR=/data');
    // tini passes SIGTERM to node, so the graceful shutdown runs.
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--", "node", "bin\/pave\.js"\]$/m);
    const deployment = one(kustomizeBuild(join(KUBERNETES, 'base')), 'Deployment');
    expect(deployment.spec.template.spec.securityContext.runAsUser).toBe(10001);
  });
});

describe('deploy/grafana/pave-dashboard.json', () => {
  it('queries only metrics that Pave exposes', async () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/pave-dashboard.json'), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    const dataDir = await mkdtemp(join(tmpdir(), 'pave-dashboard-'));
    const app = await createApp({ ...defaultConfig(), dataDir, logLevel: 'silent' }, { logger: createLogger('silent') });
    try {
      const { body } = await app.operations.metrics.exposition();
      const exposed = new Set([...body.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) => (type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!])));
      const queried = dashboard.panels.flatMap(panel => panel.targets.flatMap(target => [...target.expr.matchAll(/\b((?:pave|process|nodejs)_[a-z0-9_]+)\b/g)].map(m => m[1]!)));
      expect(queried.length).toBeGreaterThan(15);
      expect(queried.filter(name => !exposed.has(name))).toEqual([]);
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
