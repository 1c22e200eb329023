import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitWebUrl } from '../../reading/git-web-url.js';
import type { UrlReader } from '../../reading/url-reader.js';
import { cloneWebUrl } from '../../reading/web-url-clone.js';

/**
 * The clones of remote repositories made during one collection pass: one shallow clone per (repository, ref),
 * made under the reading policy on first ask (without credentials: `source-location` is anyone's to write) and shared by every entity of that repository in the pass, all
 * removed by {@link close}. Many entities of one repository cost one clone, not one each.
 * @example const checkouts = new RemoteCheckouts(reader); try { await checkouts.checkout(remote) } finally { await checkouts.close() }
 */
export class RemoteCheckouts {
  readonly #reader: UrlReader;
  readonly #clones = new Map<string, Promise<string | undefined>>();
  #dir: Promise<string> | undefined;

  constructor(reader: UrlReader) {
    this.#reader = reader;
  }

  /** The checked-out root of `remote`'s repository at its ref, or undefined when the policy refuses it or it cannot be cloned. */
  checkout(remote: GitWebUrl): Promise<string | undefined> {
    const key = `${remote.repository.href}\u0000${remote.ref}`;
    let clone = this.#clones.get(key);
    if (!clone) {
      clone = this.#clone({ ...remote, path: '' }, String(this.#clones.size));
      this.#clones.set(key, clone);
    }
    return clone;
  }

  /** Removes every clone of the pass. */
  async close(): Promise<void> {
    const dir = this.#dir;
    this.#dir = undefined;
    await Promise.allSettled(this.#clones.values());
    this.#clones.clear();
    if (dir) await rm(await dir, { recursive: true, force: true });
  }

  async #clone(remote: GitWebUrl, name: string): Promise<string | undefined> {
    this.#dir ??= mkdtemp(join(tmpdir(), 'pave-scorecards-')).then(dir => realpath(dir));
    return cloneWebUrl(this.#reader, remote, join(await this.#dir, name), 'anonymous').catch(() => undefined);
  }
}
