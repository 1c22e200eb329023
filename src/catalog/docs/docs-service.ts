import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notFound } from '../../core/problem.js';
import { runGit } from '../../core/run-git.js';
import type { Store } from '../../store/store.js';
import type { EntityReader } from '../query/entity-reader.js';
import { parseGitTarget } from '../ingest/location-target.js';
import { docsFolderOf, readDocsAsset, readDocsPage, readDocsSite, type DocsSite } from './techdocs-site.js';

/** An entity's Markdown docs, read from beside its catalog file (a folder, or a shallow clone of its repository). */
export class DocsService {
  constructor(
    private readonly store: Store,
    private readonly entities: EntityReader,
  ) {}

  async site(ref: string): Promise<DocsSite> {
    return this.#withDocs(ref, async root => {
      const { siteName, nav } = await readDocsSite(root);
      return { siteName, nav };
    });
  }

  async page(ref: string, path: string): Promise<{ path: string; markdown: string }> {
    return this.#withDocs(ref, async root => {
      const { docsDir } = await readDocsSite(root);
      return { path, markdown: await readDocsPage(docsDir, path) };
    });
  }

  async asset(ref: string, path: string): Promise<{ content: Buffer; contentType: string }> {
    return this.#withDocs(ref, async root => readDocsAsset((await readDocsSite(root)).docsDir, path));
  }

  async #withDocs<T>(ref: string, read: (root: string) => Promise<T>): Promise<T> {
    const entity = await this.entities.byRef(ref);
    if (!entity) throw notFound(`No entity ${ref}`);
    const row = await this.store.db.selectFrom('entities').select('source').where('ref', '=', ref.toLocaleLowerCase('en-US')).executeTakeFirst();
    const source = row?.source;
    if (source?.startsWith('file:')) return read(docsFolderOf(entity, source.slice('file:'.length)).root);
    if (source?.startsWith('url:')) {
      const git = parseGitTarget(source.slice('url:'.length));
      const dir = await mkdtemp(join(tmpdir(), 'pave-docs-'));
      try {
        await runGit(['clone', '--quiet', '--depth', '1', ...(git.ref && git.ref !== 'HEAD' ? ['--branch', git.ref] : []), git.repository, dir]);
        return await read(docsFolderOf(entity, join(dir, git.path)).root);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    throw notFound(`${ref} has no source files, so it has no docs`);
  }
}
