/**
 * Pave's whole configuration, composed from the module list: Pave's own settings (`core/config.ts`) and the
 * section of every module that has settings (`config` in its `module.ts`). `core` may not know the modules,
 * so the composition happens here, beside `modules.ts`.
 */
import { defaultConfiguration, loadConfiguration, type LoadConfigOptions, type PaveSettings } from './core/config.js';
import { moduleConfigSections, type ModuleConfigs } from './modules.js';

/** Everything Pave can be configured with: `config.port`, `config.catalog.refreshIntervalSeconds`, … */
export type PaveConfig = PaveSettings & ModuleConfigs;

/**
 * A fresh copy of the defaults: the configuration with no file and no variables (embedded mode, SQLite).
 * @example const config: PaveConfig = { ...defaultConfig(), dataDir, logLevel: 'silent' };
 */
export function defaultConfig(): PaveConfig {
  return defaultConfiguration<PaveConfig>(moduleConfigSections());
}

/**
 * Reads `pave.config.yaml` (if present) and `PAVE_*` variables over the defaults, and reports every
 * mistake at once. Environment beats file; file beats default.
 * @example const config = loadConfig({ cwd: process.cwd(), env: process.env });
 */
export function loadConfig(options: LoadConfigOptions<PaveConfig> = {}): PaveConfig {
  return loadConfiguration<PaveConfig>(moduleConfigSections(), options);
}
