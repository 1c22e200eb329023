import { invalidInput, type FieldError } from '../core/problem.js';
import { requestFolder } from '../gitops/repo-path.js';
import { matchDestinations } from './destination-registry.js';
import { validateRequestEnvelope } from './model/document-validation.js';
import type { ExpressionEvaluator } from '../expressions/index.js';
import type { Capability, Destination, RunStep } from './model/types.js';
import { executeRender, prepareRender } from './render.js';
import type { ModuleSandbox } from './steps/sandbox/module-sandbox.js';

export interface DryRunResult {
  request: { apiVersion: string; kind: string; namespace: string; name: string };
  capability: { name: string; version: string };
  /** Where the files would go: one folder per destination chosen (without destinations: `<namespace>/<kind>/<name>`). */
  placements: Array<{ destination?: string; folder: string }>;
  /** The files as they would be committed, paths relative to the repository root of the first placement. */
  files: Array<{ path: string; content: string }>;
  outputs: Record<string, unknown>;
  message?: string;
  steps: RunStep[];
  /** References to other requests' outputs that had no value and were left as text. */
  unresolved: string[];
  selector: Record<string, string>;
}

/**
 * Renders a request with a capability exactly as a reconcile would, and writes nothing: `pave render`
 * (no store, no cluster) and the render route (with the store's dependencies and destinations) both use it.
 * Module steps run in `moduleSandbox`, as they would in a reconcile. Whoever calls this decides the
 * capability may be run: the service only passes published ones, or those of a caller who may publish.
 * Throws a 422 problem naming every mistake, or the failing step.
 * @example const result = await dryRun({ capability, request: yaml.parse(text), timeoutSeconds: 30, moduleSandbox: moduleSandboxFor(config.platform), expressions });
 */
export async function dryRun(input: {
  capability: Capability;
  request: unknown;
  dependencies?: Readonly<Record<string, Record<string, unknown> | undefined>>;
  observedOutputs?: Record<string, unknown>;
  destinations?: readonly Destination[];
  currentDestinations?: readonly string[];
  timeoutSeconds: number;
  moduleSandbox: ModuleSandbox;
  /** The sandboxed expression engine that renders `template` steps. */
  expressions: ExpressionEvaluator;
}): Promise<DryRunResult> {
  const { capability } = input;
  const envelope = validateRequestEnvelope(input.request);
  if (!envelope.request) throw invalidInput(`The request has ${envelope.errors.length} mistake(s)`, envelope.errors);
  const request = envelope.request;
  const { api } = capability.spec;
  const mismatch: FieldError[] = [];
  if (envelope.group !== api.group || envelope.version !== api.version) mismatch.push({ pointer: '/apiVersion', detail: `must be ${api.group}/${api.version} for capability ${capability.metadata.name}`, rule: 'const' });
  if (request.kind !== api.kind) mismatch.push({ pointer: '/kind', detail: `must be ${api.kind} for capability ${capability.metadata.name}`, rule: 'const' });
  if (mismatch.length) throw invalidInput(`The request is not a ${api.kind}`, mismatch);

  const prepared = prepareRender({
    capability,
    request,
    dependencies: input.dependencies ?? {},
    observedOutputs: input.observedOutputs,
    action: 'configure',
    dryRun: true,
    allowUnresolved: true,
  });
  if (prepared.stage === 'invalid') throw invalidInput(`The request's spec does not match ${api.kind}'s schema (${capability.metadata.name} ${capability.spec.version})`, prepared.errors);
  if (prepared.stage === 'waiting') throw invalidInput('The request waits for other requests'); // not reached: unresolved references are allowed
  const { outcome, selector } = await executeRender(prepared.prepared, { timeoutSeconds: input.timeoutSeconds, expressions: input.expressions, moduleSandbox: input.moduleSandbox });
  if (outcome.failure) {
    throw invalidInput(outcome.failure.message, [{ pointer: '/spec', detail: outcome.failure.message, rule: outcome.failure.reason }], { steps: outcome.steps });
  }
  const place = { namespace: request.metadata.namespace, kind: request.kind, name: request.metadata.name };
  let placements: DryRunResult['placements'];
  if (input.destinations) {
    const matched = matchDestinations(input.destinations, selector);
    const named = request.metadata.annotations?.['pave.dev/destination'];
    const current = matched.find(d => input.currentDestinations?.includes(d.metadata.name));
    const chosen = capability.spec.placement?.mode === 'all' ? matched : [((named ? matched.find(d => d.metadata.name === named) : undefined) ?? current ?? matched[0])].filter(d => d !== undefined);
    if (!chosen.length) throw invalidInput(`No destination matches the placement selector ${JSON.stringify(selector)}`);
    placements = chosen.map(d => ({ destination: d.metadata.name, folder: requestFolder(d.spec.git.path ?? '', place) }));
  } else {
    placements = [{ folder: requestFolder('', place) }];
  }
  const folder = placements[0]!.folder;
  return {
    request: { apiVersion: request.apiVersion, kind: request.kind, namespace: request.metadata.namespace, name: request.metadata.name },
    capability: { name: capability.metadata.name, version: capability.spec.version },
    placements,
    files: [...outcome.files].map(([path, content]) => ({ path: `${folder}/${path}`, content })),
    outputs: outcome.outputs,
    ...(outcome.message ? { message: outcome.message } : {}),
    steps: outcome.steps,
    unresolved: [...new Set(prepared.prepared.unresolved.map(r => `\${requests.${r.request}.outputs.${r.key}}`))],
    selector,
  };
}
