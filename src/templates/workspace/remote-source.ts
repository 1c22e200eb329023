/**
 * What a `fetch:*` url names when it is an http(s) URL: a folder or file of a git repository, written as
 * a git host shows it (GitHub's `/owner/repo/tree/<ref>/<path>` and `/blob/…`, GitLab's
 * `/group/project/-/tree/<ref>/<path>`), cloned through the reading module; or any other URL, read as
 * one file. Both go through the reading allow-list.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitWebUrl } from '../../reading/git-web-url.js';
import type { UrlReader } from '../../reading/url-reader.js';
import { cloneWebUrl } from '../../reading/web-url-clone.js';

/**
 * Brings what an http(s) url names into `dir` (missing or empty; the caller removes it) and answers its
 * path there: the folder or file inside a clone, or the one file read.
 * @throws ReadingError when the policy refuses the URL or it cannot be read
 */
export async function fetchRemote(reader: UrlReader, url: string, dir: string): Promise<string> {
  const web = gitWebUrl(new URL(url));
  if (web) return cloneWebUrl(reader, web, dir, 'integration');
  const { content } = await reader.read(url);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'fetched');
  await writeFile(file, content);
  return file;
}
