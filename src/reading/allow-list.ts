import { isIP } from 'node:net';
import type { ReadingAllowEntry } from './reading-config.js';

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const PORT = '(?::[0-9]{1,5})?';
const NAME_PATTERN = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*${PORT}$`);
const IPV6_PATTERN = new RegExp(`^\\[[0-9a-f:.]+\\]${PORT}$`);

/**
 * What is wrong with a host pattern of the allow-list, or undefined when it is one: a host name, an IPv4
 * address or a bracketed IPv6 address, optionally `*.` in front of a name (any host below it, not the name
 * itself, as Backstage matches it) and a port (needed to match a URL that names one). A URL, a path, a bare
 * `*` or a wildcard over a top-level domain is not a host pattern.
 * @example hostPatternProblem('https://docs.example.com/') // 'must be a host pattern such as …, not a URL'
 */
export function hostPatternProblem(pattern: string): string | undefined {
  const example = 'docs.example.com, *.example.com or 127.0.0.1:8080';
  if (pattern.includes('://') || pattern.includes('/')) return `must be a host pattern such as ${example}, not a URL or a path (put path prefixes in paths)`;
  const host = pattern.toLowerCase();
  if (IPV6_PATTERN.test(host)) return isIP(host.slice(1, host.lastIndexOf(']'))) === 6 ? undefined : `must be a host pattern such as ${example}`;
  if (!NAME_PATTERN.test(host)) return `must be a host pattern such as ${example}`;
  if (host.startsWith('*.') && !hostOf(host).slice(2).includes('.')) return 'a wildcard must stand below a domain (*.example.com), not over a whole top-level domain';
  const port = portOf(host);
  if (port !== undefined && (port < 1 || port > 65535)) return 'has a port outside 1 to 65535';
  return undefined;
}

/** One entry made ready to match: host pattern in lower case, the URL's port written out. */
interface CompiledEntry {
  readonly entry: ReadingAllowEntry;
  readonly host: string;
  readonly wildcard: boolean;
  readonly port?: number;
}

/**
 * The reading allow-list: which URLs Pave may read, decided on the URL alone (scheme, host, port, path).
 * Addresses are checked separately, after the name is resolved (`resolvedAddressProblem`).
 * @example new AllowList([{ host: '*.example.com', paths: ['/docs/'] }]).match(new URL('https://a.example.com/docs/x.md'))
 */
export class AllowList {
  readonly #entries: readonly CompiledEntry[];

  constructor(entries: readonly ReadingAllowEntry[]) {
    this.#entries = Object.freeze(
      entries.map(entry => {
        const pattern = entry.host.toLowerCase();
        const port = portOf(pattern);
        return { entry: Object.freeze({ ...entry }), host: hostOf(pattern).replace(/^\*\./, ''), wildcard: pattern.startsWith('*.'), ...(port !== undefined ? { port } : {}) };
      }),
    );
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The first entry that allows the URL, or undefined. Only http and https URLs without credentials are ever allowed. */
  match(url: URL): ReadingAllowEntry | undefined {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.username || url.password) return undefined;
    const host = url.hostname.toLowerCase();
    const port = url.port ? Number(url.port) : undefined;
    // A server may decode an encoded slash after our prefix check and step out of the prefix with it.
    const encodedSeparator = /%2f|%5c/i.test(url.pathname);
    for (const compiled of this.#entries) {
      const hostMatches = compiled.wildcard ? host.endsWith(`.${compiled.host}`) : host === compiled.host;
      if (!hostMatches || port !== compiled.port) continue;
      const paths = compiled.entry.paths;
      if (paths && (encodedSeparator || !paths.some(prefix => url.pathname.startsWith(prefix)))) continue;
      return compiled.entry;
    }
    return undefined;
  }
}

/** The host part of a pattern (brackets of IPv6 kept), without its port. */
function hostOf(pattern: string): string {
  if (pattern.startsWith('[')) return pattern.slice(0, pattern.indexOf(']') + 1);
  const colon = pattern.lastIndexOf(':');
  return colon === -1 ? pattern : pattern.slice(0, colon);
}

function portOf(pattern: string): number | undefined {
  const rest = pattern.startsWith('[') ? pattern.slice(pattern.indexOf(']') + 1) : pattern;
  const colon = rest.lastIndexOf(':');
  return colon === -1 ? undefined : Number(rest.slice(colon + 1));
}
