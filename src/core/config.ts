import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { invalidInput, type FieldError } from './problem.js';

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
}

export const defaultConfig: PaveConfig = {
  dataDir: '.pave',
  host: '127.0.0.1',
  port: 7007,
  baseUrl: 'http://localhost:7007',
  catalog: { refreshIntervalSeconds: 300, orphanStrategy: 'delete', allowedRoots: [], maxDocumentBytes: 1024 * 1024 },
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
  const file = fromFile as Partial<PaveConfig> & { catalog?: Partial<CatalogConfig> };

  const config: PaveConfig = {
    ...defaultConfig,
    ...file,
    catalog: { ...defaultConfig.catalog, ...file.catalog },
    ...options.overrides,
  };
  if (env.PAVE_DATA_DIR) config.dataDir = env.PAVE_DATA_DIR;
  if (env.PAVE_DATABASE_URL) config.databaseUrl = env.PAVE_DATABASE_URL;
  if (env.PAVE_DATABASE_SCHEMA) config.databaseSchema = env.PAVE_DATABASE_SCHEMA;
  if (env.PAVE_HOST) config.host = env.PAVE_HOST;
  if (env.PAVE_PORT) config.port = Number(env.PAVE_PORT);
  if (env.PAVE_BASE_URL) config.baseUrl = env.PAVE_BASE_URL;
  if (env.PAVE_LOG_LEVEL) config.logLevel = env.PAVE_LOG_LEVEL as PaveConfig['logLevel'];
  if (env.PAVE_REFRESH_INTERVAL_SECONDS) config.catalog.refreshIntervalSeconds = Number(env.PAVE_REFRESH_INTERVAL_SECONDS);

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
  if (errors.length) throw invalidInput(`The configuration has ${errors.length} mistake(s)`, errors);
  config.catalog.allowedRoots = config.catalog.allowedRoots.map(root => resolve(cwd, root));
  return config;
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
