import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { stringifyEntityRef, tryParseEntityRef } from './entity-ref.js';
import { invalidInput, pointerSegment, type FieldError } from './problem.js';

/** Everything Pave can be configured with. Defaults make the embedded mode work with no file at all. */
export interface PaveConfig {
  /** Folder for the SQLite file, working copies and other local state. */
  dataDir: string;
  /** PostgreSQL URL; when set, replaces the SQLite file. */
  databaseUrl?: string;
  /** PostgreSQL schema, to run several Paves (or test runs) in one database. */
  databaseSchema?: string;
  host: string;
  port: number;
  /** Base URL people reach Pave at, used in links. */
  baseUrl: string;
  catalog: CatalogConfig;
  /** The platform API: reconciler timing, step limits and retries. */
  platform: PlatformConfig;
  /** Sign-in, API tokens, permission rules and the audit log. */
  auth: AuthConfig;
  /** Events out: webhooks and the message-bus publisher. */
  events: EventsConfig;
  /** The evaluator processes that render template expressions (golden paths, platform template steps). */
  expressions: ExpressionsConfig;
  /** Load the demo organisation on start. */
  demo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface CatalogConfig {
  /** Seconds between periodic refreshes of each location. */
  refreshIntervalSeconds: number;
  /** What happens to entities that left their location: deleted, or kept and marked orphaned. */
  orphanStrategy: 'delete' | 'keep';
  /** Folders that `file` locations may read; targets outside them are refused. Empty: any folder. */
  allowedRoots: string[];
  /** Largest YAML document accepted, in bytes. */
  maxDocumentBytes: number;
  /**
   * Largest file read from a location (entity files, placeholders' files, docs pages), in bytes; a larger
   * one is reported as a problem and skipped before any of it is parsed. Default 8 MiB.
   */
  maxFileBytes?: number;
}

export interface PlatformConfig {
  /** Seconds between periodic re-renders of a Ready request (drift repair), unless its capability says otherwise. */
  reconcileIntervalSeconds: number;
  /** Reconciles run at once in one process. */
  workers: number;
  /** Seconds a reconcile's claim lasts before another process may take it over (renewed while it runs). */
  leaseSeconds: number;
  /** Milliseconds between looks for due reconciles when idle. */
  pollIntervalMs: number;
  /** Default time limit of a module step, in seconds. */
  stepTimeoutSeconds: number;
  /** First retry delay after a failure, in seconds; doubled each time up to retryMaxSeconds. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** Seconds between checks while a request waits for its dependencies (or its dependents, when deleting). */
  dependencyRetrySeconds: number;
  /** Push attempts (fetch + rebase between them) before a delivery counts as failed. */
  pushAttempts: number;
  /**
   * How module steps are isolated: `bubblewrap` (namespaces: no network, no processes, only the step's
   * folder; module steps are refused where it cannot run) or `process` (Node's permission model only:
   * the network is not cut), chosen knowingly where bubblewrap is missing.
   */
  moduleSandbox: 'bubblewrap' | 'process';
  /** Memory limit of a module step's process, in MB. */
  moduleMemoryMb: number;
  /**
   * The team that owns a namespace's requests, where it is not the Group named like the namespace:
   * namespace → Group ref (`group:default/checkout-team`, or a bare group name).
   */
  namespaceOwners: Record<string, string>;
}

/** Events out: outgoing webhooks (subscriptions are data, managed by admins) and the NATS publisher. */
export interface EventsConfig {
  /**
   * Days an event is kept in the event log (the audit log is kept for good). Events a durable consumer has
   * not read yet are kept however old they are.
   */
  retentionDays: number;
  webhooks: WebhooksConfig;
  /** Publish every event to NATS; off while absent. */
  nats?: NatsConfig;
}

export interface WebhooksConfig {
  /**
   * Hosts webhooks may target although they are not public: host names (exact, e.g. `hooks.internal`),
   * addresses (`10.0.0.7`) or CIDRs (`10.0.0.0/8`, `fd00::/8`). Empty: public addresses only.
   */
  allowedHosts: string[];
  /** Seconds one delivery attempt may take (connect, send, answer). */
  timeoutSeconds: number;
  /** Attempts before a delivery is dead-lettered. */
  maxAttempts: number;
  /** First retry delay in seconds, doubled per attempt up to retryMaxSeconds. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** Subscriptions delivered to at once by one process (each subscription by one process at a time). */
  concurrency: number;
}

export interface NatsConfig {
  /** `nats://host:port` (PAVE_NATS_URL). */
  url: string;
  /** A JetStream stream to publish into with acknowledgements (created if missing, covering `<subjectPrefix>.>`); core publish when absent. */
  stream?: string;
  /** Subjects are `<subjectPrefix>.<event type>`. Default `pave`. */
  subjectPrefix: string;
}

/** A fresh copy of the events defaults: webhooks to public addresses only, no message bus. */
export function defaultEventsConfig(): EventsConfig {
  return { retentionDays: 30, webhooks: { allowedHosts: [], timeoutSeconds: 10, maxAttempts: 8, retryBaseSeconds: 5, retryMaxSeconds: 3600, concurrency: 32 } };
}

/**
 * The evaluator processes: every template expression the server renders runs in one of them,
 * so a template that exhausts memory or time ends that process, never the server.
 */
export interface ExpressionsConfig {
  /** Evaluator processes at most (started as needed). */
  poolSize: number;
  /** V8 heap cap of each evaluator process, in MiB. */
  heapMiB: number;
  /** How much longer than its time budget (1 s for inputs, 5 s for files) one evaluation may run before its process is killed, in ms. */
  deadlineMarginMs: number;
}

/**
 * One permission rule, as written in `auth.rules` or stored through the API. Policy is data: a rule
 * allows or denies actions (globs such as `catalog.entity.*`) to subjects, optionally only on some resources.
 */
export interface AuthRule {
  /** Unique among all rules, e.g. `platform-publishes`. */
  id: string;
  description: string;
  effect: 'allow' | 'deny';
  /** Action globs: `*` matches any run of characters, e.g. `catalog.entity.read`, `catalog.entity.*`, `*`. */
  actions: string[];
  /**
   * Who: `user:<namespace>/<name>`, `group:<namespace>/<name>` (members of child groups count),
   * `service:<name>` (a service token), or a role: `role:signed-in`, `role:owner`, `role:guest`, `role:admin`.
   */
  subjects: string[];
  /** Only resources with all of these (each list: any of its values). Absent: any resource, or none. */
  resource?: AuthRuleResource;
}

export interface AuthRuleResource {
  /** Entity kinds, case-insensitive, e.g. `Component`. */
  kinds?: string[];
  namespaces?: string[];
  /** Entity ref globs, e.g. `component:default/payments-*`. */
  refs?: string[];
  /** Owner refs (`group:default/checkout-team`); an owner's parent groups do not count. */
  owners?: string[];
}

export interface OidcConfig {
  /** The provider's issuer URL (its discovery document is at `/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  /** Absent for a public client (PKCE only). Prefer PAVE_OIDC_CLIENT_SECRET over the file. */
  clientSecret?: string;
  /** Scopes asked for; `openid` is always included. */
  scopes: string[];
  /** The claim that identifies the person, e.g. `email` or `preferred_username`. */
  userClaim: string;
  /** The User entity field the claim is matched to, e.g. `spec.profile.email` or `metadata.name`. */
  userField: string;
}

export interface AuthConfig {
  /** Production mode: every route needs a signed-in caller allowed by a rule. Off: everyone acts as an anonymous admin. */
  enabled: boolean;
  /** Offer a guest sign-in that acts as `guestUser` (for demos; a warning is logged while on). */
  guest: boolean;
  /** The User entity a guest acts as. */
  guestUser: string;
  /** Members of this group (and of its child groups) administer rules and other people's tokens. */
  adminGroup: string;
  /** Members of this group (and of its child groups) publish capabilities, templates and locations under the default policy. */
  platformGroup: string;
  /** Include Pave's built-in rules (see src/auth/default-policy.ts) besides `rules` and stored rules. */
  defaultPolicy: boolean;
  rules: AuthRule[];
  oidc?: OidcConfig;
  /** How long a portal session lasts, in hours. */
  sessionTtlHours: number;
  /** Longest allowed API token lifetime, in days; tokens without an expiry get this one. */
  tokenMaxTtlDays: number;
  /** Requests per minute to the routes that cost the server most; see {@link RateLimits}. */
  rateLimit: RateLimits;
}

/**
 * Requests per minute allowed to each group of costly routes, counted in the store (replicas share each
 * count). Sign-in and tokens count per client address; the others per signed-in principal (per address
 * for a caller nobody signed in as), so one person or script cannot starve everyone else.
 */
export interface RateLimits {
  signInPerMinute: number;
  tokensPerMinute: number;
  /** `GET /api/search`. */
  searchPerMinute: number;
  /** Golden-path dry runs. */
  dryRunsPerMinute: number;
  /** Golden-path tasks created. */
  tasksPerMinute: number;
  /** Platform dry-run renders. */
  rendersPerMinute: number;
  /** Location registrations and on-demand refreshes. */
  locationsPerMinute: number;
  /** Entity edits and deletions. */
  editsPerMinute: number;
}

/** Generous for people and well-behaved scripts, small enough that one caller cannot stall a server. */
export const DEFAULT_RATE_LIMITS: Readonly<RateLimits> = Object.freeze({
  signInPerMinute: 20,
  tokensPerMinute: 30,
  searchPerMinute: 300,
  dryRunsPerMinute: 30,
  tasksPerMinute: 30,
  rendersPerMinute: 60,
  locationsPerMinute: 30,
  editsPerMinute: 120,
});

/** A fresh copy of the auth defaults (production mode, no guest, no OIDC until configured). */
export function defaultAuthConfig(): AuthConfig {
  return {
    enabled: true,
    guest: false,
    guestUser: 'user:default/priya.raman',
    adminGroup: 'group:default/platform-team',
    platformGroup: 'group:default/platform-team',
    defaultPolicy: true,
    rules: [],
    sessionTtlHours: 12,
    tokenMaxTtlDays: 365,
    rateLimit: { ...DEFAULT_RATE_LIMITS },
  };
}

export const defaultConfig: PaveConfig = {
  dataDir: '.pave',
  host: '127.0.0.1',
  port: 7007,
  baseUrl: 'http://localhost:7007',
  catalog: { refreshIntervalSeconds: 300, orphanStrategy: 'delete', allowedRoots: [], maxDocumentBytes: 1024 * 1024, maxFileBytes: 8 * 1024 * 1024 },
  platform: {
    reconcileIntervalSeconds: 600,
    workers: 2,
    leaseSeconds: 60,
    pollIntervalMs: 500,
    stepTimeoutSeconds: 30,
    retryBaseSeconds: 2,
    retryMaxSeconds: 300,
    dependencyRetrySeconds: 10,
    pushAttempts: 10,
    moduleSandbox: 'bubblewrap',
    moduleMemoryMb: 256,
    namespaceOwners: {},
  },
  auth: defaultAuthConfig(),
  events: defaultEventsConfig(),
  expressions: { poolSize: 2, heapMiB: 256, deadlineMarginMs: 2000 },
  demo: false,
  logLevel: 'info',
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads `pave.config.yaml` (if present) and `PAVE_*` variables over the defaults, and reports every
 * mistake at once. Environment beats file; file beats default.
 * @example const config = loadConfig({ cwd: process.cwd(), env: process.env });
 */
export function loadConfig(options: { cwd?: string; env?: NodeJS.ProcessEnv; file?: string; overrides?: Partial<PaveConfig> } = {}): PaveConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const path = resolve(cwd, options.file ?? env.PAVE_CONFIG ?? 'pave.config.yaml');
  const fromFile = existsSync(path) ? readConfigFile(path) : {};
  const errors: FieldError[] = [];
  const file = fromFile as Partial<PaveConfig> & { catalog?: Partial<CatalogConfig>; auth?: Partial<AuthConfig> };

  const config: PaveConfig = {
    ...defaultConfig,
    ...file,
    catalog: { ...defaultConfig.catalog, ...file.catalog },
    platform: { ...defaultConfig.platform, ...(file as { platform?: Partial<PlatformConfig> }).platform },
    expressions: { ...defaultConfig.expressions, ...(file as { expressions?: Partial<ExpressionsConfig> }).expressions },
    ...options.overrides,
    auth: { ...defaultAuthConfig(), ...file.auth, ...options.overrides?.auth },
  };
  config.auth.rateLimit = { ...DEFAULT_RATE_LIMITS, ...file.auth?.rateLimit, ...options.overrides?.auth?.rateLimit };
  const events = { ...(file as { events?: Partial<EventsConfig> }).events, ...options.overrides?.events };
  config.events = { ...defaultEventsConfig(), ...events, webhooks: { ...defaultEventsConfig().webhooks, ...events.webhooks } };
  if (env.PAVE_EVENTS_RETENTION_DAYS) config.events.retentionDays = Number(env.PAVE_EVENTS_RETENTION_DAYS);
  if (env.PAVE_NATS_URL) config.events.nats = { ...config.events.nats, url: env.PAVE_NATS_URL } as NatsConfig;
  if (config.events.nats) config.events.nats = { ...config.events.nats, subjectPrefix: config.events.nats.subjectPrefix ?? 'pave' };
  if (env.PAVE_DATA_DIR) config.dataDir = env.PAVE_DATA_DIR;
  if (env.PAVE_DATABASE_URL) config.databaseUrl = env.PAVE_DATABASE_URL;
  if (env.PAVE_DATABASE_SCHEMA) config.databaseSchema = env.PAVE_DATABASE_SCHEMA;
  if (env.PAVE_HOST) config.host = env.PAVE_HOST;
  if (env.PAVE_PORT) config.port = Number(env.PAVE_PORT);
  if (env.PAVE_BASE_URL) config.baseUrl = env.PAVE_BASE_URL;
  if (env.PAVE_LOG_LEVEL) config.logLevel = env.PAVE_LOG_LEVEL as PaveConfig['logLevel'];
  if (env.PAVE_REFRESH_INTERVAL_SECONDS) config.catalog.refreshIntervalSeconds = Number(env.PAVE_REFRESH_INTERVAL_SECONDS);
  if (env.PAVE_MODULE_SANDBOX) config.platform.moduleSandbox = env.PAVE_MODULE_SANDBOX as PlatformConfig['moduleSandbox'];
  if (env.PAVE_NAMESPACE_OWNERS) config.platform.namespaceOwners = parseNamespaceOwners(env.PAVE_NAMESPACE_OWNERS);
  if (env.PAVE_EXPRESSIONS_POOL_SIZE) config.expressions.poolSize = Number(env.PAVE_EXPRESSIONS_POOL_SIZE);
  if (env.PAVE_EXPRESSIONS_HEAP_MIB) config.expressions.heapMiB = Number(env.PAVE_EXPRESSIONS_HEAP_MIB);
  if (env.PAVE_EXPRESSIONS_DEADLINE_MARGIN_MS) config.expressions.deadlineMarginMs = Number(env.PAVE_EXPRESSIONS_DEADLINE_MARGIN_MS);
  if (env.PAVE_AUTH_ENABLED) config.auth.enabled = ['1', 'true', 'yes'].includes(env.PAVE_AUTH_ENABLED.toLowerCase());
  // The demo organisation comes with a guest sign-in unless the configuration says otherwise.
  if (config.demo && file.auth?.guest === undefined && options.overrides?.auth?.guest === undefined) config.auth.guest = true;
  if (env.PAVE_AUTH_GUEST) config.auth.guest = ['1', 'true', 'yes'].includes(env.PAVE_AUTH_GUEST.toLowerCase());
  if (env.PAVE_OIDC_ISSUER || env.PAVE_OIDC_CLIENT_ID || env.PAVE_OIDC_CLIENT_SECRET) {
    const oidc: Partial<OidcConfig> = { ...config.auth.oidc };
    if (env.PAVE_OIDC_ISSUER) oidc.issuer = env.PAVE_OIDC_ISSUER;
    if (env.PAVE_OIDC_CLIENT_ID) oidc.clientId = env.PAVE_OIDC_CLIENT_ID;
    if (env.PAVE_OIDC_CLIENT_SECRET) oidc.clientSecret = env.PAVE_OIDC_CLIENT_SECRET;
    config.auth.oidc = oidc as OidcConfig;
  }
  if (config.auth.oidc) {
    const given: Partial<OidcConfig> = config.auth.oidc;
    config.auth.oidc = { scopes: ['openid', 'email', 'profile'], userClaim: 'email', userField: 'spec.profile.email', ...given } as OidcConfig;
  }

  const check = (ok: boolean, pointer: string, detail: string) => {
    if (!ok) errors.push({ pointer, detail, source: existsSync(path) ? path : undefined });
  };
  check(typeof config.dataDir === 'string' && config.dataDir !== '', '/dataDir', 'must be a non-empty path');
  check(Number.isInteger(config.port) && config.port >= 0 && config.port < 65536, '/port', 'must be a whole number from 0 to 65535 (PAVE_PORT)');
  check(typeof config.host === 'string' && config.host !== '', '/host', 'must be a host name or address (PAVE_HOST)');
  check(LOG_LEVELS.includes(config.logLevel), '/logLevel', `must be one of ${LOG_LEVELS.join(', ')} (PAVE_LOG_LEVEL)`);
  check(
    config.databaseUrl === undefined || /^postgres(ql)?:\/\//.test(config.databaseUrl),
    '/databaseUrl',
    'must be a postgres:// URL (PAVE_DATABASE_URL)',
  );
  check(
    Number.isFinite(config.catalog.refreshIntervalSeconds) && config.catalog.refreshIntervalSeconds >= 1,
    '/catalog/refreshIntervalSeconds',
    'must be a number of seconds, at least 1 (PAVE_REFRESH_INTERVAL_SECONDS)',
  );
  check(['delete', 'keep'].includes(config.catalog.orphanStrategy), '/catalog/orphanStrategy', 'must be delete or keep');
  check(Array.isArray(config.catalog.allowedRoots), '/catalog/allowedRoots', 'must be a list of folders');
  check(
    Number.isInteger(config.catalog.maxDocumentBytes) && config.catalog.maxDocumentBytes > 0,
    '/catalog/maxDocumentBytes',
    'must be a positive whole number of bytes',
  );
  check(
    config.catalog.maxFileBytes === undefined || (Number.isInteger(config.catalog.maxFileBytes) && config.catalog.maxFileBytes > 0),
    '/catalog/maxFileBytes',
    'must be a positive whole number of bytes',
  );
  const { moduleSandbox, namespaceOwners, ...numbers } = config.platform;
  for (const [key, value] of Object.entries(numbers)) {
    check(typeof value === 'number' && Number.isFinite(value) && value > 0, `/platform/${key}`, 'must be a positive number');
  }
  check(MODULE_SANDBOXES.includes(moduleSandbox), '/platform/moduleSandbox', `must be one of ${MODULE_SANDBOXES.join(', ')} (PAVE_MODULE_SANDBOX)`);
  if (namespaceOwners === null || typeof namespaceOwners !== 'object' || Array.isArray(namespaceOwners)) {
    check(false, '/platform/namespaceOwners', 'must be a mapping of namespace to Group ref (PAVE_NAMESPACE_OWNERS: namespace=group,…)');
  } else {
    const owners: Record<string, string> = {};
    for (const [namespace, owner] of Object.entries(namespaceOwners)) {
      const ref = typeof owner === 'string' ? tryParseEntityRef(owner, { defaultKind: 'group' }) : undefined;
      const ok = ref !== undefined && ref.kind.toLowerCase() === 'group';
      check(ok, `/platform/namespaceOwners/${pointerSegment(namespace)}`, "must be a Group ref such as 'group:default/checkout-team' or a group name");
      if (ok) owners[namespace] = stringifyEntityRef(ref);
    }
    config.platform.namespaceOwners = owners;
  }
  const expressions = config.expressions as Partial<ExpressionsConfig>;
  check(
    Number.isInteger(expressions.poolSize) && expressions.poolSize! >= 1 && expressions.poolSize! <= 64,
    '/expressions/poolSize',
    'must be a whole number of processes from 1 to 64 (PAVE_EXPRESSIONS_POOL_SIZE)',
  );
  check(
    Number.isInteger(expressions.heapMiB) && expressions.heapMiB! >= 32,
    '/expressions/heapMiB',
    'must be a whole number of MiB, at least 32 (PAVE_EXPRESSIONS_HEAP_MIB)',
  );
  check(
    Number.isInteger(expressions.deadlineMarginMs) && expressions.deadlineMarginMs! >= 100,
    '/expressions/deadlineMarginMs',
    'must be a whole number of milliseconds, at least 100 (PAVE_EXPRESSIONS_DEADLINE_MARGIN_MS)',
  );
  for (const error of validateAuthConfig(config.auth)) check(false, '/auth' + error.pointer, error.detail);
  for (const error of validateEventsConfig(config.events)) check(false, '/events' + error.pointer, error.detail);
  if (errors.length) throw invalidInput(`The configuration has ${errors.length} mistake(s)`, errors);
  config.catalog.allowedRoots = config.catalog.allowedRoots.map(root => resolve(cwd, root));
  return config;
}

const MODULE_SANDBOXES = ['bubblewrap', 'process'];

/** `checkout=group:default/checkout-team,ops=ops-team` (PAVE_NAMESPACE_OWNERS) as a mapping. */
function parseNamespaceOwners(text: string): Record<string, string> {
  const owners: Record<string, string> = {};
  for (const pair of text.split(',').map(p => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    owners[eq === -1 ? pair : pair.slice(0, eq).trim()] = eq === -1 ? '' : pair.slice(eq + 1).trim();
  }
  return owners;
}

function readConfigFile(path: string): unknown {
  try {
    const parsed: unknown = parseYaml(readFileSync(path, 'utf8'));
    if (parsed !== null && typeof parsed !== 'object') throw new Error('the file must hold a mapping');
    return parsed ?? {};
  } catch (error) {
    throw invalidInput(`Could not read ${path}: ${(error as Error).message}`, [
      { pointer: '', detail: (error as Error).message, source: path },
    ]);
  }
}

const RULE_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const ACTION_GLOB = /^[a-z0-9*][a-z0-9*._-]*$/i;
const SUBJECT = /^(role:(signed-in|owner|guest|admin)|(user|group):[^\s:/]+\/[^\s/]+|service:[a-z0-9][a-z0-9._-]*)$/i;
const ENTITY_REF = /^[^\s:/]+:[^\s:/]+\/[^\s/]+$/;

/**
 * Checks one permission rule and names every mistake by JSON pointer (relative to the rule).
 * Used for `auth.rules` in the configuration and for rules saved through the API.
 * @example validateAuthRule({ id: 'x', effect: 'allow', actions: [], subjects: [] }) // [{ pointer: '/actions', … }, …]
 */
export function validateAuthRule(raw: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const add = (pointer: string, detail: string, rule?: string) => errors.push({ pointer, detail, ...(rule ? { rule } : {}) });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [{ pointer: '', detail: 'must be a mapping with id, effect, actions and subjects', rule: 'type' }];
  const rule = raw as Record<string, unknown>;
  const known = new Set(['id', 'description', 'effect', 'actions', 'subjects', 'resource']);
  for (const key of Object.keys(rule)) if (!known.has(key)) add(`/${key}`, `is not a rule field (expected ${[...known].join(', ')})`, 'additionalProperties');
  if (typeof rule.id !== 'string' || !RULE_ID.test(rule.id)) add('/id', 'must be lower-case letters, digits, dots, dashes or underscores (at most 100)', 'pattern');
  if (rule.description !== undefined && typeof rule.description !== 'string') add('/description', 'must be text', 'type');
  if (rule.effect !== 'allow' && rule.effect !== 'deny') add('/effect', 'must be allow or deny', 'enum');
  const list = (key: string, pattern: RegExp, what: string) => {
    const value = rule[key];
    if (!Array.isArray(value) || value.length === 0) return add(`/${key}`, `must be a non-empty list of ${what}`, 'minItems');
    value.forEach((item, i) => {
      if (typeof item !== 'string' || !pattern.test(item)) add(`/${key}/${i}`, `must be ${what}`, 'pattern');
    });
  };
  list('actions', ACTION_GLOB, "action globs such as 'catalog.entity.read' or 'catalog.*'");
  list('subjects', SUBJECT, "subjects: 'user:<ns>/<name>', 'group:<ns>/<name>', 'service:<name>' or role:signed-in|owner|guest|admin");
  if (rule.resource !== undefined) {
    if (rule.resource === null || typeof rule.resource !== 'object' || Array.isArray(rule.resource)) add('/resource', 'must be a mapping of kinds, namespaces, refs and owners', 'type');
    else {
      const resource = rule.resource as Record<string, unknown>;
      for (const [key, value] of Object.entries(resource)) {
        if (!['kinds', 'namespaces', 'refs', 'owners'].includes(key)) add(`/resource/${key}`, 'is not a resource field (expected kinds, namespaces, refs, owners)', 'additionalProperties');
        else if (!Array.isArray(value) || value.length === 0 || value.some(v => typeof v !== 'string' || v === '')) add(`/resource/${key}`, 'must be a non-empty list of text', 'type');
        else if (key === 'owners') value.forEach((v, i) => ENTITY_REF.test(v as string) || add(`/resource/owners/${i}`, "must be a full ref such as 'group:default/checkout-team'", 'pattern'));
      }
    }
  }
  return errors;
}

/** Checks the `auth` section; pointers are relative to it. */
export function validateAuthConfig(auth: AuthConfig): FieldError[] {
  const errors: FieldError[] = [];
  const check = (ok: boolean, pointer: string, detail: string) => ok || errors.push({ pointer, detail });
  check(typeof auth.enabled === 'boolean', '/enabled', 'must be true or false (PAVE_AUTH_ENABLED)');
  check(typeof auth.guest === 'boolean', '/guest', 'must be true or false (PAVE_AUTH_GUEST)');
  check(typeof auth.guestUser === 'string' && /^user:[^\s:/]+\/[^\s/]+$/i.test(auth.guestUser), '/guestUser', "must be a User ref such as 'user:default/priya.raman'");
  check(typeof auth.adminGroup === 'string' && /^group:[^\s:/]+\/[^\s/]+$/i.test(auth.adminGroup), '/adminGroup', "must be a Group ref such as 'group:default/platform-team'");
  check(typeof auth.platformGroup === 'string' && /^group:[^\s:/]+\/[^\s/]+$/i.test(auth.platformGroup), '/platformGroup', "must be a Group ref such as 'group:default/platform-team'");
  check(typeof auth.defaultPolicy === 'boolean', '/defaultPolicy', 'must be true or false');
  check(Number.isFinite(auth.sessionTtlHours) && auth.sessionTtlHours > 0, '/sessionTtlHours', 'must be a positive number of hours');
  check(Number.isFinite(auth.tokenMaxTtlDays) && auth.tokenMaxTtlDays > 0, '/tokenMaxTtlDays', 'must be a positive number of days');
  const rate = (auth.rateLimit ?? {}) as unknown as Partial<Record<string, unknown>>;
  for (const key of Object.keys(DEFAULT_RATE_LIMITS)) {
    const value = rate[key];
    check(Number.isInteger(value) && (value as number) > 0, `/rateLimit/${key}`, 'must be a positive whole number (requests per minute)');
  }
  if (!Array.isArray(auth.rules)) errors.push({ pointer: '/rules', detail: 'must be a list of rules' });
  else {
    const ids = new Set<string>();
    auth.rules.forEach((rule, i) => {
      for (const error of validateAuthRule(rule)) errors.push({ ...error, pointer: `/rules/${i}${error.pointer}` });
      const id = (rule as { id?: unknown }).id;
      if (typeof id === 'string') check(!ids.has(id), `/rules/${i}/id`, `repeats the id ${id}`), ids.add(id);
    });
  }
  if (auth.oidc !== undefined) {
    const oidc = auth.oidc;
    check(typeof oidc.issuer === 'string' && /^https?:\/\/[^\s]+$/.test(oidc.issuer), '/oidc/issuer', 'must be the issuer URL (PAVE_OIDC_ISSUER)');
    check(typeof oidc.clientId === 'string' && oidc.clientId !== '', '/oidc/clientId', 'must be the client id registered with the provider (PAVE_OIDC_CLIENT_ID)');
    check(oidc.clientSecret === undefined || typeof oidc.clientSecret === 'string', '/oidc/clientSecret', 'must be text (PAVE_OIDC_CLIENT_SECRET)');
    check(Array.isArray(oidc.scopes) && oidc.scopes.every(s => typeof s === 'string'), '/oidc/scopes', 'must be a list of scopes');
    check(typeof oidc.userClaim === 'string' && oidc.userClaim !== '', '/oidc/userClaim', "must name a claim, e.g. 'email'");
    check(typeof oidc.userField === 'string' && /^(spec|metadata)\.[A-Za-z0-9_.\/-]+$/.test(oidc.userField), '/oidc/userField', "must name a User entity field, e.g. 'spec.profile.email' or 'metadata.name'");
  }
  return errors;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Checks the `events` section; pointers are relative to it. */
export function validateEventsConfig(events: EventsConfig): FieldError[] {
  const errors: FieldError[] = [];
  const check = (ok: boolean, pointer: string, detail: string) => ok || errors.push({ pointer, detail });
  check(Number.isFinite(events.retentionDays) && events.retentionDays > 0, '/retentionDays', 'must be a positive number of days (PAVE_EVENTS_RETENTION_DAYS)');
  const hooks = events.webhooks;
  if (!Array.isArray(hooks.allowedHosts)) check(false, '/webhooks/allowedHosts', 'must be a list of host names, addresses or CIDRs');
  else hooks.allowedHosts.forEach((entry, i) => check(typeof entry === 'string' && isHostOrCidr(entry), `/webhooks/allowedHosts/${i}`, "must be a host name ('hooks.internal'), an address ('10.0.0.7') or a CIDR ('10.0.0.0/8')"));
  for (const key of ['timeoutSeconds', 'retryBaseSeconds', 'retryMaxSeconds'] as const) check(Number.isFinite(hooks[key]) && hooks[key] > 0, `/webhooks/${key}`, 'must be a positive number of seconds');
  for (const key of ['maxAttempts', 'concurrency'] as const) check(Number.isInteger(hooks[key]) && hooks[key] > 0, `/webhooks/${key}`, 'must be a positive whole number');
  if (events.nats !== undefined) {
    check(typeof events.nats.url === 'string' && /^(nats|tls):\/\/[^\s]+$/.test(events.nats.url), '/nats/url', 'must be a nats:// URL (PAVE_NATS_URL)');
    check(events.nats.stream === undefined || (typeof events.nats.stream === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(events.nats.stream)), '/nats/stream', 'must be a stream name: letters, digits, dashes, underscores');
    check(typeof events.nats.subjectPrefix === 'string' && SUBJECT_TOKEN.test(events.nats.subjectPrefix), '/nats/subjectPrefix', "must be subject tokens joined by dots, e.g. 'pave'");
  }
  return errors;
}

function isHostOrCidr(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  if (rest.length || !address) return false;
  const family = isIP(address);
  if (bits === undefined) return family !== 0 || HOST_NAME.test(address);
  return family !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
