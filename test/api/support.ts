/**
 * Helpers shared by the end-to-end API tests: a server without the portal, the demo organisation read
 * straight from its files (so expected answers are computed, never hard-coded), problem-body checks,
 * temporary folders and real git repositories made with the git CLI.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { hardenedCommand } from '../../src/git/hardening.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import type { PaveConfig } from '../../src/pave-config.js';
import { CatalogMirror } from '../../src/platform/catalog-mirror.js';
import type { Capability } from '../../src/platform/model/types.js';

/** A raw entity as written in a demo file. */
export interface RawEntity {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; title?: string; description?: string; tags?: string[]; annotations?: Record<string, string>; [key: string]: unknown };
  spec?: Record<string, unknown>;
}

export const DEMO_ROOT = fileURLToPath(new URL('../../demo/all.yaml', import.meta.url));
const DEMO_CAPABILITIES = fileURLToPath(new URL('../../demo/platform/capabilities/', import.meta.url));

/**
 * Starts Pave for API tests. The portal is not served unless asked for (these tests are about /api),
 * so a built `web/dist` in the working tree makes no difference. Sign-in and permissions are off (everyone acts
 * as an anonymous admin): these tests are about catalog behaviour; test/auth covers enforcement.
 */
export function startApiPave(options: { demo?: boolean; config?: Partial<PaveConfig>; portalDir?: string } = {}): Promise<RunningPave> {
  return startPave({
    ...options,
    config: { auth: { ...defaultAuthConfig(), enabled: false }, ...options.config },
    portalDir: options.portalDir ?? join(tmpdir(), 'pave-no-portal'),
  });
}

/**
 * Every entity of the demo organisation, read by following `all.yaml` and its targets as Pave should, and the
 * demo platform's capabilities, which `--demo` publishes and the platform API shows in the catalog.
 */
export function demoEntities(): RawEntity[] {
  const out: RawEntity[] = [];
  const read = (file: string) => {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const entity = doc.toJS() as RawEntity | null;
      if (!entity) continue;
      out.push(entity);
      if (entity.kind === 'Location') {
        const spec = entity.spec ?? {};
        const targets = [spec.target, ...((spec.targets as unknown[] | undefined) ?? [])].filter((t): t is string => typeof t === 'string');
        for (const target of targets) read(resolve(dirname(file), target));
      }
    }
  };
  read(DEMO_ROOT);
  for (const file of readdirSync(DEMO_CAPABILITIES).filter(f => f.endsWith('.yaml'))) {
    const capability = parseAllDocuments(readFileSync(join(DEMO_CAPABILITIES, file), 'utf8'))[0]!.toJS() as Capability;
    out.push(CatalogMirror.capabilityEntityOf(capability, [capability.spec.version]) as RawEntity);
  }
  return out;
}

/** Canonical ref of a raw entity, or of a ref written in a spec field with the given default kind. */
export function refOf(entity: RawEntity): string {
  return `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
}

export function normalizeRef(ref: string, defaultKind: string): string {
  const withKind = /^[^/]*:/.test(ref) ? ref : `${defaultKind}:${ref}`;
  const colon = withKind.indexOf(':');
  const rest = withKind.slice(colon + 1);
  return (rest.includes('/') ? withKind : `${withKind.slice(0, colon)}:default/${rest}`).toLowerCase();
}

/** The ref of an entity as returned by the API. */
export function apiRef(entity: { kind: string; metadata: { namespace?: string; name: string } }): string {
  return `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
}

/** Problem body fields every error response carries (RFC 9457, plus Pave's `errors[]`). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: Array<{ pointer: string; detail: string; rule?: string; source?: string; document?: number; line?: number; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** Asserts an RFC 9457 problem response with the given status and returns its body. */
export async function expectProblem(response: Response, status: number): Promise<ProblemBody> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as ProblemBody;
  expect(body.status).toBe(status);
  expect(typeof body.type).toBe('string');
  expect(body.type).toMatch(/^https?:\/\//);
  expect(typeof body.title).toBe('string');
  expect(body.title.length).toBeGreaterThan(0);
  expect(typeof body.detail).toBe('string');
  return body;
}

/** Asserts that a problem names a field: some entry of `errors[]` has a JSON pointer ending in `field`. */
export function expectFieldError(problem: ProblemBody, field: string): void {
  expect(problem.errors, JSON.stringify(problem)).toBeDefined();
  for (const error of problem.errors!) {
    expect(error.pointer === '' || error.pointer.startsWith('/'), `"${error.pointer}" is a JSON pointer`).toBe(true);
    expect(typeof error.detail).toBe('string');
  }
  const pointers = problem.errors!.map(e => e.pointer);
  expect(pointers.some(p => p === field || p.endsWith(field)), `one of ${JSON.stringify(pointers)} names ${field}`).toBe(true);
}

/** JSON over HTTP with a short way to send a body. */
export async function call(base: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  const hasBody = init.body !== undefined;
  return fetch(base + path, {
    method: init.method ?? (hasBody ? 'POST' : 'GET'),
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: hasBody ? (typeof init.body === 'string' ? init.body : JSON.stringify(init.body)) : undefined,
  });
}

export async function json<T = unknown>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

/** What registering a location answers. */
export interface RegisteredLocation {
  location: { id: string; type: string; target: string };
  entities: Array<{ kind: string; metadata: { name: string; namespace?: string } }>;
  entityCount: number;
  errors: NonNullable<ProblemBody['errors']>;
}

/**
 * Registers a location over HTTP, expecting 201, and answers the registration.
 * @example const { location, errors } = await registerLocation(pave.url, 'file', '/tmp/x/catalog-info.yaml');
 */
export async function registerLocation(base: string, type: string, target: string): Promise<RegisteredLocation> {
  return json<RegisteredLocation>(await call(base, '/api/catalog/locations', { body: { type, target } }), 201);
}

/** Removes a location over HTTP, expecting 204. */
export async function removeLocation(base: string, id: string): Promise<void> {
  expect((await fetch(`${base}/api/catalog/locations/${id}`, { method: 'DELETE' })).status).toBe(204);
}

/** Temporary folders (real paths, symlinks resolved) removed by `cleanup()`. */
export class TempDirs {
  readonly #dirs: string[] = [];

  make(prefix = 'pave-api-'): string {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
    this.#dirs.push(dir);
    return dir;
  }

  cleanup(): void {
    for (const dir of this.#dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes files (paths relative to `root`), creating folders as needed. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** Runs the git CLI in a folder, hardened as Pave runs it, with a fixed identity (synchronously, for set-up code). */
export function git(cwd: string, ...args: string[]): string {
  const identity = { GIT_AUTHOR_NAME: 'Pave Test', GIT_AUTHOR_EMAIL: 'test@pave.invalid', GIT_COMMITTER_NAME: 'Pave Test', GIT_COMMITTER_EMAIL: 'test@pave.invalid' };
  const command = hardenedCommand(args, { env: identity });
  return execFileSync('git', command.args, { cwd, encoding: 'utf8', env: command.env });
}

/** Creates a git repository on branch `main` with the files committed; returns its folder. */
export function makeRepo(dir: string, files: Record<string, string>): string {
  git(dir, 'init', '--quiet', '--initial-branch=main');
  writeFiles(dir, files);
  commitAll(dir, 'initial');
  return dir;
}

export function commitAll(dir: string, message: string): void {
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '--allow-empty', '-m', message);
}

/** A minimal valid entity as YAML. */
export function entityYaml(kind: string, name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): string {
  const specLines = Object.entries(spec).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
  const metaLines = Object.entries(metadata).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
  return [
    'apiVersion: backstage.io/v1alpha1',
    `kind: ${kind}`,
    'metadata:',
    `  name: ${name}`,
    ...metaLines,
    ...(specLines.length ? ['spec:', ...specLines] : []),
    '',
  ].join('\n');
}

export function component(name: string, extra: { owner?: string; description?: string; system?: string; dependsOn?: string[] } = {}): string {
  return entityYaml(
    'Component',
    name,
    { type: 'service', lifecycle: 'production', owner: extra.owner ?? 'team-a', ...(extra.system ? { system: extra.system } : {}), ...(extra.dependsOn ? { dependsOn: extra.dependsOn } : {}) },
    extra.description ? { description: extra.description } : {},
  );
}
