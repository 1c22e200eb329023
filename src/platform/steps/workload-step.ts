import { stringify as toYaml } from 'yaml';
import type { WorkloadStepSpec } from '../model/types.js';
import { workloadManifests } from '../score/workload-manifests.js';
import type { WorkloadSpec } from '../score/workload-capability.js';
import type { StepKind, StepResult } from './step-kind.js';

/**
 * A `workload` step: Pave's own renderer of a Score workload (`score/workload-manifests.ts`) over the request's
 * spec, its references to other requests' outputs already resolved. No expression and no code of anyone's
 * choosing runs. Its outputs are the workload's name and, when it publishes ports, its in-cluster host.
 * @example { name: 'manifests', type: 'workload' }
 */
export const workloadStep: StepKind<WorkloadStepSpec> = {
  type: 'workload',
  async run(_step, input) {
    const { name, namespace } = input.request.metadata;
    const manifests = workloadManifests(name, namespace, input.request.spec as unknown as WorkloadSpec);
    const result: StepResult = { files: [], outputs: { name }, log: [] };
    const write = (path: string, object: Record<string, unknown> | undefined) => {
      if (!object) return;
      const content = toYaml(object, { lineWidth: 0 });
      result.files.push({ path, content });
      result.log.push(`rendered ${path} (${content.length} characters)`);
    };
    write('deployment.yaml', manifests.deployment);
    write('service.yaml', manifests.service);
    write('files.yaml', manifests.configMap);
    if (manifests.service) result.outputs.host = `${name}.${namespace}.svc`;
    return result;
  },
};
