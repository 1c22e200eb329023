import { lstat, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitWebUrl } from './git-web-url.js';
import { ReadingError, shownUrl } from './reading-error.js';
import type { UrlReader } from './url-reader.js';
import { cloneWebUrl, type SignIn } from './web-url-clone.js';

/**
 * The content of one remote file: with `signIn: 'integration'`, a file page on a git host with a configured
 * integration through its provider's API, signed in with the host's credentials (private repositories too);
 * another git host's file page (`…/blob/<ref>/<path>`, whose page is HTML, not the file) from a shallow clone
 * of its repository (signed in as `signIn` says); any other URL read as it is — all under the reading policy
 * (the API's URL must be on the allow-list too). The caller decides `signIn` (catalog placeholders:
 * `placeholder-sign-in.ts`).
 * @example const text = (await readRemoteFile(reader, 'https://github.com/acme/api/blob/main/openapi.yaml', { maxBytes, signIn: 'integration' })).toString('utf8');
 * @throws ReadingError naming what refused or failed
 */
export async function readRemoteFile(reader: UrlReader, url: string, options: { maxBytes?: number; signIn: SignIn }): Promise<Buffer> {
  const { signIn, ...limits } = options;
  const hosted = signIn === 'integration' ? await reader.hostedBlob(new URL(url)) : undefined;
  if (hosted) return (await reader.read(hosted.url, { ...limits, headers: hosted.headers })).content;
  const web = gitWebUrl(new URL(url));
  if (!web || web.kind === 'tree') return (await reader.read(url, limits)).content;
  const dir = await mkdtemp(join(tmpdir(), 'pave-blob-'));
  try {
    const file = await cloneWebUrl(reader, web, join(dir, 'tree'), signIn);
    const info = await lstat(file).catch(() => undefined);
    if (!info?.isFile()) throw new ReadingError('not-found', `${shownUrl(web.repository)} has no file ${web.path} at ${web.ref}`);
    const limit = Math.min(options.maxBytes ?? Infinity, reader.maxBytes);
    if (info.size > limit) throw new ReadingError('too-large', `${shownUrl(new URL(url))} is larger than the limit of ${limit} bytes`);
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
