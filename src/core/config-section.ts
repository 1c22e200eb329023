import type { PaveSettings } from './config.js';
import type { FieldError } from './problem.js';

/** What a section is completed with besides the file. */
export interface SectionContext<T> {
  /** The process's environment, for the section's `PAVE_*` variables. */
  readonly env: NodeJS.ProcessEnv;
  /** What the file and the overrides gave for the section, before any default: a choice, told apart from a default. */
  readonly given: Partial<T>;
  /** Pave's own settings, already read. */
  readonly settings: PaveSettings;
}

/**
 * A module's section of the configuration: `<key>:` in `pave.config.yaml`, `config.<key>` in the app. Each
 * module with settings declares one in its `module.ts` (`config: catalogConfigSection`), its types and rules
 * in its own `<module>-config.ts`; the composition layer (`pave-config.ts`) puts every section together.
 * Reading one (`loadConfiguration`): the file's mapping, then the overrides', key by key over `defaults()`
 * (the `nested` keys' mappings key by key too); then `fromEnvironment`; then every section's `validate`,
 * all mistakes reported at once; then `resolve`.
 * @example
 *   export const expressionsConfigSection: ConfigSection<'expressions', ExpressionsConfig> = {
 *     key: 'expressions',
 *     defaults: () => ({ poolSize: 2, heapMiB: 256, deadlineMarginMs: 2000 }),
 *     fromEnvironment: (section, { env }) => (env.PAVE_EXPRESSIONS_POOL_SIZE ? { ...section, poolSize: Number(env.PAVE_EXPRESSIONS_POOL_SIZE) } : section),
 *     validate: section => (Number.isInteger(section.poolSize) ? [] : [{ pointer: '/poolSize', detail: 'must be a whole number' }]),
 *   };
 */
export interface ConfigSection<K extends string, T extends object> {
  readonly key: K;
  /** A fresh copy of the defaults: the section with no file and no variables. */
  defaults(): T;
  /** Keys holding mappings that the file fills in key by key (auth's `rateLimit`) instead of replacing them. */
  readonly nested?: readonly (keyof T & string)[];
  /** The section with the `PAVE_*` variables it reads applied (environment beats file), and what follows from other settings. */
  fromEnvironment?(section: T, context: SectionContext<T>): T;
  /** Every mistake, pointers relative to the section (`/refreshIntervalSeconds`), each naming its variable where one sets it. */
  validate(section: T): FieldError[];
  /** The valid section made ready to use: paths absolute (against `cwd`), refs canonical. */
  resolve?(section: T, context: { readonly cwd: string }): T;
}

/** Any module's section, for code that handles every section alike. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a section's type is both given and taken: nothing narrower holds every section
export type AnyConfigSection = ConfigSection<string, any>;
