import type { ConfigSection } from '../core/config-section.js';
import { fieldChecks } from '../core/field-checks.js';
import { hostPatternProblem } from './allow-list.js';

/**
 * One entry of the reading allow-list, shaped like Backstage's `backend.reading.allow`: a host pattern
 * (`docs.example.com`, `*.example.com`, `127.0.0.1:8080`) and, optionally, the path prefixes allowed on it.
 */
export interface ReadingAllowEntry {
  host: string;
  paths?: string[];
  /**
   * Lets this entry's host resolve to a private, loopback or link-local address (an internal server by name).
   * Not needed when `host` is itself such an address: writing the address lists it explicitly.
   */
  allowPrivateAddresses?: boolean;
}

/** What Pave may read from URLs (`reading:` in `pave.config.yaml`): catalog placeholders, remote skeletons. */
export interface ReadingConfig {
  /** Hosts (and path prefixes) URLs may be read from; empty: no URL is read. */
  allow: ReadingAllowEntry[];
  /** Largest response read, in bytes. */
  maxBytes: number;
  /** Longest one read may take, redirects and body included, in seconds. */
  timeoutSeconds: number;
  /** Redirects followed at most, each one checked against the allow-list again. */
  maxRedirects: number;
  /** Most bytes a repository cloned under this policy may take on disk (git objects and checkout). */
  maxCloneBytes: number;
}

/**
 * The reading section: nothing allowed until listed, 10 MiB and 30 s per read, 5 redirects, 256 MiB per clone.
 * `PAVE_READING_ALLOW` adds entries as a comma-separated list of host patterns.
 * @example loadConfig({ env: { PAVE_READING_ALLOW: 'raw.example.com,*.docs.example.com' } }).reading.allow.length // 2
 */
export const readingConfigSection: ConfigSection<'reading', ReadingConfig> = {
  key: 'reading',
  defaults: () => ({ allow: [], maxBytes: 10 * 1024 * 1024, timeoutSeconds: 30, maxRedirects: 5, maxCloneBytes: 256 * 1024 * 1024 }),
  fromEnvironment(reading, { env }) {
    const hosts = (env.PAVE_READING_ALLOW ?? '').split(',').map(host => host.trim()).filter(Boolean);
    return hosts.length ? { ...reading, allow: [...(Array.isArray(reading.allow) ? reading.allow : []), ...hosts.map(host => ({ host }))] } : reading;
  },
  validate: reading =>
    fieldChecks(check => {
      check(Array.isArray(reading.allow), '/allow', 'must be a list of entries such as { host: docs.example.com, paths: [/files/] }');
      for (const [i, entry] of (Array.isArray(reading.allow) ? reading.allow : []).entries()) {
        const host = (entry as Partial<ReadingAllowEntry> | null)?.host;
        const problem = typeof host === 'string' ? hostPatternProblem(host) : 'must be a host pattern such as docs.example.com or *.example.com';
        check(problem === undefined, `/allow/${i}/host`, `${problem ?? ''} (PAVE_READING_ALLOW or reading.allow)`);
        const paths = entry?.paths;
        check(
          paths === undefined || (Array.isArray(paths) && paths.every(path => typeof path === 'string' && path.startsWith('/'))),
          `/allow/${i}/paths`,
          'must be a list of path prefixes, each starting with /',
        );
        check(entry?.allowPrivateAddresses === undefined || typeof entry.allowPrivateAddresses === 'boolean', `/allow/${i}/allowPrivateAddresses`, 'must be true or false');
      }
      check(Number.isInteger(reading.maxBytes) && reading.maxBytes > 0, '/maxBytes', 'must be a positive whole number of bytes');
      check(Number.isFinite(reading.timeoutSeconds) && reading.timeoutSeconds > 0, '/timeoutSeconds', 'must be a positive number of seconds');
      check(Number.isInteger(reading.maxCloneBytes) && reading.maxCloneBytes > 0, '/maxCloneBytes', 'must be a positive whole number of bytes');
      check(Number.isInteger(reading.maxRedirects) && reading.maxRedirects >= 0 && reading.maxRedirects <= 20, '/maxRedirects', 'must be a whole number from 0 to 20');
    }),
};
