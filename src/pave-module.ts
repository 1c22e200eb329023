/**
 * The module contract. Every module (catalog, auth, templates, platform, repositories, events, and each
 * later one) declares itself in one `src/<module>/module.ts`: its configuration section, its permission
 * actions and default rules, its event types, its migrations (its tables' types join the store's `Database`
 * from its own `<module>-tables.ts`), how its service is built, its HTTP routes, its CLI commands and its
 * background workers. The configuration, the app, the server, the store, the CLI, the policy and the
 * authorization matrix iterate over the list in `modules.ts`, so a new module is one folder and one line there.
 */
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { AnyConfigSection } from './core/config-section.js';
import type { Logger } from './core/logger.js';
import type { EventConsumers } from './store/event-consumers.js';
import type { EventLog } from './store/event-log.js';
import type { AuditLog } from './store/audit-log.js';
import type { JobQueue } from './store/job-queue.js';
import type { Migration } from './store/migrations/migration.js';
import type { Store } from './store/store.js';
import type { AppOptions, PaveApp } from './app.js';
import type { AuthConfig } from './auth/auth-config.js';
import type { AuthRule } from './auth/auth-rule.js';
import type { KindPolicy } from './catalog/model/kind-policy.js';
import type { PaveConfig } from './pave-config.js';
import type { GlobalOptions } from './cli/context.js';
import type { Output } from './cli/output.js';

/** A permission action a module checks, e.g. `catalog.entity.write`, and what it allows, in words. */
export interface ModulePermission {
  readonly action: string;
  readonly description: string;
}

/** An event type a module appends to the event log, e.g. `catalog.entity.updated`. */
export interface ModuleEventType {
  readonly type: string;
  readonly description: string;
  /**
   * Who may read events of this type (`GET /api/events`, its stream): `action`, decided on the thing the
   * event is about when `on: 'owner'` (its subject, owned by the payload's `owner`), else on no resource.
   */
  readonly read: {
    readonly action: string;
    readonly on?: 'owner';
    /**
     * A payload field naming catalog entities (a list of refs, or one ref): the feed lists a caller only those they
     * may read in the catalog (`catalog.entity.read`'s read scope), and hides the event when its one ref is not.
     */
    readonly entities?: string;
  };
}

/**
 * Background work with one lifecycle: `pave serve` starts every worker, tests and commands start the
 * ones they need (`app.workers.start(['templates.tasks'])`), and `app.close()` stops them all.
 */
export interface BackgroundWorker {
  /** `<module>.<work>`, e.g. `platform.reconciler`. */
  readonly name: string;
  start(): void | Promise<void>;
  /** Stops taking work and waits for the work in hand (handing back what cannot finish). */
  stop(): Promise<void>;
}

/** What a module's service is built from: the shared infrastructure and the app built so far. */
export interface ModuleContext {
  readonly config: PaveConfig;
  readonly logger: Logger;
  readonly store: Store;
  readonly queue: JobQueue;
  readonly eventLog: EventLog;
  readonly audit: AuditLog;
  readonly eventConsumers: EventConsumers;
  /** The resolved data folder. */
  readonly dataDir: string;
  readonly cwd: string;
  /**
   * The app as built so far: the shared infrastructure and the services of the modules listed before this
   * one in `modules.ts` (a later one's is not there yet: list a module after what it uses).
   */
  readonly app: PaveApp;
  /** What `createApp` was asked for beyond the configuration (e.g. a module sandbox for tests). */
  readonly options: AppOptions;
  /** Every module's default rules (`auth.defaultPolicy` decides whether the policy uses them). */
  readonly defaultRules: readonly AuthRule[];
  /** Every event type the modules declare. */
  readonly eventTypes: readonly ModuleEventType[];
}

/** What a module's CLI commands are built with. */
export interface CliContext {
  output: () => Output;
  globals: () => GlobalOptions;
}

/**
 * One module's declaration. `S` is its service, which the app exposes as `app[name]`; `C` its configuration
 * section, which the configuration holds as `config[key]`.
 */
export interface PaveModule<N extends string = string, S = unknown, C extends AnyConfigSection = AnyConfigSection> {
  readonly name: N;
  /** One sentence: what the module owns. */
  readonly description: string;
  /**
   * The modules whose services it uses (`app.catalog`, in its service, routes or workers), listed before or after
   * it: an app built for some modules only (a CLI command on the local store) builds these with it.
   */
  readonly requires: readonly string[];
  /**
   * Its settings, when it has any: the section's key, defaults, `PAVE_*` variables and validation (its types
   * and rules live in its own `<module>-config.ts`).
   */
  readonly config?: C;
  readonly permissions: readonly ModulePermission[];
  readonly eventTypes?: readonly ModuleEventType[];
  /** Entity kinds it declares (e.g. `Scorecard`), validated at ingest like the built-in ones (which win on a clash). */
  readonly kinds?: readonly KindPolicy[];
  /** Its tables' migrations (named `NNNN-…`: numbers are global, so the order across modules holds). */
  readonly migrations?: readonly Migration[];
  /** Rules of Pave's default policy that concern this module. */
  readonly defaultRules?: (auth: AuthConfig) => AuthRule[];
  /**
   * Builds its service. Import the service's code here (`await import(…)`), as `routes` and `workers` do theirs:
   * the CLI loads every module to list its commands, and a client command must not load the server.
   */
  create(context: ModuleContext): S | Promise<S>;
  /** Registers its routes on `api`, which is mounted at `/api`. */
  routes?(api: FastifyInstance, service: S, app: PaveApp): Promise<void>;
  /** Hooks on the whole server (every route, `/api` and outside), installed before any route is registered. */
  serverHooks?(server: FastifyInstance, service: S, app: PaveApp): void | Promise<void>;
  /** Routes outside `/api`, for clients that expect their own paths (git clones `/git/…`). */
  rootRoutes?(root: FastifyInstance, service: S, app: PaveApp): Promise<void>;
  cli?(context: CliContext): Command[];
  workers?(service: S, app: PaveApp): BackgroundWorker[] | Promise<BackgroundWorker[]>;
  /** Releases what the service holds (connections, processes), after its workers have stopped. */
  close?(service: S): Promise<void>;
}

/**
 * A worker from a service's own start and stop.
 * @example workers: catalog => [worker('catalog.refresh', catalog.scheduler)]
 */
export function worker(name: string, target: { start(): void | Promise<void>; stop(): Promise<void> }): BackgroundWorker {
  return { name, start: () => target.start(), stop: () => target.stop() };
}

/**
 * Declares a module with its service type inferred from `create` and its section's from `config` (none: `never`).
 * @example
 *   export const repositoriesModule = defineModule({
 *     name: 'repositories', description: 'The git repositories Pave hosts', permissions: [...],
 *     create: ({ dataDir, config }) => new RepositoryService({ root: join(dataDir, 'git'), baseUrl: () => config.baseUrl }),
 *   });
 */
export function defineModule<N extends string, S, C extends AnyConfigSection = never>(module: PaveModule<N, S, C>): PaveModule<N, S, C> {
  return Object.freeze(module);
}
