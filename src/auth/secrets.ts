import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Random secrets for tokens and sessions, and comparing them. */

/**
 * A new random secret (256 bits, base64url) with a readable prefix.
 * @example newSecret('pave_') // 'pave_Zk3…'
 */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Compares two strings in constant time (for CSRF tokens and the like). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
