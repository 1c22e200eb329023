import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { badRequest, isPaveError, unauthorized } from '../core/problem.js';
import type { TokenRecord } from '../auth/token-service.js';
import { PaveClient } from '../client/pave-client.js';
import { httpTransport } from '../client/http-transport.js';
import type { Output } from './output.js';
import { table } from './output.js';
import { withClient, type GlobalOptions } from './context.js';
import { credentialsPath, readCredentials, serverUrl, writeCredentials } from './credentials.js';

/**
 * `pave auth …`: API tokens, rules and explanations, through the API: on a server as the signed-in
 * caller (its rules apply), on the local store as the local operator (who holds the database, so rules
 * do not limit it; audit entries name it `cli:<os user>`).
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
      await withClient(globals(), async client => {
        const { token: secret, ...record } = await client.auth.createToken({
          name: options.name,
          kind: options.service ? 'service' : 'personal',
          ...(options.user ? { user: options.user } : {}),
          ...(options.service ? { service: options.service, groups: options.group ?? [] } : {}),
          ...(options.scope ? { scopes: options.scope } : {}),
          ...(options.expiresIn !== undefined ? { expiresInDays: Number(options.expiresIn) } : {}),
        });
        out.result({ token: secret, ...record }, () =>
          [`${secret}`, `token ${record.id} for ${record.principal}, scopes ${record.scopes.join(', ')}, expires ${record.expiresAt}`, 'The secret is shown only now: keep it somewhere safe.'].join('\n'),
        );
      });
    });

  token
    .command('list')
    .description("list API tokens, never their secrets: everyone's for admins, else your own")
    .option('--principal <ref>', 'only the tokens of this user or service')
    .action(async (options: { principal?: string }) => {
      const out = output();
      await withClient(globals(), async client => {
        const all = !options.principal && (await client.auth.me()).roles.includes('admin');
        const items = await client.auth.tokens({ all, ...(options.principal ? { principal: options.principal } : {}) });
        out.result({ items }, () => (items.length ? tokenTable(items) : 'no tokens'));
      });
    });

  token
    .command('revoke')
    .description('revoke an API token at once')
    .argument('<id>', 'token id (see pave auth token list)')
    .action(async (id: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const record = await client.auth.revokeToken(id);
        out.result(record, () => `revoked token ${record.id} (${record.name}) of ${record.principal}`);
      });
    });

  auth
    .command('explain')
    .description('say whether a user may do an action (on an entity) and which rule decides')
    .argument('<user>', 'user ref, e.g. user:default/jane or jane')
    .argument('<action>', 'action, e.g. catalog.entity.write')
    .argument('[ref]', 'entity ref, e.g. component:default/payments-api')
    .option('--input <json>', 'what the action asks for, for rules with input conditions, e.g. \'{"templateRef":"template:default/docs-site"}\'')
    .action(async (user: string, action: string, ref: string | undefined, options: { input?: string }) => {
      const out = output();
      const input = options.input === undefined ? undefined : parseJsonOption('--input', options.input);
      await withClient(globals(), async client => {
        const explanation = await client.auth.explain({ user, action, ...(ref ? { resourceRef: ref } : {}), ...(input !== undefined ? { input } : {}) });
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
      await withClient(globals(), async client => {
        const items = await client.auth.rules();
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

/**
 * `pave login <server>`: checks an API token against the server and keeps it in
 * ~/.config/pave/credentials; later commands then go to that server (see context.ts).
 */
export function loginCommand(output: () => Output): Command {
  return new Command('login')
    .description('sign the CLI in to a Pave server with an API token (kept in ~/.config/pave/credentials); later commands use that server')
    .argument('[server]', 'the server, e.g. https://pave.example.com')
    .option('--url <server>', 'the server (same as the argument)')
    .option('--token <token>', 'an API token (else PAVE_TOKEN, else read from standard input)')
    .action(async (argument: string | undefined, options: { url?: string; token?: string }) => {
      const out = output();
      const given = argument ?? options.url ?? process.env.PAVE_SERVER;
      if (!given) throw badRequest('Say which server to sign in to: pave login https://pave.example.com');
      const server = serverUrl(given);
      const secret = (options.token ?? (process.env.PAVE_TOKEN || (await readToken(server)))).trim();
      if (!secret) throw badRequest('No token given: create one in the portal or with `pave auth token create`, then pass --token');
      const me = await new PaveClient(httpTransport(server, secret)).auth.me().catch((error: unknown) => {
        if (isPaveError(error) && (error.status === 401 || error.status === 403)) throw unauthorized(`${server} refused the token: ${error.problem.detail ?? error.problem.title}`);
        throw error;
      });
      const credentials = readCredentials();
      credentials.servers[server] = { token: secret, principal: me.principal, savedAt: new Date().toISOString() };
      credentials.current = server;
      writeCredentials(credentials);
      out.result({ server, principal: me.principal, groups: me.groups, credentials: credentialsPath() }, () => `signed in to ${server} as ${me.principal}; token kept in ${credentialsPath()}`);
    });
}

/** `pave logout [server]`: forgets the stored token for a server (default: the current one); commands go to the local store again. */
export function logoutCommand(output: () => Output): Command {
  return new Command('logout')
    .description('forget the token kept for a server')
    .argument('[server]', 'the server (default: the last one signed in to)')
    .option('--url <server>', 'the server (same as the argument)')
    .action(async (argument: string | undefined, options: { url?: string }) => {
      const out = output();
      const credentials = readCredentials();
      const given = argument ?? options.url;
      const server = given ? serverUrl(given) : credentials.current;
      const known = server !== undefined && server in credentials.servers;
      if (server) delete credentials.servers[server];
      if (credentials.current === server) delete credentials.current;
      writeCredentials(credentials);
      out.result({ server: server ?? null, removed: known }, () => (known ? `signed out of ${server}` : 'no stored token to forget'));
    });
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

/** A flag holding JSON; a bad request naming the flag when it does not parse. */
function parseJsonOption(flag: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`${flag} must be JSON: ${(error as Error).message}`);
  }
}
