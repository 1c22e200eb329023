import { readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Entity } from '../../core/entity.js';
import { entityRefOf } from '../../core/entity-ref.js';
import { badRequest, joinPointer, notFound } from '../../core/problem.js';
import { SourceTree } from '../ingest/source-tree.js';
import { isInside } from '../../core/is-inside.js';
import { parseYamlDocuments } from '../ingest/yaml-documents.js';

export const ANNOTATION_TECHDOCS_REF = 'backstage.io/techdocs-ref';

export interface DocsNavItem {
  title: string;
  path?: string;
  children?: DocsNavItem[];
}

export interface DocsSite {
  siteName: string;
  nav: DocsNavItem[];
}

/** Largest mkdocs.yml read. */
const MAX_CONFIG_BYTES = 256 * 1024;

/**
 * Finds an entity's docs folder from `backstage.io/techdocs-ref: dir:<path>`, relative to the file that
 * defines the entity (`dir:.` is the file's own folder), as TechDocs reads it — without any Python.
 * The folder's real path must be inside the entity's source tree (its location's folder or clone): an
 * absolute path, a `..` or a symbolic link that leads out of it gives no docs.
 * @example const root = await docsRootOf(entity, '/srv/catalog/shop/catalog-info.yaml', tree); // '/srv/catalog/shop'
 */
export async function docsRootOf(entity: Entity, sourceFile: string, tree: SourceTree): Promise<string> {
  const ref = entity.metadata.annotations?.[ANNOTATION_TECHDOCS_REF];
  if (!ref) throw notFound(`${entityRefOf(entity)} has no docs (no ${ANNOTATION_TECHDOCS_REF} annotation)`);
  if (!ref.startsWith('dir:')) throw notFound(`${entityRefOf(entity)} has docs at ${ref}; Pave renders dir: and url: docs only`);
  const field = [{ pointer: joinPointer('metadata', 'annotations', ANNOTATION_TECHDOCS_REF), detail: "must name a folder inside the entity's own repository or location folder" }];
  const located = await tree.locate(ref.slice('dir:'.length), dirname(sourceFile));
  if (!('path' in located)) {
    throw notFound(
      located.refused === 'outside'
        ? `${entityRefOf(entity)}'s ${ANNOTATION_TECHDOCS_REF} points outside its repository or location folder; Pave serves docs only from inside it`
        : `${entityRefOf(entity)}'s docs folder was not found`,
      field,
    );
  }
  if (!(await stat(located.path)).isDirectory()) throw notFound(`${entityRefOf(entity)}'s ${ANNOTATION_TECHDOCS_REF} does not name a folder`, field);
  return located.path;
}

/**
 * Reads mkdocs.yml (site_name, docs_dir, nav), or lists the Markdown files when there is none. `root` is
 * a real path (from docsRootOf); the Markdown folder answered is the real path of docs_dir, inside it.
 * @example const { siteName, nav, docsDir } = await readDocsSite(root);
 */
export async function readDocsSite(root: string): Promise<DocsSite & { docsDir: string }> {
  const tree = new SourceTree(root, path => path);
  const config = await readConfig(tree);
  const located = await tree.locate(typeof config.docs_dir === 'string' ? config.docs_dir : 'docs');
  if (!('path' in located)) {
    if (located.refused === 'outside') throw badRequest('docs_dir points outside the docs folder');
    throw notFound('The docs folder has no pages');
  }
  const docsDir = located.path;
  const nav = Array.isArray(config.nav) ? parseNav(config.nav) : await listMarkdown(docsDir);
  if (!nav.length) throw notFound('The docs folder has no pages');
  return { siteName: typeof config.site_name === 'string' ? config.site_name : 'Documentation', nav, docsDir };
}

/** mkdocs.yml (or .yaml) when there is one that reads as a mapping; else nothing is configured. */
async function readConfig(tree: SourceTree): Promise<{ site_name?: unknown; docs_dir?: unknown; nav?: unknown }> {
  for (const name of ['mkdocs.yml', 'mkdocs.yaml']) {
    const read = await tree.read(name, { maxBytes: MAX_CONFIG_BYTES });
    if (!('content' in read)) continue;
    const [first] = parseYamlDocuments(read.content.toString('utf8'), name, { maxDocumentBytes: MAX_CONFIG_BYTES });
    const value = first && 'document' in first ? first.document.value : undefined;
    return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  }
  return {};
}

/**
 * Reads one Markdown page: a `.md` path inside the docs folder whose real path (symbolic links resolved)
 * is inside the docs folder too, at most `maxBytes`.
 * @example const markdown = await readDocsPage(docsDir, 'guides/setup.md', 8 << 20);
 */
export async function readDocsPage(docsDir: string, path: string, maxBytes: number): Promise<string> {
  const notPage = () => badRequest(`"${path}" is not a Markdown page of these docs`, [{ pointer: '/path', detail: 'must be a .md file inside the docs folder' }]);
  if (!isInside(docsDir, resolve(docsDir, path)) || !/\.md$/i.test(path)) throw notPage();
  const read = await new SourceTree(docsDir, file => file).read(path, { maxBytes });
  if ('content' in read) return read.content.toString('utf8');
  if (read.refused === 'outside') throw notPage();
  if (read.refused === 'too-large') throw notFound(`Page ${path} is larger than ${maxBytes} bytes; Pave does not serve it`);
  throw notFound(`No page ${path}`);
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
};

/**
 * Reads one image of the docs (what their Markdown shows), confined to the docs folder like a page.
 * @example const { content, contentType } = await readDocsAsset(docsDir, 'flow.png', 8 << 20);
 */
export async function readDocsAsset(docsDir: string, path: string, maxBytes: number): Promise<{ content: Buffer; contentType: string }> {
  const contentType = IMAGE_TYPES[path.split('.').pop()!.toLowerCase()];
  const notImage = () =>
    badRequest(`"${path}" is not an image of these docs`, [{ pointer: '/path', detail: `must be a ${Object.keys(IMAGE_TYPES).join(', ')} file inside the docs folder` }]);
  if (!isInside(docsDir, resolve(docsDir, path)) || !contentType) throw notImage();
  const read = await new SourceTree(docsDir, file => file).read(path, { maxBytes });
  if ('content' in read) return { content: read.content, contentType };
  if (read.refused === 'outside') throw notImage();
  if (read.refused === 'too-large') throw notFound(`Image ${path} is larger than ${maxBytes} bytes; Pave does not serve it`);
  throw notFound(`No image ${path}`);
}

function parseNav(items: unknown[]): DocsNavItem[] {
  return items.flatMap((item): DocsNavItem[] => {
    if (typeof item === 'string') return [{ title: titleFromPath(item), path: item }];
    if (!item || typeof item !== 'object') return [];
    return Object.entries(item as Record<string, unknown>).map(([title, value]) =>
      Array.isArray(value) ? { title, children: parseNav(value) } : { title, path: String(value) },
    );
  });
}

async function listMarkdown(docsDir: string): Promise<DocsNavItem[]> {
  // A recursive readdir does not descend into linked folders; pages are confined again when read.
  const entries = await readdir(docsDir, { recursive: true }).catch(() => [] as string[]);
  return entries
    .filter(name => name.toLowerCase().endsWith('.md'))
    .sort((a, b) => (a === 'index.md' ? -1 : b === 'index.md' ? 1 : a.localeCompare(b)))
    .map(name => ({ title: titleFromPath(name), path: relative(docsDir, join(docsDir, name)) }));
}

function titleFromPath(path: string): string {
  const base = path.split('/').pop()!.replace(/\.md$/i, '');
  return base === 'index' ? 'Home' : base.replace(/[-_]/g, ' ').replace(/^\w/, c => c.toUpperCase());
}
