import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupAddress } from 'node:dns';
import type { AddressPolicy } from './address-policy.js';

/** What one attempt to send a delivery came to. */
export interface SendOutcome {
  /** A 2xx answer came. */
  ok: boolean;
  /** The receiver's status; absent when no answer came (blocked, refused, timed out). */
  statusCode?: number;
  durationMs: number;
  /** Why it did not succeed, in one line (never the body or the secret). */
  error?: string;
}

/** Answers longer than this are cut off: only the status matters. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Sends one webhook POST with the address guard applied where it counts: the host name is resolved here,
 * every address it resolves to must pass the policy, and the connection goes to one of those very
 * addresses (the socket's lookup is pinned to them), so a name that resolves to a public address when
 * checked and a private one when connecting (DNS rebinding) cannot reach the inside. Redirects are not
 * followed (a 3xx is a failure); the whole attempt — resolution, connection, answer — has one deadline.
 * @example const outcome = await new WebhookSender({ policy, timeoutMs: 10_000 }).send(url, body, headers);
 */
export class WebhookSender {
  readonly #policy: AddressPolicy;
  readonly #timeoutMs: number;

  constructor(options: { policy: AddressPolicy; timeoutMs: number }) {
    this.#policy = options.policy;
    this.#timeoutMs = options.timeoutMs;
  }

  async send(target: string, body: string, headers: Record<string, string>): Promise<SendOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    try {
      const url = new URL(target);
      const refused = this.#policy.refusesHost(url.hostname);
      if (refused) return { ok: false, durationMs: elapsed(), error: `blocked: ${refused}` };
      const addresses = await this.#resolve(url.hostname.replace(/^\[|\]$/g, ''), deadline);
      for (const { address } of addresses) {
        const blocked = this.#policy.refusesAddress(url.hostname, address);
        if (blocked) return { ok: false, durationMs: elapsed(), error: `blocked: ${url.hostname} ${blocked}` };
      }
      const statusCode = await post(url, body, headers, addresses, deadline);
      const ok = statusCode >= 200 && statusCode < 300;
      const error = ok ? undefined : statusCode >= 300 && statusCode < 400 ? `answered ${statusCode}: redirects are not followed` : `answered ${statusCode}`;
      return { ok, statusCode, durationMs: elapsed(), ...(error ? { error } : {}) };
    } catch (error) {
      const message = deadline.aborted ? `timed out after ${this.#timeoutMs} ms` : oneLine(error);
      return { ok: false, durationMs: elapsed(), error: message };
    }
  }

  async #resolve(host: string, deadline: AbortSignal): Promise<LookupAddress[]> {
    const resolved = lookup(host, { all: true, verbatim: true });
    const addresses = await new Promise<LookupAddress[]>((resolve, reject) => {
      deadline.addEventListener('abort', () => reject(deadline.reason as Error), { once: true });
      resolved.then(resolve, reject);
    });
    if (!addresses.length) throw new Error(`${host} resolves to no address`);
    return addresses;
  }
}

/** POSTs to `url`, connecting only to `addresses`; resolves with the status once the answer is read. */
function post(url: URL, body: string, headers: Record<string, string>, addresses: LookupAddress[], deadline: AbortSignal): Promise<number> {
  const pinned = (_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const request = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinned as never,
      agent: false,
      signal: deadline,
    });
    request.once('error', reject);
    request.once('response', response => {
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) response.destroy();
      });
      response.once('close', () => resolve(response.statusCode ?? 0));
      response.once('error', () => resolve(response.statusCode ?? 0));
    });
    request.end(body);
  });
}

function oneLine(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  const text = err?.code ? `${err.code}: ${err.message}` : String(err?.message ?? error);
  return text.replace(/\s+/g, ' ').slice(0, 500);
}
