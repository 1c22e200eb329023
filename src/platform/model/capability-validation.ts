/**
 * Checking a capability before it is published: every mistake at once, each located by a JSON pointer.
 * Like the catalog's validation this never throws; it returns the capability (when usable) and its errors.
 */
import { isObject } from '../../core/is-object.js';
import semver from 'semver';
import { jsonSchemaValidator } from '../../core/json-schema.js';
import { joinPointer, type FieldError } from '../../core/problem.js';
import { tryParseEntityRef } from '../../core/entity-ref.js';
import { checkTemplate } from '../../expressions/index.js';
import { unsafePathReason } from '../../gitops/repo-path.js';
import { parseDurationSeconds } from './duration.js';
import { normalizeOffer, validateOffer } from './capability-offer.js';
import { validateTtlPolicy } from './request-ttl.js';
import { normalizeApprovalRule, validateApprovalRule } from './request-approval.js';
import { validateProvides } from './provided-resources.js';
import { PLATFORM_API_VERSION, type Capability, type StepSpec } from './types.js';

export const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const API_GROUP = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)+$/;
const API_VERSION = /^v[1-9][0-9]*(?:(?:alpha|beta)[1-9][0-9]*)?$/;
const KIND = /^[A-Z][A-Za-z0-9]{0,62}$/;
const LABEL_KEY = /^(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const RESERVED_GROUPS = new Set(['pave.dev', 'backstage.io']);
const RESERVED_KINDS = new Set(['Capability', 'Destination', 'Run', 'Component', 'API', 'Resource', 'System', 'Domain', 'Group', 'User', 'Location', 'Template', 'CapabilityBinding']);
const MAX_MODULE_TIMEOUT = 300;

export interface CapabilityValidation {
  capability?: Capability;
  errors: FieldError[];
}

/**
 * Validates a capability document and fills in defaults (`placement.mode: one`, empty `delete`).
 * @example validateCapability(yaml.parse(text)).errors // [] when it can be published
 */
export function validateCapability(raw: unknown): CapabilityValidation {
  const errors: FieldError[] = [];
  const add = (pointer: string, detail: string, rule?: string) => errors.push({ pointer, detail, ...(rule ? { rule } : {}) });
  if (!isObject(raw)) return { errors: [{ pointer: '', detail: 'must be a Capability document (a mapping)', rule: 'type' }] };

  if (raw.apiVersion !== PLATFORM_API_VERSION) add('/apiVersion', `must be ${PLATFORM_API_VERSION}`, 'const');
  if (raw.kind !== 'Capability') add('/kind', 'must be Capability', 'const');
  const metadata = raw.metadata;
  if (!isObject(metadata)) add('/metadata', 'is required and must be a mapping', 'required');
  else {
    if (typeof metadata.name !== 'string' || !DNS_LABEL.test(metadata.name)) {
      add('/metadata/name', 'must be a DNS label: lower-case letters, digits and -, at most 63 characters', 'format');
    }
    for (const field of ['title', 'description']) {
      if (metadata[field] !== undefined && typeof metadata[field] !== 'string') add(`/metadata/${field}`, 'must be a string', 'type');
    }
  }

  const spec = raw.spec;
  if (!isObject(spec)) {
    add('/spec', 'is required and must be a mapping', 'required');
    return { errors };
  }
  unknownKeys(spec, '/spec', ['version', 'description', 'owner', 'api', 'outputs', 'requires', 'workflows', 'placement', 'reconcileInterval', 'offer', 'approval', 'ttl', 'provides'], add);
  if (spec.owner !== undefined && (typeof spec.owner !== 'string' || !tryParseEntityRef(spec.owner, { defaultKind: 'group', defaultNamespace: 'default' }))) {
    add('/spec/owner', 'must be an entity ref of the owning team, e.g. platform-team or group:default/platform-team', 'entity-ref');
  }

  if (typeof spec.version !== 'string' || semver.valid(spec.version) !== spec.version) {
    add('/spec/version', 'must be a semantic version such as 1.2.0 (no leading v)', 'semver');
  }

  const api = spec.api;
  if (!isObject(api)) add('/spec/api', 'is required: group, version, kind and schema of a request', 'required');
  else {
    unknownKeys(api, '/spec/api', ['group', 'version', 'kind', 'schema'], add);
    if (typeof api.group !== 'string' || !API_GROUP.test(api.group)) add('/spec/api/group', 'must be a DNS subdomain with at least one dot, e.g. databases.example.com', 'format');
    else if (RESERVED_GROUPS.has(api.group)) add('/spec/api/group', `${api.group} is reserved for Pave's own kinds`, 'reserved');
    if (typeof api.version !== 'string' || !API_VERSION.test(api.version)) add('/spec/api/version', 'must be a Kubernetes-style API version such as v1, v1alpha1 or v2beta3', 'format');
    if (typeof api.kind !== 'string' || !KIND.test(api.kind)) add('/spec/api/kind', 'must be a PascalCase kind such as PostgreSQL', 'format');
    else if (RESERVED_KINDS.has(api.kind)) add('/spec/api/kind', `${api.kind} is a kind Pave already defines`, 'reserved');
    if (api.schema === undefined) add('/spec/api/schema', "is required: the JSON Schema of a request's spec", 'required');
    else {
      const schemaErrors = jsonSchemaValidator({ useDefaults: true }).schemaProblems(api.schema, '/spec/api/schema');
      errors.push(...schemaErrors);
      if (!schemaErrors.length && (api.schema as Record<string, unknown>).type !== 'object') add('/spec/api/schema/type', 'must be object (a request spec is a mapping)', 'const');
    }
  }

  if (spec.outputs !== undefined) errors.push(...jsonSchemaValidator({ useDefaults: true }).schemaProblems(spec.outputs, '/spec/outputs'));

  if (spec.requires !== undefined) {
    if (!Array.isArray(spec.requires)) add('/spec/requires', 'must be a list of { name, version }', 'type');
    else
      spec.requires.forEach((item: unknown, i) => {
        const at = `/spec/requires/${i}`;
        if (!isObject(item)) return add(at, 'must be a mapping with name and version', 'type');
        if (typeof item.name !== 'string' || !DNS_LABEL.test(item.name)) add(`${at}/name`, 'must name a capability (a DNS label)', 'format');
        else if (isObject(metadata) && item.name === metadata.name) add(`${at}/name`, 'a capability cannot require itself', 'self-reference');
        if (typeof item.version !== 'string' || semver.validRange(item.version) === null) add(`${at}/version`, 'must be a semver range such as ^1.2 or >=2.0.0', 'semver-range');
      });
  }

  const workflows = spec.workflows;
  if (!isObject(workflows)) add('/spec/workflows', 'is required: configure (a list of steps) and optionally delete', 'required');
  else {
    unknownKeys(workflows, '/spec/workflows', ['configure', 'delete'], add);
    if (!Array.isArray(workflows.configure) || workflows.configure.length === 0) add('/spec/workflows/configure', 'must be a non-empty list of steps', 'min-items');
    else checkSteps(workflows.configure, '/spec/workflows/configure', errors);
    if (workflows.delete !== undefined) {
      if (!Array.isArray(workflows.delete)) add('/spec/workflows/delete', 'must be a list of steps', 'type');
      else checkSteps(workflows.delete, '/spec/workflows/delete', errors);
    }
  }

  if (spec.placement !== undefined) {
    const placement = spec.placement;
    if (!isObject(placement)) add('/spec/placement', 'must be a mapping with selector and mode', 'type');
    else {
      unknownKeys(placement, '/spec/placement', ['selector', 'mode'], add);
      if (placement.mode !== undefined && placement.mode !== 'one' && placement.mode !== 'all') add('/spec/placement/mode', 'must be one or all', 'enum');
      if (placement.selector !== undefined) {
        if (!isObject(placement.selector)) add('/spec/placement/selector', 'must map label names to values', 'type');
        else
          for (const [key, value] of Object.entries(placement.selector)) {
            const at = `/spec/placement/selector${joinPointer(key)}`;
            if (!LABEL_KEY.test(key)) add(at, 'must be a label name such as env or pave.dev/tier', 'format');
            if (typeof value !== 'string') add(at, 'must be a string (it may hold ${{ … }} expressions)', 'type');
            else errors.push(...checkTemplate(value, { pointer: at }));
          }
      }
    }
  }

  if (spec.reconcileInterval !== undefined && parseDurationSeconds(spec.reconcileInterval) === undefined) {
    add('/spec/reconcileInterval', 'must be a positive number of seconds or a duration such as 90s, 10m or 1h', 'duration');
  }

  if (spec.offer !== undefined) errors.push(...validateOffer(spec.offer, '/spec/offer'));
  if (spec.approval !== undefined) errors.push(...validateApprovalRule(spec.approval, '/spec/approval'));
  if (spec.ttl !== undefined) errors.push(...validateTtlPolicy(spec.ttl, '/spec/ttl'));
  if (spec.provides !== undefined) errors.push(...validateProvides(spec.provides, '/spec/provides'));

  if (errors.length) return { errors };
  const capability = structuredClone(raw) as unknown as Capability;
  if (capability.spec.offer) capability.spec.offer = normalizeOffer(capability.spec.offer);
  if (capability.spec.approval) capability.spec.approval = normalizeApprovalRule(capability.spec.approval);
  capability.spec.placement = { selector: {}, mode: 'one', ...capability.spec.placement };
  capability.spec.workflows.delete ??= [];
  capability.spec.requires ??= [];
  return { capability, errors };
}

function checkSteps(steps: unknown[], base: string, errors: FieldError[]): void {
  const add = (pointer: string, detail: string, rule?: string) => errors.push({ pointer, detail, ...(rule ? { rule } : {}) });
  const names = new Set<string>();
  steps.forEach((step, i) => {
    const at = `${base}/${i}`;
    if (!isObject(step)) return add(at, 'must be a step: { name, type: template | module | workload, … }', 'type');
    if (typeof step.name !== 'string' || !DNS_LABEL.test(step.name)) add(`${at}/name`, 'must be a DNS label naming the step', 'format');
    else if (names.has(step.name)) add(`${at}/name`, `repeats the step name ${step.name}`, 'unique');
    else names.add(step.name);
    if (step.type === 'template') {
      unknownKeys(step, at, ['name', 'type', 'files', 'outputs', 'message'], add);
      checkTemplateStep(step, at, errors);
    } else if (step.type === 'module') {
      unknownKeys(step, at, ['name', 'type', 'source', 'path', 'timeoutSeconds'], add);
      if (typeof step.source !== 'string' || step.source.trim() === '') {
        add(
          `${at}/source`,
          typeof step.path === 'string'
            ? `the module file ${step.path} was not read in: publish the capability from its file (pave capability publish -f) so the source is stored with the revision`
            : 'is required: the ES module source of the step (or path, when publishing from a file)',
          'required',
        );
      }
      if (step.timeoutSeconds !== undefined && (typeof step.timeoutSeconds !== 'number' || step.timeoutSeconds <= 0 || step.timeoutSeconds > MAX_MODULE_TIMEOUT)) {
        add(`${at}/timeoutSeconds`, `must be a number of seconds from 0 to ${MAX_MODULE_TIMEOUT}`, 'range');
      }
    } else if (step.type === 'workload') unknownKeys(step, at, ['name', 'type'], add);
    else add(`${at}/type`, 'must be template, module or workload', 'enum');
  });
}

function checkTemplateStep(step: Record<string, unknown>, at: string, errors: FieldError[]): void {
  const add = (pointer: string, detail: string, rule?: string) => errors.push({ pointer, detail, ...(rule ? { rule } : {}) });
  if (step.files !== undefined) {
    if (!Array.isArray(step.files)) add(`${at}/files`, 'must be a list of { path, content }', 'type');
    else
      step.files.forEach((file: unknown, j) => {
        const fileAt = `${at}/files/${j}`;
        if (!isObject(file)) return add(fileAt, 'must be { path, content }', 'type');
        unknownKeys(file, fileAt, ['path', 'content', 'if'], add);
        if (typeof file.path !== 'string' || file.path === '') add(`${fileAt}/path`, 'is required: a path inside the request folder', 'required');
        else {
          const syntax = checkTemplate(file.path, { pointer: `${fileAt}/path` });
          errors.push(...syntax);
          if (!syntax.length && !file.path.includes('${{')) {
            const reason = unsafePathReason(file.path);
            if (reason) add(`${fileAt}/path`, `${reason}: files must stay inside the request's folder`, 'path');
          }
        }
        if (typeof file.content !== 'string') add(`${fileAt}/content`, 'is required: the file text (it may hold ${{ … }} expressions)', 'required');
        else errors.push(...checkTemplate(file.content, { pointer: `${fileAt}/content` }));
        if (typeof file.if === 'string') errors.push(...checkTemplate(file.if, { pointer: `${fileAt}/if` }));
        else if (file.if !== undefined && typeof file.if !== 'boolean') add(`${fileAt}/if`, 'must be a boolean or an expression', 'type');
      });
  }
  if (step.outputs !== undefined) {
    if (!isObject(step.outputs)) add(`${at}/outputs`, 'must map output names to values', 'type');
    else checkTemplatesIn(step.outputs, `${at}/outputs`, errors);
  }
  if (step.message !== undefined) {
    if (typeof step.message !== 'string') add(`${at}/message`, 'must be a string', 'type');
    else errors.push(...checkTemplate(step.message, { pointer: `${at}/message` }));
  }
  if (step.files === undefined && step.outputs === undefined && step.message === undefined) {
    add(at, 'a template step needs files, outputs or a message', 'required');
  }
}

function checkTemplatesIn(value: unknown, at: string, errors: FieldError[]): void {
  if (typeof value === 'string') errors.push(...checkTemplate(value, { pointer: at }));
  else if (Array.isArray(value)) value.forEach((item, i) => checkTemplatesIn(item, `${at}/${i}`, errors));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) checkTemplatesIn(item, at + joinPointer(key), errors);
}

function unknownKeys(value: Record<string, unknown>, at: string, known: string[], add: (pointer: string, detail: string, rule?: string) => void): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) add(at + joinPointer(key), `is not a known field here (expected one of ${known.join(', ')})`, 'additionalProperties');
  }
}

/** The steps of one workflow of a (validated) capability. */
export function workflowSteps(capability: Capability, action: 'configure' | 'delete'): StepSpec[] {
  return action === 'configure' ? capability.spec.workflows.configure : (capability.spec.workflows.delete ?? []);
}
