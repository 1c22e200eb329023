/**
 * Helpers for the golden-path suites: a Pave app on a fresh SQLite file, template folders written from
 * a file map (links included), waiting for tasks, inspecting bare repositories, a real git HTTP server
 * (git http-backend behind node:http), and example form values computed from a template's parameters.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultConfig, type PaveConfig } from '../../src/pave-config.js';
import { createLogger } from '../../src/core/logger.js';
import { runGit, spawnGit } from '../../src/git/run-git.js';
import { createApp, type PaveApp } from '../../src/app.js';
import type { TaskWorkerOptions } from '../../src/templates/tasks/task-worker.js';
import type { TaskView } from '../../src/templates/tasks/task-types.js';
import type { ParameterPage } from '../../src/templates/model/parameters.js';
import type { ChangeAuthor } from '../../src/store/audit-log.js';

/** Who the tests' direct service calls are audited as (routes pass the caller). */
export const TESTER: ChangeAuthor = { actor: 'user:default/template-tester' };

export interface TestApp {
  app: PaveApp;
  dataDir: string;
  close(): Promise<void>;
}

export function testConfig(dataDir: string): PaveConfig {
  return { ...defaultConfig(), dataDir, logLevel: 'silent', auth: { ...defaultConfig().auth, enabled: false } };
}

/** A Pave app (no HTTP) on a fresh SQLite file, `config` over the test configuration; the task worker runs (quickly) unless `taskWorker: false`. */
export async function openTestApp(options: { taskWorker?: boolean | TaskWorkerOptions; dataDir?: string; config?: Partial<PaveConfig>; cwd?: string } = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'pave-tpl-')));
  const worker = options.taskWorker ?? { pollMs: 50, watchMs: 100 };
  const app = await createApp({ ...testConfig(dataDir), ...options.config }, { logger: createLogger('silent'), ...(options.cwd ? { cwd: options.cwd } : {}), ...(worker ? { taskWorker: worker === true ? {} : worker, workers: ['templates.tasks'] } : {}) });
  return {
    app,
    dataDir,
    async close() {
      await app.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A file's content, or a symbolic link to create. */
export type TreeEntry = string | { link: string } | { content: string; executable: boolean };

/** Writes files (and links) under a folder. */
export async function writeTree(root: string, files: Record<string, TreeEntry>): Promise<void> {
  for (const [path, entry] of Object.entries(files)) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    if (typeof entry === 'string') await writeFile(target, entry);
    else if ('link' in entry) await symlink(entry.link, target);
    else await writeFile(target, entry.content, { mode: entry.executable ? 0o755 : 0o644 });
  }
}

/** Registers a template file (and so its folder) as a catalog location; returns the template's ref. */
export async function registerTemplate(app: PaveApp, file: string): Promise<string> {
  const result = await app.catalog.locations.register({ type: 'file', target: file });
  const template = result.entities.find(e => e.kind === 'Template');
  if (!template) throw new Error(`no template in ${file}: ${JSON.stringify(result.errors)}`);
  return `template:${template.metadata.namespace ?? 'default'}/${template.metadata.name}`;
}

export async function waitForTask(app: PaveApp, id: string, timeoutMs = 60_000): Promise<TaskView> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const task = await app.templates.getTask(id);
    if (['completed', 'failed', 'cancelled'].includes(task.status)) return task;
    if (Date.now() > until) throw new Error(`task ${id} still ${task.status} after ${timeoutMs} ms`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/** Commit hashes of a branch in a (bare) repository, newest first; [] when it has none. */
export async function commitsOf(repo: string, branch = 'main'): Promise<string[]> {
  try {
    return (await runGit(['--git-dir', repo, 'log', '--format=%H', branch])).stdout.trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

export async function filesOf(repo: string, branch = 'main'): Promise<string[]> {
  return (await runGit(['--git-dir', repo, 'ls-tree', '-r', '--name-only', branch])).stdout.trim().split('\n').filter(Boolean).sort();
}

export async function fileAt(repo: string, path: string, branch = 'main'): Promise<string> {
  return (await runGit(['--git-dir', repo, 'show', `${branch}:${path}`])).stdout;
}

export interface GitHttpServer {
  url: string;
  /** Pushes received (POST …/git-receive-pack), by repository path. */
  pushes: Map<string, number>;
  /** Fetches and clones begun (GET …/info/refs?service=git-upload-pack, `ls-remote` too), by repository path. */
  fetches: Map<string, number>;
  /** Objects served: upload-pack requests that asked for commits (a clone or fetch, not `ls-remote`), by repository path. */
  packs: Map<string, number>;
  /** Authorization headers seen, to check tokens arrive. */
  authorizations: string[];
  close(): Promise<void>;
}

/**
 * A real git smart-HTTP server: `git http-backend` (CGI) behind node:http, serving the bare repositories
 * under `root`. With `token`, requests must carry it (Basic auth, any user) or get 401.
 */
export async function startGitHttpServer(root: string, options: { token?: string } = {}): Promise<GitHttpServer> {
  const pushes = new Map<string, number>();
  const fetches = new Map<string, number>();
  const packs = new Map<string, number>();
  const authorizations: string[] = [];
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const auth = request.headers.authorization ?? '';
    if (auth) authorizations.push(auth);
    if (options.token) {
      const given = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString().split(':').slice(1).join(':') : '';
      if (given !== options.token) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
        response.end();
        return;
      }
    }
    if (request.method === 'POST' && url.pathname.endsWith('/git-receive-pack')) {
      const repo = url.pathname.slice(0, -'/git-receive-pack'.length);
      pushes.set(repo, (pushes.get(repo) ?? 0) + 1);
    }
    if (request.method === 'GET' && url.pathname.endsWith('/info/refs') && url.searchParams.get('service') === 'git-upload-pack') {
      const repo = url.pathname.slice(0, -'/info/refs'.length);
      fetches.set(repo, (fetches.get(repo) ?? 0) + 1);
    }
    if (request.method === 'POST' && url.pathname.endsWith('/git-upload-pack')) {
      // Read beside the pipe to git: protocol v2 says `command=fetch`, v0 starts with `want` lines.
      const repo = url.pathname.slice(0, -'/git-upload-pack'.length);
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('latin1');
        if (/command=fetch|^[0-9a-f]{4}want /m.test(text)) packs.set(repo, (packs.get(repo) ?? 0) + 1);
      });
    }
    serveGitHttp(root, request, response);
  };
  const server = createServer(handle);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pushes,
    fetches,
    packs,
    authorizations,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

/** Answers one git smart-HTTP request with `git http-backend` over the bare repositories under `root` (pushes included). */
export function serveGitHttp(root: string, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const child = spawnGit(['http-backend'], {
    inheritEnv: false,
    env: {
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REMOTE_USER: 'pave-test',
      REMOTE_ADDR: '127.0.0.1',
      REQUEST_METHOD: request.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      ...(request.headers['content-length'] ? { CONTENT_LENGTH: request.headers['content-length'] } : {}),
      ...(request.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: request.headers['content-encoding'] } : {}),
      ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
    },
  });
  request.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) return void response.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString().split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    response.writeHead(status, headers);
    response.write(head.subarray(end + 4));
  });
  child.on('close', () => response.end());
}

const PATTERN_CANDIDATES = ['my-service', 'team1', '1.0.0', 'example', 'a1'];

/**
 * Example form values for a template: defaults, first enum values, pickers filled with refs of the kind
 * they filter on, RepoUrlPicker with an allowed host; text fields get a value matching their pattern.
 */
export function exampleValues(pages: readonly ParameterPage[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const page of pages) {
    const properties = (page.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, schema] of Object.entries(properties)) values[name] = exampleValue(name, schema);
  }
  return values;
}

function exampleValue(name: string, schema: Record<string, unknown>): unknown {
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const field = schema['ui:field'];
  const options = (schema['ui:options'] ?? {}) as Record<string, unknown>;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'boolean') return false;
  if (type === 'integer' || type === 'number') return typeof schema.minimum === 'number' ? schema.minimum : 1;
  if (type === 'array') {
    const items = (schema.items ?? {}) as Record<string, unknown>;
    return Array.isArray(items.enum) ? [items.enum[0]] : field === 'EntityTagsPicker' ? ['example'] : [];
  }
  if (type === 'object') return {};
  if (field === 'RepoUrlPicker') {
    const hosts = (options.allowedHosts as string[] | undefined) ?? ['github.com'];
    return `${hosts[0]}?owner=acme&repo=my-service`;
  }
  if (typeof field === 'string' && /Picker$/.test(field) && field !== 'EntityNamePicker' && field !== 'IdentifierPicker' && field !== 'EntityTagsPicker') {
    const filter = options.catalogFilter;
    const first = (Array.isArray(filter) ? filter[0] : filter) as { kind?: string | string[] } | undefined;
    const allowed = options.allowedKinds as string[] | undefined;
    const kind = (Array.isArray(first?.kind) ? first?.kind[0] : first?.kind) ?? allowed?.[0] ?? (/owner/i.test(name) ? 'Group' : 'Component');
    return `${kind.toLowerCase()}:default/example`;
  }
  if (schema.format === 'email') return 'jo@example.com';
  if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com';
  if (typeof schema.pattern === 'string') {
    const pattern = new RegExp(schema.pattern);
    return PATTERN_CANDIDATES.find(c => pattern.test(c)) ?? 'example';
  }
  return /name|id$/i.test(name) ? 'my-service' : `example ${name}`;
}

/** Catalog entities matching what `exampleValues` puts in picker fields (so catalog:fetch finds them). */
export const EXAMPLE_CATALOG = ['Group', 'User', 'Domain', 'System', 'Resource', 'Component']
  .map(kind => {
    const spec: Record<string, string> = {
      Group: 'type: team\n  children: []',
      User: 'memberOf: []',
      Domain: 'owner: group:default/example',
      System: 'owner: group:default/example',
      Resource: 'type: environment\n  owner: group:default/example',
      Component: 'type: service\n  lifecycle: production\n  owner: group:default/example',
    };
    return `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: example\nspec:\n  ${spec[kind]}\n`;
  })
  .join('---\n');
