import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { badRequest, unauthorized } from '../core/problem.js';
import type { TokenRecord } from '../auth/token-service.js';
import type { Output } from './output.js';
import { table } from './output.js';
import { withApp, type GlobalOptions } from './context.js';

/** What the CLI says about itself in audit entries. */
const CLI_CONTEXT = { userAgent: 'pave-cli' };

/**
 * `pave auth …`: API tokens, rules and explanations, run against the configured store as the local
 * operator (who holds the database, so rules do not limit it; audit entries name it `cli:<os user>`).
 */
export function authCommands(output: () => Output, globals: () => GlobalOptions): Command {
  const auth = new Command('auth').description('identity, API tokens and permissions');
  const token = auth.command('token').description('API tokens (personal and service)');

  token
    .command('create')
    .description('create an API token; the secret is printed once')
    .requiredOption('--name <name>', 'what the token is for, e.g. "ci" or "laptop"')
    .option('--user <ref>', 'personal token acting as this user, e.g. user:default/jane')
    .option('--service <name>', 'service token acting as service:<name>')
    .option('--group <ref...>', 'groups a service token acts for')
    .option('--scope <glob...>', "action globs the token may be used for (default '*')")
    .option('--expires-in <days>', 'lifetime in days (default 90)')
    .action(async (options: { name: string; user?: string; service?: string; group?: string[]; scope?: string[]; expiresIn?: string }) => {
      const out = output();
      if (Boolean(options.user) === Boolean(options.service)) throw badRequest('Say who the token acts as: --user <ref> or --service <name>');
      await withApp(globals(), async app => {
        const { token: secret, record } = await app.auth.tokens.create(
          app.auth.localOperator(),
          {
            name: options.name,
            kind: options.service ? 'service' : 'personal',
            ...(options.user ? { user: options.user } : {}),
            ...(options.service ? { service: options.service, groups: options.group ?? [] } : {}),
            ...(options.scope ? { scopes: options.scope } : {}),
            ...(options.expiresIn !== undefined ? { expiresInDays: Number(options.expiresIn) } : {}),
          },
          CLI_CONTEXT,
        );
        out.result({ token: secret, ...record }, () =>
          [`${secret}`, `token ${record.id} for ${record.principal}, scopes ${record.scopes.join(', ')}, expires ${record.expiresAt}`, 'The secret is shown only now: keep it somewhere safe.'].join('\n'),
        );
      });
    });

  token
    .command('list')
    .description('list API tokens (never their secrets)')
    .option('--principal <ref>', 'only the tokens of this user or service')
    .action(async (options: { principal?: string }) => {
      const out = output();
      await withApp(globals(), async app => {
        const items = await app.auth.tokens.list(app.auth.localOperator(), { all: true, ...(options.principal ? { principal: options.principal } : {}) });
        out.result({ items }, () => (items.length ? tokenTable(items) : 'no tokens'));
      });
    });

  token
    .command('revoke')
    .description('revoke an API token at once')
    .argument('<id>', 'token id (see pave auth token list)')
    .action(async (id: string) => {
      const out = output();
      await withApp(globals(), async app => {
        const record = await app.auth.tokens.revoke(app.auth.localOperator(), id, CLI_CONTEXT);
        out.result(record, () => `revoked token ${record.id} (${record.name}) of ${record.principal}`);
      });
    });

  auth
    .command('explain')
    .description('say whether a user may do an action (on an entity) and which rule decides')
    .argument('<user>', 'user ref, e.g. user:default/jane or jane')
    .argument('<action>', 'action, e.g. catalog.entity.write')
    .argument('[ref]', 'entity ref, e.g. component:default/payments-api')
    .action(async (user: string, action: string, ref: string | undefined) => {
      const out = output();
      await withApp(globals(), async app => {
        const explanation = await app.auth.permissions.explain(user, action, ref);
        out.result(explanation, () =>
          [
            `${explanation.allowed ? 'ALLOWED' : 'DENIED'}: ${explanation.reason}`,
            `  ${explanation.identity.principal} — groups: ${explanation.identity.groups.join(', ') || '(none)'}; roles: ${explanation.identity.roles.join(', ')}`,
            ...(explanation.matched.length > 1 ? [`  matching rules: ${explanation.matched.map(m => `${m.id} (${m.effect})`).join(', ')}`] : []),
          ].join('\n'),
        );
      });
    });

  auth
    .command('rules')
    .description('list every rule in force (default policy, configuration, stored)')
    .action(async () => {
      const out = output();
      await withApp(globals(), async app => {
        const items = await app.auth.permissions.rules();
        out.result({ items }, () =>
          table(
            ['ID', 'EFFECT', 'SOURCE', 'ACTIONS', 'SUBJECTS'],
            items.map(r => [r.id, r.effect, r.source, r.actions.join(' '), r.subjects.join(' ')]),
          ),
        );
      });
    });

  return auth;
}

/** `pave login --url <server>`: checks a token against the server and keeps it in ~/.config/pave/credentials. */
export function loginCommand(output: () => Output): Command {
  return new Command('login')
    .description('sign the CLI in to a Pave server with an API token (kept in ~/.config/pave/credentials)')
    .requiredOption('--url <server>', 'the server, e.g. https://pave.example.com')
    .option('--token <token>', 'an API token (else PAVE_TOKEN, else read from standard input)')
    .action(async (options: { url: string; token?: string }) => {
      const out = output();
      const server = serverUrl(options.url);
      const secret = (options.token ?? process.env.PAVE_TOKEN ?? (await readToken(server))).trim();
      if (!secret) throw badRequest('No token given: create one in the portal or with `pave auth token create`, then pass --token');
      const me = await whoAmI(server, secret);
      const credentials = readCredentials();
      credentials.servers[server] = { token: secret, principal: me.principal, savedAt: new Date().toISOString() };
      credentials.current = server;
      writeCredentials(credentials);
      out.result({ server, principal: me.principal, groups: me.groups, credentials: credentialsPath() }, () => `signed in to ${server} as ${me.principal}; token kept in ${credentialsPath()}`);
    });
}

/** `pave logout --url <server>`: forgets the stored token for a server. */
export function logoutCommand(output: () => Output): Command {
  return new Command('logout')
    .description('forget the token kept for a server')
    .option('--url <server>', 'the server (default: the last one signed in to)')
    .action(async (options: { url?: string }) => {
      const out = output();
      const credentials = readCredentials();
      const server = options.url ? serverUrl(options.url) : credentials.current;
      const known = server !== undefined && server in credentials.servers;
      if (server) delete credentials.servers[server];
      if (credentials.current === server) delete credentials.current;
      writeCredentials(credentials);
      out.result({ server: server ?? null, removed: known }, () => (known ? `signed out of ${server}` : 'no stored token to forget'));
    });
}

/** What ~/.config/pave/credentials holds (JSON, readable by its owner only). */
export interface StoredCredentials {
  current?: string;
  servers: Record<string, { token: string; principal: string; savedAt: string }>;
}

/** `$XDG_CONFIG_HOME/pave/credentials`, else `~/.config/pave/credentials`. */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'pave', 'credentials');
}

export function readCredentials(path = credentialsPath()): StoredCredentials {
  if (!existsSync(path)) return { servers: {} };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoredCredentials>;
    return { ...parsed, servers: parsed.servers ?? {} };
  } catch (error) {
    throw badRequest(`Could not read ${path}: ${(error as Error).message}`);
  }
}

function writeCredentials(credentials: StoredCredentials, path = credentialsPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
}

function serverUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest(`${url} is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw badRequest(`${url} must be an http(s) URL`);
  return parsed.origin;
}

async function whoAmI(server: string, token: string): Promise<{ principal: string; groups: string[] }> {
  let response: Response;
  try {
    response = await fetch(`${server}/api/auth/me`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  } catch (error) {
    throw badRequest(`Could not reach ${server}: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => ({}))) as { principal?: string; groups?: string[]; detail?: string };
  if (!response.ok || !body.principal) throw unauthorized(`${server} refused the token: ${body.detail ?? `HTTP ${response.status}`}`);
  return { principal: body.principal, groups: body.groups ?? [] };
}

async function readToken(server: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(`Create a token in the portal at ${server} (or with pave auth token create), then paste it: `);
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

function tokenTable(items: TokenRecord[]): string {
  return table(
    ['ID', 'NAME', 'PRINCIPAL', 'STATE', 'SCOPES', 'EXPIRES', 'LAST USED'],
    items.map(t => [t.id, t.name, t.principal, t.state, t.scopes.join(' '), t.expiresAt.slice(0, 10), t.lastUsedAt?.slice(0, 16) ?? '-']),
  );
}
