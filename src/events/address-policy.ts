import { BlockList, isIP } from 'node:net';
import { isNonPublicAddress } from '../core/non-public-address.js';

/**
 * Where webhooks may send: public addresses, plus what `events.webhooks.allowedHosts` opens (host names,
 * addresses, CIDRs). Asked twice: when a subscription is saved (its host as written: an address literal or
 * `localhost`), and when a delivery connects (every address the name resolves to, so a name that resolves
 * to a private address — or starts to, DNS rebinding — is refused then). Configuration is copied and frozen.
 * @example
 *   const policy = new AddressPolicy(['127.0.0.1']);
 *   policy.refusesHost('10.0.0.1') // '10.0.0.1 is a loopback, private, link-local or otherwise non-public address …'
 *   policy.refusesAddress('hooks.example', '127.0.0.1') // undefined: allowed by the list
 */
export class AddressPolicy {
  readonly #allowedNames: ReadonlySet<string>;
  readonly #allowedAddresses = new BlockList();
  readonly allowedHosts: readonly string[];

  constructor(allowedHosts: readonly string[] = []) {
    this.allowedHosts = Object.freeze([...allowedHosts]);
    const names = new Set<string>();
    for (const entry of allowedHosts) {
      const [address = '', bits] = entry.split('/');
      const family = isIP(address);
      if (family === 0) names.add(canonicalName(entry));
      else if (bits === undefined) this.#allowedAddresses.addAddress(address, family === 4 ? 'ipv4' : 'ipv6');
      else this.#allowedAddresses.addSubnet(address, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
    }
    this.#allowedNames = names;
  }

  /**
   * Why a host as written in a URL may not be targeted, or undefined when it may (for now: a name is
   * checked again, resolved, at each delivery). `hostname` is `URL.hostname` (IPv6 in brackets).
   */
  refusesHost(hostname: string): string | undefined {
    const host = unbracket(hostname);
    if (this.#allowedNames.has(canonicalName(host))) return undefined;
    if (isIP(host)) return this.refusesAddress(host, host);
    const name = canonicalName(host);
    if (name === 'localhost' || name.endsWith('.localhost')) return `${host} is a loopback name (events.webhooks.allowedHosts opens it)`;
    return undefined;
  }

  /** Why `address` (one the host resolved to) may not be connected to, or undefined when it may. */
  refusesAddress(hostname: string, address: string): string | undefined {
    if (this.#allowedNames.has(canonicalName(unbracket(hostname)))) return undefined;
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (this.#allowedAddresses.check(address, family)) return undefined;
    if (isNonPublicAddress(address)) return `${address} is a loopback, private, link-local or otherwise non-public address (events.webhooks.allowedHosts opens it)`;
    return undefined;
  }
}

/** Host names compare case-insensitively and without a trailing dot. */
function canonicalName(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
