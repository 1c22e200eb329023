/**
 * A Score file (score.dev `v1b1`): the workload a developer describes once — containers, the service it
 * publishes, the resources it needs — as a TypeBox schema written from Score's JSON Schema. The score routes
 * validate with it, the workload capability's request schema is made of its parts, and the client, CLI and
 * portal use the types derived from it. Pure: no I/O.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { isObject } from '../../core/is-object.js';
import { jsonSchemaValidator } from '../../core/json-schema.js';
import type { FieldError } from '../../core/problem.js';

export const SCORE_API_VERSION = 'score.dev/v1b1';

/** Score's names: an RFC 1123 label of 2 to 63 characters. */
const LABEL = { minLength: 2, maxLength: 63, pattern: '^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$' };

const TYPE_OR_CLASS = { minLength: 2, maxLength: 63, pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]$' };
const ANNOTATION_NAME = { pattern: '^(([a-z0-9][a-z0-9-]{0,61}[a-z0-9])(\\.[a-z0-9][a-z0-9-]{0,61}[a-z0-9])*/)?[A-Za-z0-9][A-Za-z0-9._-]{0,61}[A-Za-z0-9]$' };
/** Names (a key pattern) mapped to values; other keys are refused, not ignored. */
const named = <T extends TSchema>(value: T, description: string, options: { minProperties?: number } = {}) =>
  Type.Record(Type.String({ pattern: LABEL.pattern }), value, { additionalProperties: false, description: `${description}; names are lower-case letters, digits and -, 2 to 63 characters`, ...options });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
export const AnnotationsSchema = Type.Record(Type.String({ pattern: ANNOTATION_NAME.pattern }), Type.String(), { additionalProperties: false, description: 'Annotations passed through to what is rendered' });

export const ServicePortSchema = Type.Object(
  {
    port: Type.Integer({ minimum: 1, maximum: 65535, description: 'The public service port' }),
    protocol: Type.Optional(Type.Union([Type.Literal('TCP'), Type.Literal('UDP')], { description: 'Defaults to TCP' })),
    targetPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: "The container's port; defaults to port" })),
  },
  { additionalProperties: false },
);

export const ServiceSchema = Type.Object(
  { ports: Type.Optional(named(ServicePortSchema, 'Named ports the service publishes')) },
  { additionalProperties: false },
);

const ResourceLimits = Type.Object(
  {
    memory: Type.Optional(Type.String({ pattern: '^[1-9]\\d*(K|M|G|T|Ki|Mi|Gi|Ti)?$', description: 'Bytes with an optional unit, e.g. 125M or 1Gi' })),
    cpu: Type.Optional(Type.String({ pattern: '^\\d*(?:m|\\.\\d+)?$', description: 'Whole or fractional CPUs; m for milli-CPUs, e.g. 2 or 125m' })),
  },
  { additionalProperties: false },
);

const HttpProbe = Type.Object(
  {
    host: Type.Optional(Type.String({ minLength: 1 })),
    scheme: Type.Optional(Type.Union([Type.Literal('HTTP'), Type.Literal('HTTPS')])),
    path: Type.String(),
    port: Port,
    httpHeaders: Type.Optional(Type.Array(Type.Object({ name: Type.String({ pattern: '^[A-Za-z0-9_-]+$' }), value: Type.String({ minLength: 1 }) }, { additionalProperties: false }))),
  },
  { additionalProperties: false },
);
const Probe = Type.Object({ httpGet: HttpProbe }, { additionalProperties: false });

/**
 * A container, its texts of the given schema: strings in a Score file; in a workload request, where a whole
 * placeholder resolves to its output's JSON value (a port is a number), any scalar, written out as text.
 */
function containerSchema<T extends TSchema, V extends TSchema>(text: T, volumeSource: V) {
  const file = Type.Object(
    {
      target: Type.String({ minLength: 1, description: 'The path in the container' }),
      mode: Type.Optional(Type.String({ pattern: '^0?[0-7]{3}$', description: 'Octal access mode, e.g. 0600' })),
      source: Type.Optional(Type.String({ minLength: 1, description: 'A file beside the Score file, read in by the CLI' })),
      content: Type.Optional(text),
      noExpand: Type.Optional(Type.Boolean({ description: 'Leave ${…} placeholders in the content as they are' })),
    },
    { additionalProperties: false },
  );
  return Type.Object(
    {
      image: Type.String({ minLength: 1, description: 'The container image name and tag' }),
      command: Type.Optional(Type.Array(text)),
      args: Type.Optional(Type.Array(text)),
      variables: Type.Optional(Type.Record(Type.String({ pattern: '^[^=]+$' }), text, { additionalProperties: false, description: 'Environment variables; values may hold ${…} placeholders' })),
      files: Type.Optional(Type.Array(file)),
      volumes: Type.Optional(
        Type.Array(
          Type.Object(
            { source: volumeSource, path: Type.Optional(Type.String({ minLength: 1 })), target: Type.String({ pattern: '^/' }), readOnly: Type.Optional(Type.Boolean()) },
            { additionalProperties: false },
          ),
        ),
      ),
      resources: Type.Optional(Type.Object({ limits: Type.Optional(ResourceLimits), requests: Type.Optional(ResourceLimits) }, { additionalProperties: false })),
      livenessProbe: Type.Optional(Probe),
      readinessProbe: Type.Optional(Probe),
    },
    { additionalProperties: false },
  );
}

export const ContainerSchema = containerSchema(Type.String(), Type.String({ description: 'The resource mounted: ${resources.<name>}' }));
export const ContainersSchema = named(ContainerSchema, 'The named containers of the workload', { minProperties: 1 });
/** A workload request's containers: placeholders resolved, so a text may be any scalar. */
/**
 * The kinds of volume source a workload may mount: storage of its own namespace. A source reaching the node
 * (`hostPath`) or another server (`nfs`, `iscsi`, …) is refused, whoever wrote it.
 */
export const MOUNTABLE_VOLUME_KINDS = ['persistentVolumeClaim', 'configMap', 'secret', 'emptyDir', 'ephemeral'] as const;

/**
 * A volume's source in a workload request: a whole reference to another request's `source` output, which the
 * reconciler replaces with that output (say `{ persistentVolumeClaim: { claimName } }`) and checks again, or one
 * of the mountable kinds. Anyone who may request could otherwise mount the node's own filesystem into their pod.
 */
const WorkloadVolumeSource = Type.Union([
  Type.String({ pattern: '^\\$\\{requests\\.[^.}]+\\.outputs\\.source\\}$', description: "The volume resource's request output: ${requests.<request>.outputs.source}" }),
  ...MOUNTABLE_VOLUME_KINDS.map(kind => Type.Object({ [kind]: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: false, description: `A ${kind} volume source` })),
]);
export const ResolvedContainersSchema = named(containerSchema(Type.Union([Type.String(), Type.Number(), Type.Boolean()]), WorkloadVolumeSource), 'The named containers of the workload', { minProperties: 1 });

export const ScoreResourceSchema = Type.Object(
  {
    type: Type.String({ ...TYPE_OR_CLASS, description: 'The resource type, matched to a capability that provides it' }),
    class: Type.Optional(Type.String({ ...TYPE_OR_CLASS, description: 'A specialisation of the type (default: default)' })),
    id: Type.Optional(Type.String({ minLength: 2, maxLength: 63, pattern: '^[a-z0-9]+(?:-+[a-z0-9]+)*(?:\\.[a-z0-9]+(?:-+[a-z0-9]+)*)*$', description: 'Resources with the same type, class and id are one resource, shared' })),
    metadata: Type.Optional(Type.Object({ annotations: Type.Optional(AnnotationsSchema) }, { additionalProperties: true })),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "The request's spec: validated against the capability's schema" })),
  },
  { additionalProperties: false },
);

export const ScoreFileSchema = Type.Object(
  {
    apiVersion: Type.Literal(SCORE_API_VERSION),
    metadata: Type.Object({ name: Type.String({ ...LABEL, description: "The workload's name" }), annotations: Type.Optional(AnnotationsSchema) }, { additionalProperties: true }),
    service: Type.Optional(ServiceSchema),
    containers: ContainersSchema,
    resources: Type.Optional(named(ScoreResourceSchema, 'The resources the workload needs, each provided by a capability')),
  },
  { additionalProperties: false },
);

export type ScoreFile = Static<typeof ScoreFileSchema>;
export type ScoreContainer = Static<typeof ContainerSchema>;
export type ScoreResource = Static<typeof ScoreResourceSchema>;
export type ScoreService = Static<typeof ServiceSchema>;

/**
 * Checks a Score file against the schema, naming every mistake (pointers into the file). Never throws.
 * @example validateScoreFile(yaml.parse(text)).errors // [] for a valid file
 */
export function validateScoreFile(raw: unknown): { score?: ScoreFile; errors: FieldError[] } {
  if (!isObject(raw)) return { errors: [{ pointer: '', detail: 'must be a Score file (a mapping with apiVersion, metadata and containers)', rule: 'type' }] };
  const errors = jsonSchemaValidator().validate(ScoreFileSchema, raw, {});
  if (raw.apiVersion !== SCORE_API_VERSION) {
    const at = errors.findIndex(e => e.pointer === '/apiVersion');
    const error: FieldError = { pointer: '/apiVersion', detail: `must be ${SCORE_API_VERSION} (the Score version Pave reads)`, rule: 'const' };
    if (at >= 0) errors[at] = error;
    else errors.push(error);
  }
  return errors.length ? { errors } : { score: raw as unknown as ScoreFile, errors };
}
