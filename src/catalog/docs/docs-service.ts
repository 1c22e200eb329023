import { realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Entity } from '../../core/entity.js';
import { entityRefOf } from '../../core/entity-ref.js';
import { joinPointer, notFound } from '../../core/problem.js';
import type { Store } from '../../store/store.js';
import type {} from '../catalog-tables.js'; // the tables it queries, for Kysely's types
import type { EntityReader } from '../query/entity-reader.js';
import type { LocationService } from '../location-service.js';
import { parseGitTarget } from '../ingest/location-target.js';
import { cloneTree, type SourceTree } from '../ingest/source-tree.js';
import { isInside } from '../../core/is-inside.js';
import { ANNOTATION_TECHDOCS_REF, docsRootOf, readDocsAsset, readDocsPage, readDocsSite, type DocsNavItem, type DocsSite } from './techdocs-site.js';
import { gitWebUrl } from '../../reading/git-web-url.js';
import type { UrlReader } from '../../reading/url-reader.js';
import { pathInClone } from '../../reading/web-url-clone.js';
import { RemoteDocsCache } from './remote-docs-cache.js';

/** Most pages of one entity's docs read for search. */
const MAX_INDEXED_PAGES = 200;

/**
 * An entity's Markdown docs, read from beside its catalog file (a folder, or a shallow clone of its
 * location's repository, kept per commit) for `techdocs-ref: dir:…`, or from a git host's folder or file page
 * for `techdocs-ref: url:…` (cloned through the reading allow-list, the clone kept per commit). Every file is confined to the docs' own tree, as ingestion confines it.
 */
export class DocsService {
  /** Clones docs are read from (`url:` docs', `url` locations'), by (repository, commit). */
  readonly #remote: RemoteDocsCache;

  constructor(
    private readonly store: Store,
    private readonly entities: EntityReader,
    private readonly locations: LocationService,
    /** Largest page or image served, in bytes. */
    private readonly maxFileBytes: number,
    /** Reads `url:` docs under the reading allow-list; none: they are not served. */
    private readonly reader?: UrlReader,
  ) {
    this.#remote = new RemoteDocsCache(reader);
  }

  async site(ref: string): Promise<DocsSite> {
    return this.#withDocs(ref, async root => {
      const { siteName, nav } = await readDocsSite(root);
      return { siteName, nav };
    });
  }

  async page(ref: string, path: string): Promise<{ path: string; markdown: string }> {
    return this.#withDocs(ref, async root => {
      const { docsDir } = await readDocsSite(root);
      return { path, markdown: await readDocsPage(docsDir, path, this.maxFileBytes) };
    });
  }

  /**
   * Every page the docs' navigation names (at most 200), read in one pass over the entity's tree (one
   * clone for a git location), for the search index. A page that cannot be read is left out.
   */
  async pages(ref: string): Promise<Array<{ path: string; markdown: string }>> {
    return this.#withDocs(ref, async root => {
      const { docsDir, nav } = await readDocsSite(root);
      const paths = [...new Set(navPaths(nav))].slice(0, MAX_INDEXED_PAGES);
      const pages = [];
      for (const path of paths) {
        const markdown = await readDocsPage(docsDir, path, this.maxFileBytes).catch(() => undefined);
        if (markdown !== undefined) pages.push({ path, markdown });
      }
      return pages;
    });
  }

  async asset(ref: string, path: string): Promise<{ content: Buffer; contentType: string }> {
    return this.#withDocs(ref, async root => readDocsAsset((await readDocsSite(root)).docsDir, path, this.maxFileBytes));
  }

  async #withDocs<T>(ref: string, read: (root: string) => Promise<T>): Promise<T> {
    const entity = await this.entities.byRef(ref);
    if (!entity) throw notFound(`No entity ${ref}`);
    const docsRef = entity.metadata.annotations?.[ANNOTATION_TECHDOCS_REF];
    if (docsRef?.startsWith('url:')) return this.#withRemoteDocs(entity, docsRef.slice('url:'.length), read);
    const row = await this.store.db.selectFrom('entities').select(['source', 'location_id']).where('ref', '=', ref.toLocaleLowerCase('en-US')).executeTakeFirst();
    const source = row?.source;
    const noSource = () => notFound(`${ref} has no source files, so it has no docs`);
    if (source?.startsWith('file:') && row?.location_id) {
      const file = source.slice('file:'.length);
      const tree = await this.locations.fileTreeOf(row.location_id, file);
      if (!tree) throw noSource();
      return read(await this.#docsRoot(entity, file, tree));
    }
    if (source?.startsWith('url:')) {
      const git = parseGitTarget(source.slice('url:'.length));
      return this.#remote.withLocationClone(git, async dir => read(await this.#docsRoot(entity, join(dir, git.path), cloneTree(dir, git))));
    }
    throw noSource();
  }

  /**
   * Docs at a git host's folder or file page (a file's folder: `mkdocs.yml`'s, say): a clone of its repository
   * at the commit its ref names now, kept by (repository, commit) (`RemoteDocsCache`), made through the reading
   * allow-list without credentials: the annotation is anyone's to write, so it never borrows the integration's token.
   */
  async #withRemoteDocs<T>(entity: Entity, url: string, read: (root: string) => Promise<T>): Promise<T> {
    const field = [{ pointer: joinPointer('metadata', 'annotations', ANNOTATION_TECHDOCS_REF), detail: "must be url: and a git host's folder or file page (https://host/owner/repo/tree/main/docs-folder)" }];
    const web = URL.canParse(url) ? gitWebUrl(new URL(url)) : undefined;
    if (!web || !this.reader) throw notFound(`${entityRefOf(entity)} has docs at ${ANNOTATION_TECHDOCS_REF} url:, which Pave reads only from a git host's folder or file page`, field);
    return this.#remote.withClone(web, async clone => {
      const real = await realpath(await pathInClone(clone, web)).catch(() => undefined);
      const info = real ? await stat(real) : undefined;
      const root = info?.isFile() ? dirname(real!) : real;
      if (!root || !(info?.isFile() || info?.isDirectory()) || !isInside(clone, root)) throw notFound(`${entityRefOf(entity)}'s docs folder was not found in its repository`, field);
      return read(root);
    });
  }

  /** Removes the clones kept for docs. */
  async close(): Promise<void> {
    await this.#remote.close();
  }

  /** The docs folder, resolved from the entity's own file as the tree sees it (that file may itself be a link). */
  async #docsRoot(entity: Entity, file: string, tree: SourceTree): Promise<string> {
    const real = await tree.confine(file);
    if (!real) throw notFound(`${entityRefOf(entity)} has no source files, so it has no docs`);
    return docsRootOf(entity, real, tree);
  }
}

const navPaths = (items: readonly DocsNavItem[]): string[] => items.flatMap(item => [...(item.path ? [item.path] : []), ...navPaths(item.children ?? [])]);
