/**
 * A secret in the configuration is never written in the file itself: it names an environment variable
 * (`{ $env: GITHUB_TOKEN }`) or a file (`{ $file: /run/secrets/github-token }`, e.g. a mounted
 * Kubernetes secret). Both are read when the secret is used, so a rotated file is picked up without a
 * restart and the configuration object never holds the value.
 */
import { readFile } from 'node:fs/promises';
import { unavailable } from '../core/problem.js';

export type SecretRef = { $env: string } | { $file: string };

/** True for a well-formed reference (validation names the field otherwise). */
export function isSecretRef(value: unknown): value is SecretRef {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1) return false;
  const [key] = keys;
  const named = (value as Record<string, unknown>)[key!];
  return (key === '$env' && typeof named === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(named)) || (key === '$file' && typeof named === 'string' && named.startsWith('/'));
}

/** What a validation message says a secret must look like. */
export const SECRET_REF_RULE = 'must name where the secret is, never hold it: { $env: VARIABLE } or { $file: /absolute/path }';

/**
 * The secret's value, trimmed (files usually end with a line break). A variable that is not set or a file
 * that cannot be read is a 503 naming the variable or file, never the value.
 * @example await readSecret({ $env: 'GITHUB_TOKEN' }, 'integrations.github[0].token')
 */
export async function readSecret(ref: SecretRef, what: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if ('$env' in ref) {
    const value = env[ref.$env]?.trim();
    if (!value) throw unavailable(`${what} comes from the environment variable ${ref.$env}, which is not set`);
    return value;
  }
  try {
    const value = (await readFile(ref.$file, 'utf8')).trim();
    if (!value) throw new Error('the file is empty');
    return value;
  } catch (error) {
    throw unavailable(`${what} comes from the file ${ref.$file}, which cannot be read: ${(error as Error).message}`);
  }
}
