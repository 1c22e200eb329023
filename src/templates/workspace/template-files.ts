/**
 * The files beside a template (its skeletons), read-only. `fetch:*` actions read from here: a
 * template's own folder (a file location), a shallow clone of its git repository, or the files sent
 * with a dry run; and, through the reading allow-list, http(s) URLs (`remote-source.ts`). Paths are
 * confined to the tree; symbolic links are followed only while they stay inside the fetched folder and
 * end at a file (chains too); dangling links, links to folders and links that leave are refused with an
 * error naming them.
 */
import { lstat, mkdtemp, readFile, readdir, readlink, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { invalidInput, isPaveError } from '../../core/problem.js';
import { shallowClone } from '../../git/clone.js';
import { UrlReader } from '../../reading/url-reader.js';
import { fetchRemote } from './remote-source.js';
import { parseGitTarget } from '../../catalog/ingest/location-target.js';
import { confinePath, pathError } from './safe-path.js';
import { isInside } from '../../core/is-inside.js';

/** One file or folder of a fetched tree. */
export interface SourceEntry {
  /** Relative to the fetched folder, with `/`. */
  path: string;
  type: 'file' | 'directory';
  /** The real file to read (links resolved, always inside the fetched folder). */
  absolute: string;
  executable: boolean;
  size: number;
  /** Set when the entry was a symbolic link (inside the folder) that was resolved to its file. */
  linkedFrom?: string;
}

const MAX_LINK_HOPS = 16;
const MAX_ENTRIES = 20_000;
const MAX_TOTAL_BYTES = 200 * 1024 * 1024;

export class TemplateFiles {
  readonly #dispose: () => Promise<void>;
  /** Reads http(s) urls under the reading allow-list; without it they are refused. */
  readonly #reader: UrlReader | undefined;
  /** Folders that remote fetches were brought into, removed by `dispose`. */
  readonly #fetched: string[] = [];

  /**
   * @param root the folder nothing may be read outside of (a repository clone, a location's folder)
   * @param baseDir the template file's folder, which relative URLs start from
   * @param reader what reads http(s) urls (the reading module's); none: they are refused
   */
  constructor(
    readonly root: string,
    readonly baseDir: string,
    dispose: () => Promise<void> = async () => undefined,
    reader?: UrlReader,
  ) {
    this.#dispose = dispose;
    this.#reader = reader;
  }

  /**
   * Opens a template's files from where the catalog read it: `file:<path>` (confined to `root`, or the
   * template's folder) or `url:<repository>#<ref>:<path>` (a shallow clone, removed by `dispose`).
   * @example const files = await TemplateFiles.open('file:/srv/templates/ts/template.yaml'); … await files.dispose();
   */
  static async open(baseUrl: string, options: { root?: string; reader?: UrlReader | undefined } = {}): Promise<TemplateFiles> {
    if (baseUrl.startsWith('file:')) {
      const file = baseUrl.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
      const baseDir = dirname(file);
      const root = options.root && isInside(options.root, baseDir) ? options.root : baseDir;
      return new TemplateFiles(root, baseDir, undefined, options.reader);
    }
    if (baseUrl.startsWith('url:')) {
      const git = parseGitTarget(baseUrl.slice('url:'.length));
      const dir = await mkdtemp(join(tmpdir(), 'pave-template-'));
      const dispose = () => rm(dir, { recursive: true, force: true });
      try {
        await shallowClone(git.repository, dir, { branch: git.ref });
      } catch (error) {
        await dispose();
        throw invalidInput(`Could not fetch the template's repository ${git.repository}: ${(error as Error).message}`);
      }
      return new TemplateFiles(dir, dirname(resolve(dir, git.path)), dispose, options.reader);
    }
    throw invalidInput(`The template's files cannot be read from ${baseUrl}: Pave reads templates from file and git locations`);
  }

  /** For a template that has no files beside it (saved through the API): every fetch of a path explains why it fails. */
  static none(reason: string, reader?: UrlReader): TemplateFiles {
    const files = new TemplateFiles('/nonexistent', '/nonexistent', undefined, reader);
    files.#missing = reason;
    return files;
  }

  #missing: string | undefined;

  async dispose(): Promise<void> {
    await Promise.all(this.#fetched.splice(0).map(dir => rm(dir, { recursive: true, force: true })));
    await this.#dispose();
  }

  /**
   * What a `fetch:*` url names, listed: a path of the template's own files (`resolveUrl`), or an http(s)
   * URL brought in through the reading allow-list (a git host's tree or blob URL cloned, any other URL
   * read as one file). `source` is the fetched folder or file.
   * @example const { source, entries } = await files.fetch('./skeleton', 'input.url');
   */
  async fetch(url: unknown, what = 'url'): Promise<{ source: string; entries: SourceEntry[] }> {
    if (typeof url !== 'string' || !UrlReader.isUrl(url)) {
      const source = await this.resolveUrl(url, what);
      return { source, entries: await this.walk(source, what) };
    }
    const refused = (detail: string) => invalidInput(`${what} "${url}": ${detail}`, [{ pointer: '', detail, rule: 'remote-url' }]);
    if (!this.#reader) throw refused('remote URLs are not read here');
    const dir = await mkdtemp(join(tmpdir(), 'pave-fetch-'));
    this.#fetched.push(dir);
    let source: string;
    try {
      source = await fetchRemote(this.#reader, url, join(dir, 'tree'));
    } catch (error) {
      if (isPaveError(error) && !error.problem.errors) throw refused(error.problem.detail ?? error.message);
      throw error;
    }
    if (!(await lstat(source).catch(() => undefined))) throw refused('names nothing in its repository');
    return { source, entries: await this.walk(source, what) };
  }

  /**
   * The absolute path of a `fetch:*` url: relative to the template's folder, inside the tree, links
   * resolved inside the tree. Other schemes than http(s) (which `fetch` reads) are refused.
   */
  async resolveUrl(url: unknown, what = 'url'): Promise<string> {
    if (this.#missing) throw invalidInput(`${what} "${String(url)}" cannot be fetched: ${this.#missing}`);
    if (typeof url === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(url)) {
      throw invalidInput(`${what} "${url}" is a URL of a scheme Pave does not fetch; use an http(s) URL or a path relative to the template file such as ./skeleton`, [
        { pointer: '', detail: 'must be a path relative to the template file', rule: 'remote-url' },
      ]);
    }
    // Absolute paths, NUL bytes and non-text are refused as written; relative ones start at the template's folder.
    if (typeof url !== 'string' || isAbsolute(url) || url.includes('\0')) confinePath(this.root, url, what, "the template's folder");
    const lexical = resolve(this.baseDir, url as string);
    if (!isInside(this.root, lexical)) throw pathError(what, url, "points outside the template's folder");
    const real = await realpath(lexical).catch(() => undefined);
    if (!real) throw invalidInput(`${what} "${String(url)}" was not found in the template's folder`, [{ pointer: '', detail: 'was not found', rule: 'not-found' }]);
    const realRoot = await realpath(this.root);
    if (!isInside(realRoot, real)) {
      throw invalidInput(`${what} "${String(url)}" leads outside the template's folder through a symbolic link`, [{ pointer: '', detail: 'leads outside the template folder', rule: 'symlink' }]);
    }
    return real;
  }

  /** Lists a fetched folder (or a single file), following links only inside it. */
  async walk(absolute: string, what = 'url'): Promise<SourceEntry[]> {
    const info = await lstat(absolute);
    if (info.isFile()) return [{ path: '', type: 'file', absolute, executable: (info.mode & 0o111) !== 0, size: info.size }];
    const top = absolute;
    const out: SourceEntry[] = [];
    let total = 0;
    const walkDir = async (dir: string): Promise<void> => {
      for (const name of (await readdir(dir)).sort()) {
        const entryPath = join(dir, name);
        const rel = relative(top, entryPath).split(sep).join('/');
        const stat = await lstat(entryPath);
        if (stat.isDirectory()) {
          out.push({ path: rel, type: 'directory', absolute: entryPath, executable: false, size: 0 });
          await walkDir(entryPath);
        } else if (stat.isFile()) {
          total += stat.size;
          out.push({ path: rel, type: 'file', absolute: entryPath, executable: (stat.mode & 0o111) !== 0, size: stat.size });
        } else if (stat.isSymbolicLink()) {
          const target = await this.#followLink(top, entryPath, rel, what);
          total += target.size;
          out.push({ path: rel, type: 'file', absolute: target.absolute, executable: target.executable, size: target.size, linkedFrom: target.link });
        } else {
          throw invalidInput(`${what}: ${rel} is not a regular file or folder (a socket, device or pipe); refused`, [{ pointer: '', detail: `${rel} is a special file`, rule: 'special-file' }]);
        }
        if (out.length > MAX_ENTRIES) throw invalidInput(`${what}: more than ${MAX_ENTRIES} files to fetch`);
        if (total > MAX_TOTAL_BYTES) throw invalidInput(`${what}: more than ${MAX_TOTAL_BYTES} bytes to fetch`);
      }
    };
    await walkDir(top);
    return out;
  }

  readFile(absolute: string): Promise<Buffer> {
    return readFile(absolute);
  }

  /** Follows a link hop by hop; every hop must stay inside `top`, and the end must be a file. */
  async #followLink(top: string, link: string, rel: string, what: string): Promise<{ absolute: string; executable: boolean; size: number; link: string }> {
    const refuse = (why: string) =>
      invalidInput(`${what}: ${rel} is a symbolic link ${why}; refused`, [{ pointer: '', detail: `${rel} is a symbolic link ${why}`, rule: 'symlink' }]);
    const realTop = await realpath(top);
    let current = link;
    let first = '';
    for (let hop = 0; ; hop++) {
      if (hop > MAX_LINK_HOPS) throw refuse(`in a chain of more than ${MAX_LINK_HOPS} links (or a loop)`);
      const info = await lstat(current).catch(() => undefined);
      if (!info) throw refuse(`whose target ${relative(top, current) || current} does not exist (dangling)`);
      if (!info.isSymbolicLink()) {
        if (info.isDirectory()) throw refuse('to a folder (Pave copies links to files only)');
        if (!info.isFile()) throw refuse('to a special file');
        const real = await realpath(current);
        if (!isInside(realTop, real)) throw refuse('that leads outside the fetched folder');
        return { absolute: real, executable: (info.mode & 0o111) !== 0, size: info.size, link: first };
      }
      const target = await readlink(current);
      if (hop === 0) first = target;
      if (isAbsolute(target)) throw refuse(`to the absolute path ${target}`);
      const next = resolve(dirname(current), target);
      if (!isInside(top, next)) throw refuse(`to ${target}, outside the fetched folder`);
      current = next;
    }
  }
}
