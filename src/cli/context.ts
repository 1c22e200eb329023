import { loadConfig } from '../pave-config.js';
import { isPaveError, unauthorized } from '../core/problem.js';
import { PaveClient } from '../client/pave-client.js';
import { httpTransport } from '../client/http-transport.js';
import { readCredentials, serverUrl } from './credentials.js';

export interface GlobalOptions {
  json: boolean;
  config?: string;
  /** The Pave server to talk to (else PAVE_SERVER, else the one last signed in to, else the local store). */
  server?: string;
  /** Work on the configured store in this process even when signed in to a server. */
  local?: boolean;
  /** The module whose command runs: on the local store only it (and what it requires) is built. Default: every module. */
  module?: string;
}

/** Where a command's requests go: a Pave server (with the token to present), or the configured store in this process. */
type Target = { kind: 'server'; server: string; token?: string } | { kind: 'local' };

/** Background work a command needs when it runs on the local store (a server runs its own). */
export interface LocalWork {
  /** Run golden-path tasks (`pave template run`). */
  tasks?: boolean;
  /** Reconcile platform requests (`pave request … --wait`). */
  reconciler?: boolean;
}

/** `--local`, else `--server`, else PAVE_SERVER, else the server last signed in to (`pave login`), else local. */
export function chooseTarget(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Target {
  if (globals.local) return { kind: 'local' };
  const credentials = readCredentials();
  const named = globals.server || env.PAVE_SERVER;
  const server = named ? serverUrl(named) : credentials.current;
  if (!server) return { kind: 'local' };
  const token = env.PAVE_TOKEN || credentials.servers[server]?.token;
  return { kind: 'server', server, ...(token ? { token } : {}) };
}

/**
 * Runs one command's work with a client of Pave's API. Against a server, the client speaks HTTP with
 * the stored token, so the server's rules apply. Locally, the configured store is opened in this
 * process with its API server, and the same client reaches it through `inject` (no socket) as the
 * local operator — whose secret exists only in this process's memory — so its changes are audited as that
 * operator's. Always closes what it opened.
 */
export async function withClient<T>(globals: GlobalOptions, work: (client: PaveClient) => Promise<T>, needs: LocalWork = {}): Promise<T> {
  const target = chooseTarget(globals);
  if (target.kind === 'server') return withServer(target.server, target.token, work);
  const config = loadConfig({ file: globals.config });
  // The app and its server load only for the local store: a command against a server starts without them.
  const [{ createApp }, { createServer }, { injectTransport }, { createLogger }] = await Promise.all([import('../app.js'), import('../api/server.js'), import('../client/inject-transport.js'), import('../core/logger.js')]);
  const app = await createApp(config, {
    logger: createLogger('silent'),
    ...(globals.module ? { modules: [globals.module] } : {}),
    workers: [...(needs.tasks ? ['templates.tasks'] : []), ...(needs.reconciler ? ['platform.reconciler'] : [])],
  });
  try {
    const server = await createServer(app, { inProcess: true });
    try {
      const result = await work(new PaveClient(injectTransport(server, app.auth.localOperatorBearer())));
      // The event log's readers (the catalog mirror, webhooks) catch up with what the command changed before the
      // process ends; one that fails keeps its place and is retried by the next process that runs them.
      await app.eventConsumers.drain().catch((error: unknown) => process.stderr.write(`warning: ${(error as Error).message}; it is retried later\n`));
      return result;
    } finally {
      await server.close();
    }
  } finally {
    await app.close();
  }
}

async function withServer<T>(server: string, token: string | undefined, work: (client: PaveClient) => Promise<T>): Promise<T> {
  if (!token) throw unauthorized(`Not signed in to ${server}: sign in with pave login ${server} (or set PAVE_TOKEN)`);
  try {
    return await work(new PaveClient(httpTransport(server, token)));
  } catch (error) {
    if (isPaveError(error) && error.status === 401) {
      throw unauthorized(`${server} refused the token (${error.problem.detail ?? error.problem.title}): sign in again with pave login ${server}`);
    }
    throw error;
  }
}
