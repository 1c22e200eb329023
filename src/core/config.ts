import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AnyConfigSection, ConfigSection } from './config-section.js';
import { fieldChecks } from './field-checks.js';
import { invalidInput, type FieldError } from './problem.js';

/**
 * Pave's own settings: where it keeps its data, where it listens and how it logs. Each module's settings are
 * its section of the configuration (`ConfigSection`, declared in its `module.ts`), and `pave-config.ts`
 * composes the whole `PaveConfig` from the module list. Defaults make the embedded mode work with no file at all.
 */
export interface PaveSettings {
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
  /** Load the demo organisation on start. */
  demo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** A fresh copy of the defaults of Pave's own settings. */
export function defaultSettings(): PaveSettings {
  return { dataDir: '.pave', host: '127.0.0.1', port: 7007, baseUrl: 'http://localhost:7007', demo: false, logLevel: 'info' };
}

/** How `loadConfiguration` (and so `loadConfig`) reads the configuration. */
export interface LoadConfigOptions<C> {
  /** The folder relative paths are resolved from. Default: the process's. */
  cwd?: string;
  /** Where `PAVE_*` variables are read. Default: the process's environment. */
  env?: NodeJS.ProcessEnv;
  /** The file. Default: PAVE_CONFIG, else `pave.config.yaml`; none is fine. */
  file?: string;
  /** Values given by the caller (`pave serve --port`), over the file's; a section's keys fill in like the file's. */
  overrides?: Partial<C>;
}

/**
 * The defaults of Pave's own settings and of every section: the configuration with no file and no variables.
 * @example defaultConfiguration<PaveConfig>(moduleConfigSections()).catalog.refreshIntervalSeconds // 300
 */
export function defaultConfiguration<C extends PaveSettings>(sections: readonly AnyConfigSection[]): C {
  return { ...defaultSettings(), ...Object.fromEntries(sections.map(section => [section.key, section.defaults()])) } as C;
}

/**
 * Reads `pave.config.yaml` (if present) and `PAVE_*` variables over the defaults of Pave's own settings and
 * of each section, and reports every mistake at once, each with its JSON pointer (`/port`,
 * `/catalog/refreshIntervalSeconds`). Environment beats file; file beats default. `C` is the configuration
 * these sections compose (the composition layer's `PaveConfig`).
 * @example const config = loadConfiguration<PaveConfig>(moduleConfigSections(), { cwd: process.cwd(), env: process.env });
 */
export function loadConfiguration<C extends PaveSettings>(sections: readonly AnyConfigSection[], options: LoadConfigOptions<C> = {}): C {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const path = resolve(cwd, options.file ?? env.PAVE_CONFIG ?? 'pave.config.yaml');
  const source = existsSync(path) ? path : undefined;
  const file = (source ? readConfigFile(path) : {}) as Record<string, unknown>;
  const overrides = (options.overrides ?? {}) as Record<string, unknown>;

  // Keys the file holds beyond Pave's settings and the sections are kept, as they always were.
  const settings = settingsFromEnvironment({ ...defaultSettings(), ...file, ...overrides } as PaveSettings, env);
  const config: Record<string, unknown> = { ...settings };
  for (const section of sections) config[section.key] = readSection(section, [file[section.key], overrides[section.key]], env, settings);

  const errors = [
    ...validateSettings(settings),
    ...sections.flatMap(section => section.validate(config[section.key]).map(error => ({ ...error, pointer: `/${section.key}${error.pointer}` }))),
  ].map(({ pointer, detail }): FieldError => ({ pointer, detail, source }));
  if (errors.length) throw invalidInput(`The configuration has ${errors.length} mistake(s)`, errors);
  for (const section of sections) if (section.resolve) config[section.key] = section.resolve(config[section.key], { cwd });
  return config as C;
}

/** One section: the file's and the overrides' mappings key by key over its defaults (nested ones too), then its variables. */
function readSection<T extends object>(section: ConfigSection<string, T>, layers: readonly unknown[], env: NodeJS.ProcessEnv, settings: PaveSettings): T {
  const defaults = section.defaults();
  const given = Object.assign({}, ...layers) as Partial<T>;
  const merged: T = { ...defaults, ...given };
  for (const key of section.nested ?? []) merged[key] = Object.assign({}, defaults[key], ...layers.map(layer => (layer as Partial<T> | undefined)?.[key]));
  return section.fromEnvironment ? section.fromEnvironment(merged, { env, given, settings }) : merged;
}

/** Pave's own settings with the `PAVE_*` variables that set them applied. */
function settingsFromEnvironment(settings: PaveSettings, env: NodeJS.ProcessEnv): PaveSettings {
  const read = { ...settings };
  if (env.PAVE_DATA_DIR) read.dataDir = env.PAVE_DATA_DIR;
  if (env.PAVE_DATABASE_URL) read.databaseUrl = env.PAVE_DATABASE_URL;
  if (env.PAVE_DATABASE_SCHEMA) read.databaseSchema = env.PAVE_DATABASE_SCHEMA;
  if (env.PAVE_HOST) read.host = env.PAVE_HOST;
  if (env.PAVE_PORT) read.port = Number(env.PAVE_PORT);
  if (env.PAVE_BASE_URL) read.baseUrl = env.PAVE_BASE_URL;
  if (env.PAVE_LOG_LEVEL) read.logLevel = env.PAVE_LOG_LEVEL as PaveSettings['logLevel'];
  return read;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Every mistake in Pave's own settings. */
function validateSettings(settings: PaveSettings): FieldError[] {
  return fieldChecks(check => {
    check(typeof settings.dataDir === 'string' && settings.dataDir !== '', '/dataDir', 'must be a non-empty path');
    check(Number.isInteger(settings.port) && settings.port >= 0 && settings.port < 65536, '/port', 'must be a whole number from 0 to 65535 (PAVE_PORT)');
    check(typeof settings.host === 'string' && settings.host !== '', '/host', 'must be a host name or address (PAVE_HOST)');
    check(LOG_LEVELS.includes(settings.logLevel), '/logLevel', `must be one of ${LOG_LEVELS.join(', ')} (PAVE_LOG_LEVEL)`);
    check(
      settings.databaseUrl === undefined || /^postgres(ql)?:\/\//.test(settings.databaseUrl),
      '/databaseUrl',
      'must be a postgres:// URL (PAVE_DATABASE_URL)',
    );
  });
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
