import { BlockList, isIP } from 'node:net';

/**
 * Addresses that are not on the public internet: loopback, private, link-local, carrier-grade NAT,
 * multicast, documentation and reserved ranges, and the IPv6 forms that can smuggle an IPv4 address
 * (NAT64, 6to4, Teredo, IPv4-compatible). IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is matched by the IPv4
 * ranges themselves.
 */
const NON_PUBLIC: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 96, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001::', 32, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const nonPublic = new BlockList();
for (const [network, prefix, family] of NON_PUBLIC) nonPublic.addSubnet(network, prefix, family);

/**
 * Whether an address (IPv4 or IPv6, as resolved or written without brackets) is not on the public internet.
 * Shared by everything that connects where someone else chose: webhooks and URL reads.
 * @example isNonPublicAddress('169.254.169.254') // true
 */
export function isNonPublicAddress(address: string): boolean {
  return nonPublic.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}
