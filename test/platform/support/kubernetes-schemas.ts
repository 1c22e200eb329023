/**
 * Validates generated manifests against the Kubernetes OpenAPI schemas shipped (offline) by the
 * `kubernetes-models` package, for every built-in kind the demo capabilities produce. CloudNativePG's
 * `Cluster` is a custom resource with no published npm schema package, so it is checked against a
 * minimal schema written here from its CRD (the fields the demo uses, with their types).
 */
import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Namespace, PersistentVolumeClaim, ResourceQuota, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace as unknown as Model,
  'v1/ResourceQuota': ResourceQuota as unknown as Model,
  'v1/ConfigMap': ConfigMap as unknown as Model,
  'v1/Secret': Secret as unknown as Model,
  'v1/Service': Service as unknown as Model,
  'v1/ServiceAccount': ServiceAccount as unknown as Model,
  'apps/v1/Deployment': Deployment as unknown as Model,
  'apps/v1/StatefulSet': StatefulSet as unknown as Model,
  'batch/v1/Job': Job as unknown as Model,
  'rbac.authorization.k8s.io/v1/Role': Role as unknown as Model,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding as unknown as Model,
  // Pave's own deployment (deploy/kubernetes).
  'v1/PersistentVolumeClaim': PersistentVolumeClaim as unknown as Model,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as Model,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as Model,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor as unknown as Model,
};

/** Minimal schema of CloudNativePG's Cluster (postgresql.cnpg.io/v1), from its CRD: only what the demo sets. */
const CNPG_CLUSTER = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'postgresql.cnpg.io/v1' },
    kind: { const: 'Cluster' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 50 },
        namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      required: ['instances', 'storage'],
      additionalProperties: false,
      properties: {
        instances: { type: 'integer', minimum: 1 },
        imageName: { type: 'string', minLength: 1 },
        storage: { type: 'object', required: ['size'], additionalProperties: false, properties: { size: { type: 'string', pattern: '^[0-9]+(Mi|Gi|Ti)$' }, storageClass: { type: 'string' } } },
        bootstrap: {
          type: 'object',
          additionalProperties: false,
          properties: {
            initdb: { type: 'object', additionalProperties: false, properties: { database: { type: 'string' }, owner: { type: 'string' }, secret: { type: 'object', properties: { name: { type: 'string' } } } } },
          },
        },
      },
    },
  },
};
const validateCluster = new Ajv({ allErrors: true, strict: false }).compile(CNPG_CLUSTER);

/** Every mistake in a YAML file of manifests (empty when each document is a valid object of a known kind). */
export function kubernetesProblems(content: string, where = 'manifest'): string[] {
  const problems: string[] = [];
  for (const [i, document] of parseAllDocuments(content).entries()) {
    const value = document.toJS() as { apiVersion?: string; kind?: string } | null;
    if (value === null) continue;
    const key = `${value.apiVersion}/${value.kind}`;
    if (key === 'postgresql.cnpg.io/v1/Cluster') {
      if (!validateCluster(value)) problems.push(`${where} #${i}: ${validateCluster.errors!.map(e => `${e.instancePath} ${e.message}`).join('; ')}`);
      continue;
    }
    const model = MODELS[key];
    if (!model) {
      problems.push(`${where} #${i}: no schema for ${key}; add it to test/platform/support/kubernetes-schemas.ts`);
      continue;
    }
    try {
      new model(value as never).validate();
    } catch (error) {
      problems.push(`${where} #${i} (${key}): ${(error as Error).message}`);
    }
  }
  return problems;
}
