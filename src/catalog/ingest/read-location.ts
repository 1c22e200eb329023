import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import fg from 'fast-glob';
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION, type Entity } from '../../core/entity.js';
import { entityRefOf } from '../../core/entity-ref.js';
import type { FieldError } from '../../core/problem.js';
import { runGit } from '../../core/run-git.js';
import { validateEntity } from '../model/index.js';
import { parseGitTarget, formatGitTarget, type GitTarget } from './location-target.js';
import { resolvePlaceholders } from './placeholders.js';
import { isInside, SourceTree } from './source-tree.js';
import { parseYamlDocuments } from './yaml-documents.js';
import { loopYielder } from '../event-loop-yield.js';

export interface LocationSpec {
  type: string;
  target: string;
}

/** A valid entity read from a location, with where it came from. */
export interface IngestedEntity {
  entity: Entity;
  source: string;
  document: number;
}

/** A mistake found while reading, with the ref of the entity it concerns when the document names one. */
export interface IngestionProblem extends FieldError {
  entityRef?: string;
  /** Set when the problem is read back from the store. */
  locationId?: string;
}

/** Everything one read of a location produced. Reading never throws for bad content: problems are listed. */
export interface LocationContent {
  entities: IngestedEntity[];
  errors: IngestionProblem[];
  files: number;
}

export interface ReadLocationOptions {
  /** Folders file locations may read; empty allows any folder (the location's own folder still confines nested reads). */
  allowedRoots: string[];
  maxDocumentBytes: number;
  /** Base for relative file targets. */
  cwd?: string;
  /** Called after each file, for progress output. */
  onFile?: (source: string, counts: { entities: number; errors: number }) => void;
}

export const LOCATION_TYPES = ['file', 'url'] as const;
const MAX_FILES = 10_000;
const MAX_REPOSITORIES = 20;

interface PendingRead {
  type: string;
  target: string;
  /** The file whose Location entity named this target (undefined for the registered location). */
  from?: { file: string; tree: SourceTree };
}

/**
 * Reads a location: a file, a glob of files, or a git repository (cloned with the git CLI), following
 * nested Location entities. Every document is parsed, its placeholders resolved and validated.
 * @example const { entities, errors } = await readLocation({ type: 'file', target: 'catalog/*.yaml' }, options);
 */
export async function readLocation(location: LocationSpec, options: ReadLocationOptions): Promise<LocationContent> {
  const content: LocationContent = { entities: [], errors: [], files: 0 };
  const origin = `${location.type}:${location.target}`;
  const clones: string[] = [];
  const trees = new Map<string, SourceTree>();
  const seenFiles = new Set<string>();
  const seenRefs = new Map<string, string>();
  const queue: PendingRead[] = [{ type: location.type, target: location.target }];
  const pause = loopYielder();

  try {
    while (queue.length) {
      const next = queue.shift()!;
      const files = await expandTarget(next);
      for (const { file, tree } of files) {
        if (seenFiles.has(file)) continue;
        if (seenFiles.size >= MAX_FILES) {
          content.errors.push({ pointer: '', detail: `more than ${MAX_FILES} files; the rest were not read`, rule: 'limit', source: origin });
          return content;
        }
        seenFiles.add(file);
        await readOneFile(file, tree);
      }
    }
  } finally {
    await Promise.all(clones.map(dir => rm(dir, { recursive: true, force: true })));
  }
  return content;

  async function expandTarget(read: PendingRead): Promise<Array<{ file: string; tree: SourceTree }>> {
    const source = read.from ? read.from.tree.describe(read.from.file) : origin;
    const fail = (detail: string, rule = 'location') => {
      content.errors.push({ pointer: '', detail, rule, source });
      return [];
    };
    if (!(LOCATION_TYPES as readonly string[]).includes(read.type)) {
      return fail(`unknown location type "${read.type}"; Pave reads ${LOCATION_TYPES.join(' and ')}`);
    }
    // A relative target inside a file we read is a path in the same tree, whatever its type says.
    if (read.from && !/^[a-z][a-z0-9+.-]*:/i.test(read.target) && !read.target.startsWith('/')) {
      return globInTree(read.from.tree, resolve(dirname(read.from.file), read.target), read.target, fail);
    }
    if (read.type === 'file') {
      const path = resolve(options.cwd ?? process.cwd(), read.target.replace(/^file:(\/\/)?/, ''));
      const allowed = options.allowedRoots.find(root => isInside(root, path));
      if (options.allowedRoots.length && !allowed) {
        return fail(`"${read.target}" is outside the folders Pave may read (${options.allowedRoots.join(', ')})`, 'allowed-roots');
      }
      const root = allowed ?? globBase(path);
      const tree = treeFor(root, p => `file:${p}`);
      return globInTree(tree, path, read.target, fail);
    }
    let git: GitTarget;
    try {
      git = parseGitTarget(read.target);
    } catch (error) {
      return fail((error as Error).message);
    }
    if (clones.length >= MAX_REPOSITORIES) return fail(`more than ${MAX_REPOSITORIES} repositories in one location`, 'limit');
    const dir = await mkdtemp(join(tmpdir(), 'pave-clone-'));
    clones.push(dir);
    try {
      const args = ['clone', '--quiet', '--depth', '1', '--no-tags', ...(git.ref ? ['--branch', git.ref] : []), toCloneUrl(git.repository, options.cwd), dir];
      await runGit(args, { timeoutMs: 120_000 });
    } catch (error) {
      return fail(`could not clone ${git.repository}${git.ref ? ` (branch ${git.ref})` : ''}: ${(error as Error).message}`, 'git');
    }
    const tree = treeFor(dir, p => `url:${formatGitTarget({ ...git, path: p.slice(dir.length + 1) })}`);
    return globInTree(tree, resolve(dir, git.path), git.path, fail);
  }

  async function globInTree(
    tree: SourceTree,
    path: string,
    written: string,
    fail: (detail: string, rule?: string) => never[],
  ): Promise<Array<{ file: string; tree: SourceTree }>> {
    if (!isInside(tree.root, path)) return fail(`"${written}" points outside the location's folder`, 'allowed-roots');
    if (!fg.isDynamicPattern(path)) {
      const confined = await tree.confine(path);
      if (!confined) return fail(`"${written}" points outside the location's folder`, 'allowed-roots');
      const info = await stat(confined).catch(() => undefined);
      if (!info?.isFile()) return fail(`"${written}" was not found`, 'not-found');
      return [{ file: confined, tree }];
    }
    const matches = await fg(fg.convertPathToPattern(tree.root) + '/' + path.slice(tree.root.length + 1).split('\\').join('/'), {
      onlyFiles: true,
      followSymbolicLinks: false,
      dot: false,
      absolute: true,
    });
    const files: Array<{ file: string; tree: SourceTree }> = [];
    for (const match of matches.sort()) {
      const confined = await tree.confine(match);
      if (confined) files.push({ file: confined, tree });
    }
    if (!files.length) return fail(`"${written}" matched no files`, 'not-found');
    return files;
  }

  async function readOneFile(file: string, tree: SourceTree): Promise<void> {
    const source = tree.describe(file);
    content.files++;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      content.errors.push({ pointer: '', detail: `could not be read: ${(error as NodeJS.ErrnoException).code}`, rule: 'read', source });
      return;
    }
    const before = { entities: content.entities.length, errors: content.errors.length };
    for (const parsed of parseYamlDocuments(text, source, { maxDocumentBytes: options.maxDocumentBytes })) {
      // A big file is thousands of documents: let other requests in between them.
      await pause();
      if ('errors' in parsed) {
        content.errors.push(...parsed.errors);
        continue;
      }
      const doc = parsed.document;
      const entityRef = refOfRaw(doc.value);
      const locate = (error: FieldError): IngestionProblem => ({
        ...error,
        source,
        document: doc.index,
        line: error.line ?? doc.lineOf(error.pointer),
        ...(entityRef ? { entityRef } : {}),
      });
      const placeholders = await resolvePlaceholders(doc.value, { file, tree, maxBytes: options.maxDocumentBytes });
      const { entity, errors } = validateEntity(placeholders.value);
      const all = [...placeholders.errors, ...errors].map(locate);
      if (!entity || all.length) {
        content.errors.push(...all);
        continue;
      }
      const ref = entityRefOf(entity);
      const firstSeen = seenRefs.get(ref);
      if (firstSeen) {
        content.errors.push(locate({ pointer: '/metadata/name', detail: `${ref} is defined twice in this location (first in ${firstSeen})`, rule: 'duplicate' }));
        continue;
      }
      seenRefs.set(ref, `${source} document ${doc.index}`);
      entity.metadata.annotations = {
        ...entity.metadata.annotations,
        [ANNOTATION_LOCATION]: source,
        [ANNOTATION_ORIGIN_LOCATION]: origin,
      };
      content.entities.push({ entity, source, document: doc.index });
      if (entity.kind.toLowerCase() === 'location') queueNestedTargets(entity, file, tree);
    }
    options.onFile?.(source, {
      entities: content.entities.length - before.entities,
      errors: content.errors.length - before.errors,
    });
  }

  function queueNestedTargets(entity: Entity, file: string, tree: SourceTree): void {
    const spec = entity.spec ?? {};
    const type = typeof spec.type === 'string' ? spec.type : tree.describe(file).startsWith('url:') ? 'url' : 'file';
    const targets = [spec.target, ...(Array.isArray(spec.targets) ? spec.targets : [])].filter((t): t is string => typeof t === 'string');
    for (const target of targets) queue.push({ type, target, from: { file, tree } });
  }

  function treeFor(root: string, describe: (path: string) => string): SourceTree {
    const existing = trees.get(root);
    if (existing) return existing;
    const tree = new SourceTree(root, describe);
    trees.set(root, tree);
    return tree;
  }
}

/** The ref a raw document names, if its kind and name are at least strings. */
function refOfRaw(value: unknown): string | undefined {
  const doc = value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
  if (!doc || typeof doc.kind !== 'string' || typeof doc.metadata?.name !== 'string') return undefined;
  const namespace = typeof doc.metadata.namespace === 'string' ? doc.metadata.namespace : 'default';
  // Same result as toLocaleLowerCase('en-US') (see search-rows.ts), cheaper once per document.
  return `${doc.kind}:${namespace}/${doc.metadata.name}`.toLowerCase();
}

/** The folder part of a path before its first glob character. */
function globBase(path: string): string {
  if (!fg.isDynamicPattern(path)) return dirname(path);
  const parts = path.split('/');
  const firstDynamic = parts.findIndex(part => part !== '' && fg.isDynamicPattern(part));
  return parts.slice(0, firstDynamic).join('/') || '/';
}

/** Local folders are cloned through file:// so that shallow clones work for them too. */
function toCloneUrl(repository: string, cwd = process.cwd()): string {
  if (repository.startsWith('/') || repository.startsWith('.')) return `file://${resolve(cwd, repository)}`;
  return repository;
}
