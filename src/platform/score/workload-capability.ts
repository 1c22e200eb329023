/**
 * The capability behind every Score workload: Pave's own, published by `pave score apply` the first time it
 * is needed (republishing it changes nothing). A workload's request (kind `Workload`) holds its containers and
 * service with the resources' placeholders turned into references to their requests' outputs; its one step
 * (`workload`, see `steps/workload-step.ts`) renders the Deployment and Service. Pure: no I/O.
 */
import { Type, type Static } from '@sinclair/typebox';
import { AnnotationsSchema, ResolvedContainersSchema, ServiceSchema } from './score-file.js';
import { PLATFORM_API_VERSION, type Capability } from '../model/types.js';

export const WORKLOAD_CAPABILITY = 'score-workload';
export const WORKLOAD_API = { group: 'score.pave.dev', version: 'v1beta1', kind: 'Workload' } as const;

/** A workload request's spec: the Score file's containers and service, and its annotations. */
export const WorkloadSpecSchema = Type.Object(
  {
    containers: ResolvedContainersSchema,
    service: Type.Optional(ServiceSchema),
    annotations: Type.Optional(AnnotationsSchema),
    environment: Type.Optional(Type.String({ description: 'The environment it was applied for: places it on the destinations labelled env=<environment>' })),
  },
  { additionalProperties: false },
);
export type WorkloadSpec = Static<typeof WorkloadSpecSchema>;

/**
 * The built-in capability, as published. Its version changes whenever what it renders changes, so requests
 * floating on it are rendered again.
 */
export function workloadCapability(): Capability {
  return {
    apiVersion: PLATFORM_API_VERSION,
    kind: 'Capability',
    metadata: { name: WORKLOAD_CAPABILITY, title: 'Score workload', description: "A Score workload's Deployment and Service, rendered by Pave from its score.yaml (pave score apply)" },
    spec: {
      version: '1.2.0',
      description: 'Made by pave score apply: the containers and service of a Score file, with its resources’ outputs filled in once their requests are Ready.',
      // A plain JSON Schema (TypeBox's markers dropped): what the registry stores and hashes.
      api: { ...WORKLOAD_API, schema: JSON.parse(JSON.stringify(WorkloadSpecSchema)) as Record<string, unknown> },
      outputs: { type: 'object', properties: { name: { type: 'string' }, host: { type: 'string' } } },
      workflows: { configure: [{ name: 'manifests', type: 'workload' }] },
      // Where its resources go too (the demo capabilities place by env); without an environment, any destination.
      placement: { selector: { env: "${{ spec.environment | default('') }}" }, mode: 'one' },
    },
  };
}
