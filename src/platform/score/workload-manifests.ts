/**
 * A Score workload's Kubernetes manifests: one Deployment running its containers (variables as environment,
 * files from a ConfigMap, volumes from their resources' volume sources, limits, probes) and, when it publishes
 * ports, a Service. Plain `apps/v1` and `v1`
 * objects any Argo CD or Flux applies as they are. Pure: no I/O.
 */
import type { WorkloadSpec } from './workload-capability.js';

export interface WorkloadManifests {
  deployment: Record<string, unknown>;
  service?: Record<string, unknown>;
  /** The files the containers mount, when any do. */
  configMap?: Record<string, unknown>;
}

/**
 * The objects of workload `name` in `namespace`, from its spec with references already resolved (a value
 * that resolved to a number or object is written as text, as an environment variable must be).
 * @example workloadManifests('orders', 'checkout-team', { containers: { web: { image: 'nginx' } } }).deployment.kind // 'Deployment'
 */
export function workloadManifests(name: string, namespace: string, spec: WorkloadSpec): WorkloadManifests {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'pave' };
  const metadata = (objectName: string) => ({ name: objectName, namespace, labels, ...(spec.annotations && Object.keys(spec.annotations).length ? { annotations: spec.annotations } : {}) });
  const filesName = `${name}-files`;
  const fileData: Record<string, string> = {};
  const volumes: Array<Record<string, unknown>> = [];
  const containers = Object.entries(spec.containers)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([containerName, container]) => {
      const mounts: Array<Record<string, unknown>> = (container.files ?? []).map((file, i) => {
        const key = `${containerName}-${i}`;
        fileData[key] = text(file.content ?? '');
        volumes.push({ name: key, configMap: { name: filesName, items: [{ key, path: 'content', ...(file.mode ? { mode: parseInt(file.mode, 8) } : {}) }] } });
        return { name: key, mountPath: file.target, subPath: 'content', readOnly: true };
      });
      // Each volume's source is its resource's Kubernetes volume source (say, a persistentVolumeClaim).
      (container.volumes ?? []).forEach((volume, i) => {
        const key = `${containerName}-volume-${i}`;
        volumes.push({ name: key, ...(typeof volume.source === 'object' ? volume.source : {}) });
        mounts.push({ name: key, mountPath: volume.target, ...(volume.path ? { subPath: volume.path } : {}), ...(volume.readOnly ? { readOnly: true } : {}) });
      });
      return containerOf(containerName, container, mounts);
    });
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(name),
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: { metadata: { labels }, spec: { containers, ...(volumes.length ? { volumes } : {}) } },
    },
  };
  const ports = Object.entries(spec.service?.ports ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    deployment,
    ...(ports.length
      ? {
          service: {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: metadata(name),
            spec: {
              selector: { 'app.kubernetes.io/name': name },
              ports: ports.map(([portName, port]) => ({ name: portName, port: port.port, targetPort: port.targetPort ?? port.port, protocol: port.protocol ?? 'TCP' })),
            },
          },
        }
      : {}),
    ...(Object.keys(fileData).length ? { configMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(filesName), data: fileData } } : {}),
  };
}

type WorkloadContainer = WorkloadSpec['containers'][string];

function containerOf(name: string, container: WorkloadContainer, mounts: Array<Record<string, unknown>>): Record<string, unknown> {
  const env = Object.entries(container.variables ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => ({ name: key, value: text(value) }));
  const probe = (score: WorkloadContainer['livenessProbe']) =>
    score && {
      httpGet: {
        path: score.httpGet.path,
        port: score.httpGet.port,
        ...(score.httpGet.host ? { host: score.httpGet.host } : {}),
        ...(score.httpGet.scheme ? { scheme: score.httpGet.scheme } : {}),
        ...(score.httpGet.httpHeaders ? { httpHeaders: score.httpGet.httpHeaders } : {}),
      },
    };
  const liveness = probe(container.livenessProbe);
  const readiness = probe(container.readinessProbe);
  return {
    name,
    image: container.image,
    ...(container.command ? { command: container.command.map(text) } : {}),
    ...(container.args ? { args: container.args.map(text) } : {}),
    ...(env.length ? { env } : {}),
    ...(container.resources ? { resources: container.resources } : {}),
    ...(liveness ? { livenessProbe: liveness } : {}),
    ...(readiness ? { readinessProbe: readiness } : {}),
    ...(mounts.length ? { volumeMounts: mounts } : {}),
  };
}

/** A resolved value as text: a whole reference keeps its output's JSON type, which Kubernetes wants as a string here. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

