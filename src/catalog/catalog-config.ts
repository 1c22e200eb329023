import { resolve } from 'node:path';
import type { ConfigSection } from '../core/config-section.js';
import { fieldChecks } from '../core/field-checks.js';

/** The catalog's settings (`catalog:` in `pave.config.yaml`). */
export interface CatalogConfig {
  /** Seconds between periodic refreshes of each location. */
  refreshIntervalSeconds: number;
  /**
   * Seconds a replica holds a location's refresh before another may take it over (a replica that died
   * mid-refresh is replaced after this long). Longer than the slowest refresh. Default 300.
   */
  refreshLeaseSeconds?: number;
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
  /**
   * Repositories (their http(s) clone URLs, as `git clone` takes them) whose file pages any location's
   * `$text`/`$json`/`$yaml` placeholders may read signed in with the host integration's credentials. Without
   * an entry, a placeholder reads signed in only files of its own location's repository; others as anyone may.
   */
  placeholderRepositories?: string[];
  /**
   * Searches that may wait for their turn to find and rank candidates (one at a time, search/catalog-search.ts);
   * one more is answered 503 busy with Retry-After at once. Default 256 (one-at-a-time.ts' DEFAULT_MAX_WAITING).
   */
  maxWaitingSearches?: number;
}

/**
 * The catalog's section: a refresh every five minutes, entities that left their location deleted, any folder
 * readable; PAVE_REFRESH_INTERVAL_SECONDS sets the interval, PAVE_REFRESH_LEASE_SECONDS how long a refresh is held, and allowed roots are resolved against the
 * working folder.
 * @example loadConfig({ env: { PAVE_REFRESH_INTERVAL_SECONDS: '60' } }).catalog.refreshIntervalSeconds // 60
 */
export const catalogConfigSection: ConfigSection<'catalog', CatalogConfig> = {
  key: 'catalog',
  defaults: () => ({ refreshIntervalSeconds: 300, orphanStrategy: 'delete', allowedRoots: [], maxDocumentBytes: 1024 * 1024, maxFileBytes: 8 * 1024 * 1024 }),
  fromEnvironment(catalog, { env }) {
    return {
      ...catalog,
      ...(env.PAVE_REFRESH_INTERVAL_SECONDS ? { refreshIntervalSeconds: Number(env.PAVE_REFRESH_INTERVAL_SECONDS) } : {}),
      ...(env.PAVE_REFRESH_LEASE_SECONDS ? { refreshLeaseSeconds: Number(env.PAVE_REFRESH_LEASE_SECONDS) } : {}),
    };
  },
  validate: catalog =>
    fieldChecks(check => {
      check(
        Number.isFinite(catalog.refreshIntervalSeconds) && catalog.refreshIntervalSeconds >= 1,
        '/refreshIntervalSeconds',
        'must be a number of seconds, at least 1 (PAVE_REFRESH_INTERVAL_SECONDS)',
      );
      check(
        catalog.refreshLeaseSeconds === undefined || (Number.isFinite(catalog.refreshLeaseSeconds) && catalog.refreshLeaseSeconds >= 1),
        '/refreshLeaseSeconds',
        'must be a number of seconds, at least 1 (PAVE_REFRESH_LEASE_SECONDS)',
      );
      check(['delete', 'keep'].includes(catalog.orphanStrategy), '/orphanStrategy', 'must be delete or keep');
      check(Array.isArray(catalog.allowedRoots), '/allowedRoots', 'must be a list of folders');
      check(Number.isInteger(catalog.maxDocumentBytes) && catalog.maxDocumentBytes > 0, '/maxDocumentBytes', 'must be a positive whole number of bytes');
      check(
        catalog.maxFileBytes === undefined || (Number.isInteger(catalog.maxFileBytes) && catalog.maxFileBytes > 0),
        '/maxFileBytes',
        'must be a positive whole number of bytes',
      );
      check(
        catalog.maxWaitingSearches === undefined || (Number.isInteger(catalog.maxWaitingSearches) && catalog.maxWaitingSearches >= 0),
        '/maxWaitingSearches',
        'must be a whole number of searches, at least 0',
      );
      check(catalog.placeholderRepositories === undefined || Array.isArray(catalog.placeholderRepositories), '/placeholderRepositories', 'must be a list of repository URLs');
      for (const [i, repository] of (Array.isArray(catalog.placeholderRepositories) ? catalog.placeholderRepositories : []).entries()) {
        check(isRepositoryUrl(repository), `/placeholderRepositories/${i}`, 'must be an http(s) URL of a repository (https://github.com/acme/schemas.git), with no credentials, query or fragment');
      }
    }),
  resolve: (catalog, { cwd }) => ({ ...catalog, allowedRoots: catalog.allowedRoots.map(root => resolve(cwd, root)) }),
};

/** An http(s) URL naming a repository: a host and a path, nothing that could carry a secret or a second meaning. */
function isRepositoryUrl(value: unknown): boolean {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  return !url.username && !url.password && !url.search && !url.hash && url.pathname.split('/').filter(Boolean).length >= 2;
}
