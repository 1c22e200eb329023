import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { badRequest } from '../core/problem.js';

/** What ~/.config/pave/credentials holds (JSON, readable by its owner only). */
export interface StoredCredentials {
  /** The server commands go to when none is named (the last one signed in to). */
  current?: string;
  servers: Record<string, { token: string; principal: string; savedAt: string }>;
}

/** `$XDG_CONFIG_HOME/pave/credentials`, else `~/.config/pave/credentials`. */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'pave', 'credentials');
}

export function readCredentials(path = credentialsPath()): StoredCredentials {
  if (!existsSync(path)) return { servers: {} };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoredCredentials>;
    return { ...parsed, servers: parsed.servers ?? {} };
  } catch (error) {
    throw badRequest(`Could not read ${path}: ${(error as Error).message}`);
  }
}

export function writeCredentials(credentials: StoredCredentials, path = credentialsPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** A server as credentials key it: its origin (`https://pave.example.com`); a 400 problem for anything but http(s). */
export function serverUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest(`${url} is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw badRequest(`${url} must be an http(s) URL`);
  return parsed.origin;
}
