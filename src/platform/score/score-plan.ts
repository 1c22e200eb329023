/**
 * What a Score file becomes, before anything is stored: one request per resource (matched to the capability
 * that provides its type and class; resources sharing an `id` are one request), and the workload's own request
 * (kind `Workload`) whose containers refer to those requests' outputs. Every mistake is reported at once, with
 * its place in the Score file. Pure: no I/O.
 */
import { isDeepStrictEqual } from 'node:util';
import { isObject } from '../../core/is-object.js';
import { joinPointer, type FieldError } from '../../core/problem.js';
import { DNS_LABEL } from '../model/capability-validation.js';
import { dependencyNames, findCycle } from '../model/references.js';
import type { Capability, RequestEntity } from '../model/types.js';
import { DEFAULT_CLASS, matchCapability } from './resource-matching.js';
import { validateScoreFile, type ScoreFile, type ScoreResource } from './score-file.js';
import { expandPlaceholders, type PlaceholderContext } from './score-placeholders.js';
import { WORKLOAD_API, type WorkloadSpec } from './workload-capability.js';

/** The label naming the workload a request was made for (absent on shared resources, which no one workload owns). */
export const LABEL_WORKLOAD = 'pave.dev/score-workload';
/** The label naming the environment a Score file was applied for (`--environment`). */
export const LABEL_ENVIRONMENT = 'pave.dev/environment';

export interface ScoreTarget {
  /** The team's namespace the requests are made in. */
  namespace: string;
  /** Labels the requests and fills a capability's `environment` field when its schema has one and the params leave it out. */
  environment?: string;
}

export interface PlannedResource {
  /** The resources of the Score file this request provides (several when they share an id). */
  resources: string[];
  capability: string;
  request: RequestEntity;
}

export interface ScorePlan {
  workload: RequestEntity;
  /** In an order where each request comes after those it refers to. */
  resources: PlannedResource[];
}

/**
 * Plans a Score file's requests against the published capabilities (their newest revisions).
 * @example planScore(yaml.parse(text), { namespace: 'checkout-team' }, capabilities).plan?.resources[0]?.request.kind // 'PostgreSQL'
 */
export function planScore(raw: unknown, target: ScoreTarget, capabilities: readonly Capability[]): { plan?: ScorePlan; errors: FieldError[] } {
  const { score, errors } = validateScoreFile(raw);
  if (!score) return { errors };
  const workloadName = score.metadata.name;
  const entries = Object.entries(score.resources ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));

  // Match each resource to its capability and name its request.
  const matched = new Map<string, { resource: ScoreResource; capability: Capability; request: string }>();
  for (const [name, resource] of entries) {
    const at = `/resources${joinPointer(name)}`;
    const { capability, error } = matchCapability(resource, at, capabilities);
    if (error) errors.push(error);
    const request = resource.id ? resource.id.replaceAll('.', '-') : `${workloadName}-${name}`;
    if (!DNS_LABEL.test(request)) errors.push({ pointer: resource.id ? `${at}/id` : at, detail: `makes the request name ${request}, which is longer than 63 characters`, rule: 'format' });
    else if (request === workloadName) errors.push({ pointer: `${at}/id`, detail: `${request} is the workload's own name; a shared resource needs another id`, rule: 'unique' });
    if (capability) matched.set(name, { resource, capability, request });
  }
  const context: PlaceholderContext = {
    metadata: score.metadata,
    resources: Object.fromEntries(entries.map(([name]) => {
      const m = matched.get(name);
      return [name, m ? { request: m.request, ...optionalOutputs(m.capability) } : { request: undefined }];
    })),
  };

  // One request per request name: resources sharing an id must agree on what they are.
  const byRequest = new Map<string, PlannedResource & { first: string }>();
  const graph = new Map<string, string[]>();
  for (const [name, { resource, capability, request }] of matched) {
    const at = `/resources${joinPointer(name)}`;
    const expanded = expandPlaceholders(resource.params ?? {}, `${at}/params`, context);
    errors.push(...expanded.errors);
    const spec = withEnvironment(expanded.value, capability, target.environment);
    const document: RequestEntity = {
      apiVersion: `${capability.spec.api.group}/${capability.spec.api.version}`,
      kind: capability.spec.api.kind,
      metadata: {
        name: request,
        namespace: target.namespace,
        labels: { ...(resource.id ? {} : { [LABEL_WORKLOAD]: workloadName }), ...(target.environment ? { [LABEL_ENVIRONMENT]: target.environment } : {}) },
        ...(resource.metadata?.annotations && Object.keys(resource.metadata.annotations).length ? { annotations: resource.metadata.annotations } : {}),
      },
      spec,
    };
    const earlier = byRequest.get(request);
    if (earlier) {
      const same = earlier.capability === capability.metadata.name && isDeepStrictEqual(earlier.request, document);
      if (!same) {
        errors.push({
          pointer: `${at}/id`,
          detail: `shares id ${resource.id} with resource ${earlier.first}, but is not the same resource (type ${resource.type}, class ${resource.class ?? DEFAULT_CLASS} and params must match)`,
          rule: 'shared-resource',
        });
      } else earlier.resources.push(name);
      continue;
    }
    byRequest.set(request, { first: name, resources: [name], capability: capability.metadata.name, request: document });
    graph.set(request, dependencyNames(spec));
  }

  // Resources may refer to each other's outputs, never in a circle.
  const cycle = findCycle(graph);
  if (cycle) {
    const first = byRequest.get(cycle[0]!)!;
    errors.push({ pointer: `/resources${joinPointer(first.first)}/params`, detail: `the resources' outputs refer to each other in a circle: ${cycle.join(' → ')}`, rule: 'cycle' });
  }

  const workload = workloadRequest(score, target, context, errors);
  if (errors.length) return { errors };
  const ordered = orderByDependencies([...byRequest.values()], graph).map(({ first: _first, ...planned }) => planned);
  return { plan: { workload, resources: ordered }, errors };
}

/** The workload's own request: its containers and service, placeholders expanded. */
function workloadRequest(score: ScoreFile, target: ScoreTarget, context: PlaceholderContext, errors: FieldError[]): RequestEntity {
  const containers: WorkloadSpec['containers'] = {};
  for (const [name, container] of Object.entries(score.containers)) {
    const at = `/containers${joinPointer(name)}`;
    const { files, volumes, ...rest } = container;
    const expanded = expandPlaceholders({ command: rest.command, args: rest.args, variables: rest.variables }, at, context);
    errors.push(...expanded.errors);
    const expandedFiles = (files ?? []).map((file, i) => {
      if (file.content === undefined) {
        errors.push({ pointer: `${at}/files/${i}/source`, detail: 'is read in by the pave CLI (pave score apply); send the content inline', rule: 'content' });
        return file;
      }
      if (file.noExpand) return file;
      const content = expandPlaceholders(file.content, `${at}/files/${i}/content`, context);
      errors.push(...content.errors);
      return { ...file, content: content.value };
    });
    const expandedVolumes = (volumes ?? []).map((volume, i) => ({ ...volume, source: volumeSource(volume.source, `${at}/volumes/${i}/source`, context, errors) }));
    containers[name] = stripUndefined({
      ...rest,
      ...expanded.value,
      ...(files ? { files: expandedFiles.map(({ source: _source, ...file }) => file) } : {}),
      ...(volumes ? { volumes: expandedVolumes } : {}),
    });
  }
  const spec: WorkloadSpec = {
    containers,
    ...(score.service ? { service: score.service } : {}),
    ...(score.metadata.annotations ? { annotations: score.metadata.annotations } : {}),
    ...(target.environment ? { environment: target.environment } : {}),
  };
  return {
    apiVersion: `${WORKLOAD_API.group}/${WORKLOAD_API.version}`,
    kind: WORKLOAD_API.kind,
    metadata: { name: score.metadata.name, namespace: target.namespace, labels: { [LABEL_WORKLOAD]: score.metadata.name, ...(target.environment ? { [LABEL_ENVIRONMENT]: target.environment } : {}) } },
    spec: spec as unknown as Record<string, unknown>,
  };
}

/**
 * A volume's source, `${resources.<name>}`: the resource's `source` output (a Kubernetes volume source, as
 * score-k8s's volume resources give), referenced until its request is Ready.
 */
function volumeSource(source: string, at: string, context: PlaceholderContext, errors: FieldError[]): string {
  const whole = /^\$\{resources\.([^.}]+)\}$/.exec(source);
  if (!whole) {
    errors.push({ pointer: at, detail: `${source}: a volume's source is a whole \${resources.<name>} placeholder`, rule: 'placeholder' });
    return source;
  }
  const expanded = expandPlaceholders(`\${resources.${whole[1]}.source}`, at, context);
  errors.push(...expanded.errors.map(e => ({ ...e, detail: `${source}: ${e.detail.replace(/^\$\{[^}]*\}: /, '')} (a volume's resource gives its Kubernetes volume source as output source)` })));
  return expanded.value;
}

/** The output names a capability's outputs schema declares (none declared: any name may be asked for). */
function optionalOutputs(capability: Capability): { outputs?: string[] } {
  const properties = capability.spec.outputs?.properties;
  return isObject(properties) ? { outputs: Object.keys(properties) } : {};
}

/** The params, with the environment filled in where the capability's schema has an `environment` field the params leave out. */
function withEnvironment(params: Record<string, unknown>, capability: Capability, environment: string | undefined): Record<string, unknown> {
  const properties = capability.spec.api.schema.properties;
  if (environment === undefined || !isObject(properties) || !('environment' in properties) || 'environment' in params) return params;
  return { ...params, environment };
}

/** Requests in an order where each comes after those it refers to (the graph has no cycle here). */
function orderByDependencies<T extends { request: RequestEntity }>(planned: T[], graph: ReadonlyMap<string, readonly string[]>): T[] {
  const byName = new Map(planned.map(p => [p.request.metadata.name, p]));
  const ordered: T[] = [];
  const placed = new Set<string>();
  const place = (name: string) => {
    if (placed.has(name) || !byName.has(name)) return;
    placed.add(name);
    for (const dependency of graph.get(name) ?? []) place(dependency);
    ordered.push(byName.get(name)!);
  };
  for (const name of byName.keys()) place(name);
  return ordered;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
