import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { AllowList } from './allow-list.js';
import { isNonPublicAddress } from '../core/non-public-address.js';
import type { ReadingConfig } from './reading-config.js';
import { ReadingError, shownUrl } from './reading-error.js';
import type { GitCredentials } from '../git/git-credentials.js';

/** What a read brought back. */
export interface ReadResult {
  content: Buffer;
  /** The URL the content came from (after redirects). */
  url: string;
  contentType?: string;
}

/** A URL allowed by the list, with the one address its name resolved to and was checked at: where to connect. */
export interface AdmittedUrl {
  url: URL;
  address: string;
  family: 4 | 6;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** A lower size limit than the configured one. */
  maxBytes?: number;
  /** Request headers (e.g. a provider's credentials): sent to the URL's origin only, never after a redirect to another. */
  headers?: Record<string, string>;
}

/**
 * Where hosted files' web URLs are read with credentials (the `integrations` module): the provider API URL and
 * headers for a file page of a configured git host, and the git credentials for a clone from one; undefined
 * for a host no integration names.
 */
export interface HostedBlobs {
  hostedBlob(url: URL, signal?: AbortSignal): Promise<{ url: string; headers: Record<string, string> } | undefined>;
  hostedClone(repository: URL, signal?: AbortSignal): Promise<{ credentials?: GitCredentials } | undefined>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const SETTING = 'reading.allow in pave.config.yaml, or PAVE_READING_ALLOW';

/**
 * Reads http(s) URLs for every module that takes remote references (catalog placeholders, remote
 * skeletons), under one policy: the URL must match the reading allow-list; its host name is resolved once
 * and every address checked (private, loopback and link-local ones refused unless the entry lists them),
 * and the connection goes to the checked address, so a name that resolves differently a moment later
 * (DNS rebinding) gains nothing; redirects are followed by hand, each hop checked like the first; the
 * response is cut off at the size limit and the whole read at the time limit.
 * @example const { content } = await reader.read('https://docs.example.com/api.yaml');
 */
export class UrlReader {
  readonly #allow: AllowList;
  readonly #config: Readonly<ReadingConfig>;
  readonly #hostedBlobs: HostedBlobs | undefined;

  constructor(config: ReadingConfig, options: { hostedBlobs?: HostedBlobs } = {}) {
    this.#config = Object.freeze({ ...config, allow: [...config.allow] });
    this.#allow = new AllowList(config.allow);
    this.#hostedBlobs = options.hostedBlobs;
  }

  /** How a configured git host's file page is read through its API with the host's credentials; undefined otherwise. */
  hostedBlob(url: URL, signal?: AbortSignal): Promise<{ url: string; headers: Record<string, string> } | undefined> {
    return this.#hostedBlobs?.hostedBlob(url, signal) ?? Promise.resolve(undefined);
  }

  /**
   * Whether a repository is on a git host with a configured integration (then it is cloned only under this
   * reader's policy), and the credentials to clone it with; undefined for any other host.
   */
  hostedClone(repository: URL, signal?: AbortSignal): Promise<{ credentials?: GitCredentials } | undefined> {
    return this.#hostedBlobs?.hostedClone(repository, signal) ?? Promise.resolve(undefined);
  }

  /** The most a clone made under this policy may take on disk, in bytes. */
  get maxCloneBytes(): number {
    return this.#config.maxCloneBytes;
  }

  /** The largest response read, in bytes. */
  get maxBytes(): number {
    return this.#config.maxBytes;
  }

  /** The longest one read may take (a clone through `admit` is held to it too). */
  get timeoutSeconds(): number {
    return this.#config.timeoutSeconds;
  }

  /** Whether a text is a URL this reader would try (http or https), as opposed to a path. */
  static isUrl(text: string): boolean {
    return /^https?:\/\//i.test(text);
  }

  /**
   * Checks a URL against the list and resolves its host, refusing what the policy refuses; what other
   * clients (git) connect to once admitted is the answer's address.
   */
  async admit(target: string | URL, from?: URL): Promise<AdmittedUrl> {
    let url: URL;
    try {
      url = new URL(target, from);
    } catch {
      throw new ReadingError('not-allowed', `${from ? 'a redirect' : 'the URL'} is not a valid URL`);
    }
    const entry = this.#allow.match(url);
    if (!entry) {
      const hop = from ? `${shownUrl(from)} redirected to ${shownUrl(url)}, which` : shownUrl(url);
      const why = url.protocol !== 'http:' && url.protocol !== 'https:' ? 'is not an http or https URL' : url.username || url.password ? 'carries credentials' : `is not on the reading allow-list (${SETTING})`;
      throw new ReadingError('not-allowed', `${hop} ${why}`);
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const literal = isIP(host);
    const addresses = literal ? [{ address: host, family: literal }] : await lookup(host, { all: true, verbatim: true }).catch(() => []);
    if (!addresses.length) throw new ReadingError('unreachable', `${url.host} could not be resolved`);
    // An address written in the entry itself is listed explicitly; a name needs the entry's consent.
    const listed = literal !== 0 || entry.allowPrivateAddresses === true;
    if (!listed && addresses.some(a => isNonPublicAddress(a.address))) {
      throw new ReadingError(
        'private-address',
        `${url.host} resolves to a private, loopback or link-local address; list that address in ${SETTING}, or set allowPrivateAddresses on the entry for ${url.host}, to read from it`,
      );
    }
    const [first] = addresses;
    return { url, address: first!.address, family: first!.family === 6 ? 6 : 4 };
  }

  /**
   * Reads a URL's content under the policy (see the class).
   * @throws ReadingError naming what refused or failed
   */
  async read(target: string, options: ReadOptions = {}): Promise<ReadResult> {
    const maxBytes = Math.min(options.maxBytes ?? this.#config.maxBytes, this.#config.maxBytes);
    const timeout = AbortSignal.timeout(this.#config.timeoutSeconds * 1000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let admitted = await this.admit(target);
    const origin = admitted.url.origin;
    try {
      for (let hop = 0; ; hop++) {
        const response = await get(admitted, signal, admitted.url.origin === origin ? options.headers : undefined);
        const location = response.headers.location;
        if (REDIRECTS.has(response.statusCode ?? 0) && location) {
          response.destroy();
          if (hop >= this.#config.maxRedirects) throw new ReadingError('too-many-redirects', `${shownUrl(new URL(target))} redirected more than ${this.#config.maxRedirects} times`);
          admitted = await this.admit(location, admitted.url);
          continue;
        }
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299) {
          response.destroy();
          if (status === 404 || status === 410) throw new ReadingError('not-found', `${shownUrl(admitted.url)} was not found (HTTP ${status})`);
          throw new ReadingError('http-status', `${shownUrl(admitted.url)} answered HTTP ${status}`);
        }
        const content = await body(response, maxBytes, admitted.url);
        const contentType = response.headers['content-type'];
        return { content, url: admitted.url.href, ...(contentType ? { contentType } : {}) };
      }
    } catch (error) {
      if (error instanceof ReadingError) throw error;
      if (timeout.aborted) throw new ReadingError('timeout', `${shownUrl(admitted.url)} did not answer within ${this.#config.timeoutSeconds} seconds (reading.timeoutSeconds)`);
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      throw new ReadingError('unreachable', `${shownUrl(admitted.url)} could not be read: ${(error as Error).message}`);
    }
  }
}

/** One GET to the admitted address (the name still sent as Host and, over TLS, as the server name checked). */
function get(admitted: AdmittedUrl, signal: AbortSignal, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: admitted.address, family: admitted.family }]);
    else callback(null, admitted.address, admitted.family);
  };
  const request = admitted.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(admitted.url, { method: 'GET', lookup: pinned, signal, headers: { accept: '*/*', 'user-agent': 'Pave', ...headers } }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/** The response body, refused as soon as it is (or says it will be) larger than `maxBytes`. */
async function body(response: IncomingMessage, maxBytes: number, url: URL): Promise<Buffer> {
  const tooLarge = () => new ReadingError('too-large', `${shownUrl(url)} is larger than the limit of ${maxBytes} bytes (reading.maxBytes)`);
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
