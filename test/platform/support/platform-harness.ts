import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig, type PaveConfig } from '../../../src/pave-config.js';
import type { PlatformConfig } from '../../../src/platform/platform-config.js';
import { createLogger } from '../../../src/core/logger.js';
import { runGit } from '../../../src/git/run-git.js';
import { createApp, type PaveApp } from '../../../src/app.js';
import { ensureBareRepository } from '../../../src/git/bare-repository.js';
import { readDocuments } from '../../../src/platform/document-files.js';
import type { RequestView } from '../../../src/platform/platform-service.js';
import type { ChangeAuthor } from '../../../src/store/audit-log.js';

export const DEMO_PLATFORM = fileURLToPath(new URL('../../../demo/platform/', import.meta.url));

/** Who the tests' direct service calls are audited as (routes pass the caller). */
export const OPERATOR: ChangeAuthor = { actor: 'cli:platform-tests' };

/** Platform settings that make tests quick: short polls, short backoff. */
export const FAST_PLATFORM: Partial<PlatformConfig> = {
  pollIntervalMs: 25,
  retryBaseSeconds: 0.2,
  retryMaxSeconds: 1,
  dependencyRetrySeconds: 0.3,
  leaseSeconds: 20,
  workers: 2,
};

/**
 * The teams whose namespaces these tests make requests in. Each is a Group in the catalog, which is what
 * makes it the owner of its namespace (a namespace without an owning team takes no requests).
 */
export const TEAMS = ['checkout-team', 'storefront-team', 'load-team', 'team-a', 'loop-team', 'escape-team'];

export interface Harness {
  app: PaveApp;
  dataDir: string;
  /** Bare repositories (folders) of the destinations, by name. */
  repos: Record<'dev' | 'prod', string>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * A Pave app over a fresh SQLite file (or the PostgreSQL schema given) with the {@link TEAMS} as Groups,
 * two local bare repositories as destinations `dev` (cleanup delete) and `prod` (retain), and the demo
 * capabilities published.
 */
export async function startHarness(options: { databaseUrl?: string; databaseSchema?: string; platform?: Partial<PlatformConfig>; dataDir?: string; publish?: boolean } = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'pave-platform-')));
  const config: PaveConfig = {
    ...defaultConfig(),
    dataDir,
    logLevel: 'silent',
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl, databaseSchema: options.databaseSchema } : {}),
    platform: { ...defaultConfig().platform, ...FAST_PLATFORM, ...options.platform },
  };
  const app = await createApp(config, { logger: createLogger('silent') });
  for (const team of TEAMS) await app.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: team }, spec: { type: 'team', children: [] } });
  const repos = { dev: join(dataDir, 'repos', 'dev.git'), prod: join(dataDir, 'repos', 'prod.git') };
  if (options.publish !== false) {
    for (const [name, dir] of Object.entries(repos)) {
      const url = await ensureBareRepository(dir, 'main');
      await app.platform.applyDestination({
        apiVersion: 'pave.dev/v1alpha1',
        kind: 'Destination',
        metadata: { name, labels: { env: name } },
        spec: { git: { url, branch: 'main', path: `clusters/${name}` }, cleanupPolicy: name === 'prod' ? 'retain' : 'delete' },
      }, OPERATOR);
    }
    for (const file of ['team-namespace', 'postgresql', 'redis', 'environment']) {
      for (const document of await readDocuments(join(DEMO_PLATFORM, 'capabilities', `${file}.yaml`))) await app.platform.publishCapability(document, OPERATOR);
    }
  }
  return {
    app,
    dataDir,
    repos,
    async close(closeOptions = {}) {
      await app.close();
      if (!closeOptions.keepData && !options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls a request until `until` holds; fails with the last status seen. */
export async function waitForRequest(app: PaveApp, namespace: string, name: string, until: (view: RequestView) => boolean, timeoutMs = 60_000): Promise<RequestView> {
  const deadline = Date.now() + timeoutMs;
  let last: RequestView | undefined;
  while (Date.now() < deadline) {
    last = (await app.platform.listRequests({ namespace })).find(v => v.metadata.name === name);
    if (last && until(last)) return last;
    await new Promise(resolve => setTimeout(resolve, 30));
  }
  throw new Error(`timed out waiting for ${namespace}/${name}; last status: ${JSON.stringify(last?.status, null, 2)}`);
}

export async function waitForGone(app: PaveApp, namespace: string, name: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await app.platform.listRequests({ namespace })).some(v => v.metadata.name === name)) return;
    await new Promise(resolve => setTimeout(resolve, 30));
  }
  const view = await app.platform.getRequest(namespace, name);
  throw new Error(`timed out waiting for ${namespace}/${name} to go; status: ${JSON.stringify(view.status, null, 2)}`);
}

export const isReady = (view: RequestView) => view.status.phase === 'Ready' && view.status.observedGeneration === view.metadata.generation;

/** Files under a folder on a bare repository's branch: path → content (read by one `git cat-file --batch`). */
export async function repoFiles(bare: string, folder: string, branch = 'main'): Promise<Map<string, string>> {
  const listed = (await runGit(['--git-dir', bare, 'ls-tree', '-r', '-z', branch, '--', folder])).stdout
    .split('\0')
    .filter(Boolean)
    .map(line => ({ blob: line.split('\t')[0]!.split(' ')[2]!, path: line.slice(line.indexOf('\t') + 1) }));
  const files = new Map<string, string>();
  if (!listed.length) return files;
  const out = (await runGit(['--git-dir', bare, 'cat-file', '--batch'], { input: listed.map(f => f.blob).join('\n') + '\n', encoding: 'buffer', maxOutputBytes: 256 * 1024 * 1024 })).stdout;
  let at = 0;
  for (const { path } of listed) {
    // Each answer: "<sha> blob <size>\n<content>\n".
    const header = out.indexOf(0x0a, at);
    const size = Number(out.subarray(at, header).toString().split(' ')[2]);
    files.set(path, out.subarray(header + 1, header + 1 + size).toString('utf8'));
    at = header + 1 + size + 1;
  }
  return files;
}

export interface CommitInfo {
  sha: string;
  subject: string;
  /** The Pave trailers (of a commit carrying several deliveries, the last one's, with Pave-Reconciler). */
  trailers: Record<string, string>;
  /** The trailers of each delivery the commit carries (each group starts at its Pave-Run). */
  deliveries: Array<Record<string, string>>;
  files: string[];
}

/** Every commit of a branch, oldest first, with its Pave trailers and the files it touched. */
export async function repoCommits(bare: string, branch = 'main'): Promise<CommitInfo[]> {
  const out = (await runGit(['--git-dir', bare, 'log', '--reverse', '--format=%x1e%H%x1f%B%x1f', '--name-only', branch])).stdout;
  return out
    .split('\x1e')
    .filter(chunk => chunk.trim())
    .map(chunk => {
      const [sha, body, names] = chunk.split('\x1f');
      const lines = (body ?? '').trim().split('\n');
      const trailers: Record<string, string> = {};
      const deliveries: Array<Record<string, string>> = [];
      for (const line of lines) {
        const match = /^(Pave-[A-Za-z]+): (.*)$/.exec(line);
        if (!match) continue;
        trailers[match[1]!] = match[2]!;
        if (match[1] === 'Pave-Run') deliveries.push({});
        if (deliveries.length) deliveries.at(-1)![match[1]!] = match[2]!;
      }
      return { sha: sha!.trim(), subject: lines[0] ?? '', trailers, deliveries, files: (names ?? '').split('\n').map(s => s.trim()).filter(Boolean) };
    });
}

/** Makes a bare repository refuse pushes while `flag` exists (a pre-receive hook). */
export async function refusePushesWhile(bare: string, flag: string): Promise<void> {
  const hook = join(bare, 'hooks', 'pre-receive');
  // Pave's bare repositories get no template folder, so no hooks folder either.
  await mkdir(dirname(hook), { recursive: true });
  await writeFile(hook, `#!/bin/sh\nif [ -e "${flag}" ]; then echo "push refused: the remote is read-only for maintenance" >&2; exit 1; fi\nexit 0\n`);
  await chmod(hook, 0o755);
}
