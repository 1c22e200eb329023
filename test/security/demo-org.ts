/**
 * The attack suites' target: Pave as `npm start` runs it (authorization on, the demo guest sign-in, the
 * demo organisation and golden paths), with the demo registered from a copy so that edits write to the
 * copy, never to the repository's own demo files. Attackers are an ordinary developer signed in with a
 * token, and the guest signed in with a browser session (cookie and CSRF token).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultAuthConfig, type RateLimits } from '../../src/auth/auth-config.js';
import type { PaveConfig } from '../../src/pave-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { CookieJar, bearer, tokenFor } from '../auth/support.js';

const DEMO = fileURLToPath(new URL('../../demo', import.meta.url));

/** A demo user in checkout-team only (not the guest, not an admin). */
export const DEVELOPER = 'user:default/jonah.pereira';
/** The demo guest (Priya Raman, checkout-team). */
export const GUEST = 'user:default/priya.raman';
/** A platform-team member: an admin under the default policy. */
export const ADMIN = 'user:default/ruth.abernathy';

/** Calls the API as someone; JSON bodies are sent as JSON. */
export type Caller = (path: string, init?: { method?: string; body?: unknown }) => Promise<Response>;

export interface DemoPave {
  pave: RunningPave;
  /** The copy of `demo/` the catalog reads (and edits write to). */
  demoDir: string;
  developer: Caller;
  guest: Caller;
  admin: Caller;
  close(): Promise<void>;
}

/**
 * Starts the demo with authorization on and signs the attackers in.
 * @example const demo = await startDemoPave(); const res = await demo.developer('/api/auth/me');
 */
export async function startDemoPave(options: { config?: Partial<PaveConfig>; rateLimit?: RateLimits } = {}): Promise<DemoPave> {
  const demoDir = mkdtempSync(join(tmpdir(), 'pave-security-demo-'));
  cpSync(DEMO, demoDir, { recursive: true });
  const auth = { ...defaultAuthConfig(), guest: true, ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}) };
  const pave = await startPave({ config: { ...options.config, auth } });
  await pave.app.catalog.locations.register({ type: 'file', target: join(demoDir, 'all.yaml') });
  const withToken = async (user: string): Promise<Caller> => {
    const token = await tokenFor(pave.app, user);
    return (path, init = {}) =>
      fetch(pave.url + path, {
        method: init.method ?? 'GET',
        headers: { ...bearer(token), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
  };
  const jar = new CookieJar();
  const signIn = await jar.fetch(`${pave.url}/api/auth/login?method=guest&returnTo=/`);
  if (!jar.get('pave_session')) throw new Error(`guest sign-in failed: ${signIn.response.status}`);
  const guest: Caller = async (path, init = {}) =>
    (
      await jar.fetch(pave.url + path, {
        method: init.method ?? 'GET',
        headers: { 'x-pave-csrf': jar.get('pave_csrf') ?? '', ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      })
    ).response;
  return {
    pave,
    demoDir,
    developer: await withToken(DEVELOPER),
    guest,
    admin: await withToken(ADMIN),
    async close() {
      await pave.close();
      rmSync(demoDir, { recursive: true, force: true });
    },
  };
}
