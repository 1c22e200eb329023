import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Entity } from '../../core/entity.js';
import { entityRefOf } from '../../core/entity-ref.js';
import { badRequest, notFound } from '../../core/problem.js';
import { isInside } from '../ingest/source-tree.js';

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

/** A docs folder on disk: the folder holding mkdocs.yml, and its Markdown folder. */
export interface DocsFolder {
  root: string;
  docsDir: string;
}

/**
 * Finds an entity's docs folder from `backstage.io/techdocs-ref: dir:<path>`, relative to the file that
 * defines the entity (`dir:.` is the file's own folder), as TechDocs reads it — without any Python.
 */
export function docsFolderOf(entity: Entity, sourceFile: string): Omit<DocsFolder, 'docsDir'> {
  const ref = entity.metadata.annotations?.[ANNOTATION_TECHDOCS_REF];
  if (!ref) throw notFound(`${entityRefOf(entity)} has no docs (no ${ANNOTATION_TECHDOCS_REF} annotation)`);
  if (!ref.startsWith('dir:')) throw notFound(`${entityRefOf(entity)} has docs at ${ref}; Pave renders dir: docs only`);
  return { root: resolve(dirname(sourceFile), ref.slice('dir:'.length)) };
}

/** Reads mkdocs.yml (site_name, docs_dir, nav), or lists the Markdown files when there is none. */
export async function readDocsSite(root: string): Promise<DocsSite & { docsDir: string }> {
  const config = await readFile(join(root, 'mkdocs.yml'), 'utf8').catch(() => readFile(join(root, 'mkdocs.yaml'), 'utf8').catch(() => undefined));
  const parsed = (config ? parseYaml(config) : {}) as { site_name?: unknown; docs_dir?: unknown; nav?: unknown } | null;
  const docsDir = resolve(root, typeof parsed?.docs_dir === 'string' ? parsed.docs_dir : 'docs');
  if (!isInside(root, docsDir)) throw badRequest('docs_dir points outside the docs folder');
  const nav = Array.isArray(parsed?.nav) ? parseNav(parsed.nav) : await listMarkdown(docsDir);
  if (!nav.length) throw notFound('The docs folder has no pages');
  return { siteName: typeof parsed?.site_name === 'string' ? parsed.site_name : 'Documentation', nav, docsDir };
}

/** Reads one Markdown page, confined to the docs folder. */
export async function readDocsPage(docsDir: string, path: string): Promise<string> {
  const file = resolve(docsDir, path);
  if (!isInside(docsDir, file) || !/\.md$/i.test(file)) throw badRequest(`"${path}" is not a Markdown page of these docs`, [{ pointer: '/path', detail: 'must be a .md file inside the docs folder' }]);
  return readFile(file, 'utf8').catch(() => {
    throw notFound(`No page ${path}`);
  });
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
};

/** Reads one image of the docs (what their Markdown shows), confined to the docs folder. */
export async function readDocsAsset(docsDir: string, path: string): Promise<{ content: Buffer; contentType: string }> {
  const file = resolve(docsDir, path);
  const contentType = IMAGE_TYPES[file.split('.').pop()!.toLowerCase()];
  if (!isInside(docsDir, file) || !contentType) {
    throw badRequest(`"${path}" is not an image of these docs`, [{ pointer: '/path', detail: `must be a ${Object.keys(IMAGE_TYPES).join(', ')} file inside the docs folder` }]);
  }
  const content = await readFile(file).catch(() => {
    throw notFound(`No image ${path}`);
  });
  return { content, contentType };
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
