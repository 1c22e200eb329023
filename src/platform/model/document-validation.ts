/**
 * Checking destinations and the envelope of requests: every mistake at once, never throwing.
 */
import { joinPointer, type FieldError } from '../../core/problem.js';
import { normaliseBasePath, unsafePathReason } from '../../gitops/repo-path.js';
import { DNS_LABEL } from './capability-validation.js';
import { isObject } from '../../core/is-object.js';
import { PLATFORM_API_VERSION, type Destination, type RequestEntity } from './types.js';

const GIT_URL = /^(?:file|https?|ssh|git):\/\/\S+$|^[\w.-]+@[\w.-]+:\S+$|^\/\S*$/;
const BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*@\{|.*\.lock$|.*\/$)[A-Za-z0-9._\/-]+$/;

/**
 * Validates a Destination document and fills in defaults (branch main, path '', cleanup delete).
 * @example validateDestination({ apiVersion: 'pave.dev/v1alpha1', kind: 'Destination', metadata: { name: 'dev' }, spec: { git: { url: 'file:///srv/dev.git' } } })
 */
export function validateDestination(raw: unknown): { destination?: Destination; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const add = (pointer: string, detail: string, rule?: string) => errors.push({ pointer, detail, ...(rule ? { rule } : {}) });
  if (!isObject(raw)) return { errors: [{ pointer: '', detail: 'must be a Destination document (a mapping)', rule: 'type' }] };
  if (raw.apiVersion !== PLATFORM_API_VERSION) add('/apiVersion', `must be ${PLATFORM_API_VERSION}`, 'const');
  if (raw.kind !== 'Destination') add('/kind', 'must be Destination', 'const');
  const metadata = isObject(raw.metadata) ? raw.metadata : undefined;
  if (!metadata) add('/metadata', 'is required and must be a mapping', 'required');
  else {
    if (typeof metadata.name !== 'string' || !DNS_LABEL.test(metadata.name)) add('/metadata/name', 'must be a DNS label: lower-case letters, digits and -', 'format');
    checkStringMap(metadata.labels, '/metadata/labels', add);
  }
  const spec = isObject(raw.spec) ? raw.spec : undefined;
  if (!spec) add('/spec', 'is required and must be a mapping', 'required');
  else {
    const git = isObject(spec.git) ? spec.git : undefined;
    if (!git) add('/spec/git', 'is required: { url, branch, path }', 'required');
    else {
      if (typeof git.url !== 'string' || !GIT_URL.test(git.url)) add('/spec/git/url', 'must be a git URL (file://, https://, ssh:// or user@host:path)', 'format');
      if (git.branch !== undefined && (typeof git.branch !== 'string' || !BRANCH.test(git.branch))) add('/spec/git/branch', 'must be a branch name', 'format');
      if (git.path !== undefined) {
        const path = typeof git.path === 'string' ? normaliseBasePath(git.path) : undefined;
        const reason = path === undefined ? 'must be a string' : path === '' ? undefined : unsafePathReason(path);
        if (reason) add('/spec/git/path', reason, 'path');
      }
    }
    if (spec.layout !== undefined && spec.layout !== 'namespace/kind/name') add('/spec/layout', 'must be namespace/kind/name', 'enum');
    if (spec.cleanupPolicy !== undefined && spec.cleanupPolicy !== 'delete' && spec.cleanupPolicy !== 'retain') add('/spec/cleanupPolicy', 'must be delete or retain', 'enum');
  }
  if (errors.length) return { errors };
  const destination = structuredClone(raw) as unknown as Destination;
  destination.metadata.labels ??= {};
  destination.spec.git.branch ??= 'main';
  destination.spec.git.path = normaliseBasePath(destination.spec.git.path);
  destination.spec.layout ??= 'namespace/kind/name';
  destination.spec.cleanupPolicy ??= 'delete';
  return { destination, errors };
}

/**
 * Validates a request's envelope (not its spec, which its capability's schema checks).
 * `apiVersion` must be `<group>/<version>`; the namespace is the owning team's.
 */
export function validateRequestEnvelope(raw: unknown): { request?: RequestEntity; group?: string; version?: string; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const add = (pointer: string, detail: string, rule?: string) => errors.push({ pointer, detail, ...(rule ? { rule } : {}) });
  if (!isObject(raw)) return { errors: [{ pointer: '', detail: 'must be a request document (a mapping)', rule: 'type' }] };
  const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : '';
  const slash = apiVersion.lastIndexOf('/');
  if (slash <= 0 || slash === apiVersion.length - 1) add('/apiVersion', 'must be <group>/<version> of a published capability, e.g. databases.pave.dev/v1alpha1', 'format');
  if (typeof raw.kind !== 'string' || raw.kind === '') add('/kind', 'is required: the kind of a published capability', 'required');
  const metadata = isObject(raw.metadata) ? raw.metadata : undefined;
  if (!metadata) add('/metadata', 'is required: name and namespace', 'required');
  else {
    if (typeof metadata.name !== 'string' || !DNS_LABEL.test(metadata.name)) add('/metadata/name', 'must be a DNS label: lower-case letters, digits and -, at most 63 characters', 'format');
    if (typeof metadata.namespace !== 'string' || !DNS_LABEL.test(metadata.namespace)) {
      add('/metadata/namespace', "is required: the owning team's namespace (a DNS label)", 'required');
    }
    checkStringMap(metadata.labels, '/metadata/labels', add);
    checkStringMap(metadata.annotations, '/metadata/annotations', add);
  }
  if (raw.spec !== undefined && !isObject(raw.spec)) add('/spec', 'must be a mapping', 'type');
  if (errors.length) return { errors };
  const { status: _status, ...rest } = raw;
  const request = structuredClone(rest) as unknown as RequestEntity;
  request.spec ??= {};
  const meta = request.metadata as Record<string, unknown>;
  for (const key of ['uid', 'etag', 'generation']) delete meta[key];
  return { request, group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), errors };
}

function checkStringMap(value: unknown, at: string, add: (pointer: string, detail: string, rule?: string) => void): void {
  if (value === undefined) return;
  if (!isObject(value)) return add(at, 'must map names to strings', 'type');
  for (const [key, item] of Object.entries(value)) if (typeof item !== 'string') add(at + joinPointer(key), 'must be a string', 'type');
}
