/**
 * Every module of Pave, in the order their services are built (a module may use the services of those
 * before it). Adding a module is one folder with its `module.ts` and one line here.
 */
import { integrationsModule } from './integrations/module.js';
import { readingModule } from './reading/module.js';
import { catalogModule } from './catalog/module.js';
import { authModule } from './auth/module.js';
import { expressionsModule } from './expressions/module.js';
import { repositoriesModule } from './repositories/module.js';
import { platformModule } from './platform/module.js';
import { templatesModule } from './templates/module.js';
import { eventsModule } from './events/module.js';
import { deliveryModule } from './delivery/module.js';
import { scorecardsModule } from './scorecards/module.js';
import { mcpModule } from './mcp/module.js';
import { registerModuleKinds } from './catalog/model/kind-registry.js';
import { surveysModule } from './surveys/module.js';
import { maturityModule } from './maturity/module.js';
import { operationsModule } from './operations/module.js';
import { announcementsModule } from './announcements/module.js';
import type { AnyConfigSection } from './core/config-section.js';
import type { Migration } from './store/migrations/migration.js';
import type { PaveModule } from './pave-module.js';

export const MODULES = [integrationsModule, readingModule, catalogModule, authModule, expressionsModule, repositoriesModule, platformModule, templatesModule, eventsModule, deliveryModule, scorecardsModule, surveysModule, maturityModule, announcementsModule, operationsModule, mcpModule] as const;

// The kinds modules declare are validated at ingest like the built-in ones.
registerModuleKinds(moduleList().flatMap(module => [...(module.kinds ?? [])]));

/** The service of each module, by the module's name: what `PaveApp` exposes. */
export type ModuleServices = {
  [M in (typeof MODULES)[number] as M['name']]: M extends { create(...args: never[]): infer S } ? Awaited<S> : never;
};

/** The configuration section of each module that has settings, by the section's key: what `PaveConfig` holds beside Pave's own settings. */
export type ModuleConfigs = {
  [C in NonNullable<(typeof MODULES)[number]['config']> as C['key']]: ReturnType<C['defaults']>;
};

/**
 * The modules as one list of different modules, for those that iterate (the app, the server, the CLI): each
 * module's own types hold within its declaration.
 */
export function moduleList(): ReadonlyArray<PaveModule<string, unknown>> {
  return MODULES as unknown as ReadonlyArray<PaveModule<string, unknown>>;
}

/**
 * The modules named and every module they require, transitively, in list order: what an app built for some
 * modules only holds (the server's authorization needs `auth`, so it is always there).
 * @example modulesFor(['surveys']) // integrations, reading, catalog, auth, surveys
 */
export function modulesFor(names: readonly string[]): ReadonlyArray<PaveModule<string, unknown>> {
  const byName = new Map(moduleList().map(module => [module.name, module]));
  const chosen = new Set<string>();
  const choose = (name: string): void => {
    if (chosen.has(name)) return;
    const module = byName.get(name);
    if (!module) throw new Error(`No module is named ${name} (modules: ${[...byName.keys()].join(', ')})`);
    chosen.add(name);
    module.requires.forEach(choose);
  };
  ['auth', ...names].forEach(choose);
  return moduleList().filter(module => chosen.has(module.name));
}

/**
 * Every module's migrations (the store adds its own): what a store for Pave is opened with.
 * @example await Store.open(dialect, { migrations: moduleMigrations() })
 */
export function moduleMigrations(): Migration[] {
  return moduleList().flatMap(module => [...(module.migrations ?? [])]);
}

/**
 * Every module's configuration section, in list order (Pave's own settings come from `core/config.ts`).
 * @example loadConfiguration<PaveConfig>(moduleConfigSections(), { env: process.env })
 */
export function moduleConfigSections(): AnyConfigSection[] {
  return moduleList().flatMap(module => (module.config ? [module.config] : []));
}
