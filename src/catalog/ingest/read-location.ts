import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fg from 'fast-glob';
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION, type Entity } from '../../core/entity.js';
import { entityRefOf } from '../../core/entity-ref.js';
import { joinPointer, type FieldError } from '../../core/problem.js';
import { CloneTooLargeError } from '../../git/clone.js';
import { ReadingError } from '../../reading/reading-error.js';
import { cloneLocationRepository } from './location-clone.js';
import { validateEntity } from '../model/index.js';
import { parseGitTarget, type GitTarget } from './location-target.js';
import { locationAnnotations } from './location-annotations.js';
import { resolvePlaceholders } from './placeholders.js';
import type { UrlReader } from '../../reading/url-reader.js';
import { cloneTree, fileLocationTree, SourceTree, type TreeRead } from './source-tree.js';
import { isInside } from '../../core/is-inside.js';
import { parseYamlDocuments, yamlDocumentsFromPlain, type ParsedYamlDocument, type PlainYamlDocument } from './yaml-documents.js';
import { ParseWorkerFailed, type EntityParsePool } from './entity-parse-pool.js';
import { loopYielder } from '../../core/event-loop-yield.js';
import { fileHash, type FileDigest } from '../location-files.js';
import { ApiDefinitionTermsMemo } from '../search/api-definition-terms.js';

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

/**
 * A mistake found while reading, with the ref of the entity it concerns when the document names one.
 * Its words name the file, document, line, field and rule; they never quote the file's text.
 */
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
  /** Files skipped because they are as `skip` recorded them: their entities are stored already. */
  kept: FileDigest[];
  /** Files (kept ones too) that the next read may skip while they stay the same. */
  skippable: FileDigest[];
  /** The terms of the entities' API definitions, worked out as they were read (for their search documents). */
  definitionTerms?: ApiDefinitionTermsMemo;
}

/** How much one file and one document of a location may hold. */
export interface ReadLimits {
  maxDocumentBytes: number;
  /** Largest file read, in bytes; a larger one is reported and skipped before any of it is parsed. */
  maxFileBytes: number;
  /**
   * What reads placeholders' http(s) URLs and clones repositories on integration hosts (under the reading
   * allow-list and its limits); without it such URLs are errors.
   */
  reader?: UrlReader | undefined;
  /**
   * Repositories besides a file's own whose file pages its placeholders may read signed in with the
   * integration's credentials (`catalog.placeholderRepositories`); any other is read as anyone may.
   */
  placeholderRepositories?: readonly string[] | undefined;
}

export interface ReadLocationOptions extends ReadLimits {
  /** Folders file locations may read; empty allows any folder (the location's own folder still confines nested reads). */
  allowedRoots: string[];
  /** Base for relative file targets. */
  cwd?: string;
  /** Called after each file, for progress output; a promise it returns is awaited (it may hold the read back). */
  onFile?: (source: string, counts: { entities: number; errors: number }) => unknown;
  /** Files not parsed again while their bytes hash the same (a refresh's; location-files.ts), by source. */
  skip?: Map<string, FileDigest>;
  /** Worker threads that parse a big location's files; without it (or for a few small files) they are parsed here. */
  parser?: EntityParsePool | undefined;
  /** Work out the entities' API definition terms as they are read (`LocationContent.definitionTerms`): the read is written next. */
  definitionTerms?: boolean;
}

/** One document of an entity file after placeholders and validation: its entity, or what is wrong with it. */
export interface EntityDocument {
  /** Index in the file; undefined for a problem of the whole file. */
  document?: number;
  /** The ref the document names, when its kind and name are at least strings. */
  entityRef?: string;
  /** Set when the document is a valid entity (then `errors` is empty). */
  entity?: Entity;
  errors: IngestionProblem[];
  /** Placeholders' URLs that were not read: problems of a document whose entity still loads. */
  unread: IngestionProblem[];
  /** Placeholders the document held after parsing (however their keys were written): it depends on other files. */
  placeholders: number;
  lineOf(pointer: string): number | undefined;
}

export const LOCATION_TYPES = ['file', 'url'] as const;
export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;
const MAX_FILES = 10_000;
const MAX_REPOSITORIES = 20;
/** Below this many files of one target, a file smaller than PARSE_HERE_BYTES is parsed here: a worker's start costs more. */
const PARSE_HERE_FILES = 8;
const PARSE_HERE_BYTES = 64 * 1024;
/** Files read and handed to the parse workers ahead of the one being taken in, so the workers never wait for it. */
const READ_AHEAD = 16;
/**
 * A read that handed the parse workers this much ends them once it is done (`EntityParsePool.endIdle`): the write of
 * what it read comes next and takes seconds, so starting a worker again (tens of ms) costs little beside it, and the
 * worker's heap is not held through the write's peak. Smaller reads, such as a scheduler's refreshes of many small
 * locations in a row, keep theirs for the pool's idle time.
 */
const END_WORKERS_AFTER_BYTES = 1024 * 1024;

/** One file as read (and, when a worker parses it, its text, decoded once, and its documents to come). */
type LoadedFile = Exclude<TreeRead, { content: Buffer }> | { content: Buffer; hash: string; parsed?: { text: string; documents: Promise<PlainYamlDocument[]> } };

/** The Location entity field that named a nested target, so its problems point at that field. */
interface NamedBy {
  file: string;
  tree: SourceTree;
  document: number;
  pointer: string;
  line?: number;
  entityRef: string;
}

interface PendingRead {
  type: string;
  target: string;
  /** The Location entity field that named this target (undefined for the registered location). */
  from?: NamedBy;
}

/**
 * Reads a location: a file, a glob of files, or a git repository (cloned with the git CLI), following
 * nested Location entities. Every document is parsed, its placeholders resolved and validated.
 * Every file is read through a SourceTree: the registered file target inside its folder (or the allowed
 * root holding it), nested targets and placeholders inside the tree of the file that names them, whether
 * written relative or absolute, symbolic links resolved.
 * @example const { entities, errors } = await readLocation({ type: 'file', target: 'catalog/*.yaml' }, options);
 */
export async function readLocation(location: LocationSpec, options: ReadLocationOptions): Promise<LocationContent> {
  const definitionTerms = options.definitionTerms ? new ApiDefinitionTermsMemo() : undefined;
  const content: LocationContent = { entities: [], errors: [], files: 0, kept: [], skippable: [], ...(definitionTerms ? { definitionTerms } : {}) };
  const origin = `${location.type}:${location.target}`;
  const clones: string[] = [];
  const cloneTrees = new WeakSet<SourceTree>();
  const trees = new Map<string, SourceTree>();
  const seenFiles = new Set<string>();
  const seenRefs = new Map<string, string>();
  const queue: PendingRead[] = [{ type: location.type, target: location.target }];
  const pause = loopYielder();
  /** Bytes handed to the parse workers by this read. */
  let parsedBytes = 0;

  try {
    while (queue.length) {
      // Every target known by now is expanded before its files are taken in, so that files are read and parsed ahead
      // across targets too: a Location naming each file as a target of its own was read one file at a time, the
      // parse worker and the main thread taking turns. Each target's own problems still come just before its files'.
      const targets: Array<{ errors: IngestionProblem[]; files: Array<{ file: string; tree: SourceTree }> }> = [];
      let tooMany = false;
      for (const next of queue.splice(0)) {
        const target = { errors: [] as IngestionProblem[], files: [] as Array<{ file: string; tree: SourceTree }> };
        targets.push(target);
        for (const found of await expandTarget(next, target.errors)) {
          if (seenFiles.has(found.file)) continue;
          if (seenFiles.size >= MAX_FILES) {
            tooMany = true;
            break;
          }
          seenFiles.add(found.file);
          target.files.push(found);
        }
        if (tooMany) break;
      }
      const batch = targets.flatMap(target => target.files);
      // Taken in one at a time and in order (a duplicate's first definition wins), read and parsed ahead.
      // A file's load is dropped once taken in: held to the round's end, a Location's whole text and documents stayed alive.
      const loads: Array<Promise<LoadedFile> | undefined> = [];
      let i = 0;
      for (const target of targets) {
        content.errors.push(...target.errors);
        for (const { file, tree } of target.files) {
          for (let ahead = i; ahead < Math.min(batch.length, i + READ_AHEAD); ahead++) loads[ahead] ??= awaitedLater(loadFile(batch[ahead]!.file, batch[ahead]!.tree, batch.length));
          const loaded = await loads[i]!;
          loads[i] = undefined;
          await readOneFile(file, tree, loaded);
          i++;
        }
      }
      if (tooMany) {
        content.errors.push({ pointer: '', detail: `more than ${MAX_FILES} files; the rest were not read`, rule: 'limit', source: origin });
        return content;
      }
    }
  } catch (error) {
    // A worker that crashed or ran out of memory fails the whole read: the location keeps what it had.
    if (!(error instanceof ParseWorkerFailed)) throw error;
    return { entities: [], errors: [{ pointer: '', detail: error.message, rule: 'parse-worker', source: error.source }], files: 0, kept: [], skippable: [] };
  } finally {
    if (parsedBytes >= END_WORKERS_AFTER_BYTES) options.parser?.endIdle();
    await Promise.all(clones.map(dir => rm(dir, { recursive: true, force: true })));
  }
  return content;

  /** The files a target names; its problems go to `errors`. */
  async function expandTarget(read: PendingRead, errors: IngestionProblem[]): Promise<Array<{ file: string; tree: SourceTree }>> {
    const from = read.from;
    // A nested target's problems point at the Location field that wrote it, and never repeat its value.
    const fail = (detail: string, rule = 'location') => {
      errors.push(
        from
          ? { pointer: from.pointer, detail, rule, source: from.tree.describe(from.file), document: from.document, line: from.line, entityRef: from.entityRef }
          : { pointer: '', detail, rule, source: origin },
      );
      return [];
    };
    const named = from ? 'the target' : `"${read.target}"`;
    if (!(LOCATION_TYPES as readonly string[]).includes(read.type)) {
      return fail(`unknown location type${from ? '' : ` "${read.type}"`}; Pave reads ${LOCATION_TYPES.join(' and ')}`);
    }
    if (from) {
      const scheme = /^[a-z][a-z0-9+.-]*:/i.test(read.target);
      // A relative target inside a file we read is a path in the same tree, whatever its type says;
      // an absolute one too when it is a file: resolved, then confined like a relative one.
      if ((!scheme && !isAbsolute(read.target)) || read.type === 'file') {
        const path = resolve(dirname(from.file), read.target.replace(/^file:(\/\/)?/, ''));
        return globInTree(nestedFileTree(from.tree, path), path, named, fail);
      }
    } else if (read.type === 'file') {
      const path = resolve(options.cwd ?? process.cwd(), read.target.replace(/^file:(\/\/)?/, ''));
      const tree = fileLocationTree(path, options.allowedRoots);
      if (!tree) return fail(`${named} is outside the folders Pave may read (${options.allowedRoots.join(', ')})`, 'allowed-roots');
      return globInTree(shared(tree), path, named, fail);
    }
    let git: GitTarget;
    try {
      git = parseGitTarget(read.target);
    } catch (error) {
      return fail(from ? 'the target is not a git repository URL (https://, ssh://, file:// or a local path)' : (error as Error).message);
    }
    const url = toCloneUrl(git.repository, options.cwd);
    if (from && url.startsWith('file://')) {
      const local = await localRepository(url, from.tree);
      if (local === 'missing') return fail('the repository it names was not found', 'not-found');
      if (local === 'outside') return fail("the target names a repository on this machine outside the location's folder", 'allowed-roots');
    }
    if (clones.length >= MAX_REPOSITORIES) return fail(`more than ${MAX_REPOSITORIES} repositories in one location`, 'limit');
    // The real path, so the files read from the clone are named relative to it.
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'pave-clone-')));
    clones.push(dir);
    try {
      await cloneLocationRepository(url, git.ref, dir, options.reader);
    } catch (error) {
      // The reading policy's and the size limit's words name the setting (and never the target's value).
      const policy = error instanceof ReadingError ? error.problem.detail : error instanceof CloneTooLargeError ? `${error.message} (reading.maxCloneBytes)` : undefined;
      if (from) return fail(`the repository it names could not be cloned${policy && !(error instanceof ReadingError) ? `: ${policy}` : ''}`, 'git');
      return fail(policy ?? `could not clone ${git.repository}${git.ref ? ` (branch ${git.ref})` : ''}: ${(error as Error).message}`, 'git');
    }
    const tree = cloneTree(dir, git);
    cloneTrees.add(tree);
    return globInTree(tree, resolve(dir, git.path), from ? named : `"${git.path}"`, fail);
  }

  /**
   * The tree an absolute nested file target is read from: the tree of the file naming it, or, for a file
   * location, another of the allowed roots that holds it (a clone reads only itself).
   */
  function nestedFileTree(tree: SourceTree, path: string): SourceTree {
    if (cloneTrees.has(tree) || isInside(tree.root, path)) return tree;
    const allowed = options.allowedRoots.length ? fileLocationTree(path, options.allowedRoots) : undefined;
    return allowed ? shared(allowed) : tree;
  }

  /**
   * Whether a local repository named by a nested target may be cloned: its real path must be inside the
   * naming file's folder tree or an allowed root. One that is not there is refused too (git would try
   * `<path>.git` instead).
   */
  async function localRepository(url: string, tree: SourceTree): Promise<'allowed' | 'outside' | 'missing'> {
    let real: string | undefined;
    try {
      real = await realpath(fileURLToPath(url)).catch(() => undefined);
    } catch {
      return 'outside';
    }
    if (!real) return 'missing';
    const roots = [...(cloneTrees.has(tree) ? [] : [await tree.realRoot()]), ...(await Promise.all(options.allowedRoots.map(root => realpath(root).catch(() => undefined))))];
    return roots.some(root => root !== undefined && isInside(root, real)) ? 'allowed' : 'outside';
  }

  async function globInTree(
    tree: SourceTree,
    path: string,
    named: string,
    fail: (detail: string, rule?: string) => never[],
  ): Promise<Array<{ file: string; tree: SourceTree }>> {
    const outside = () => fail(`${named} points outside the location's folder (symbolic links are resolved)`, 'allowed-roots');
    const realRoot = await tree.realRoot();
    if (!isInside(tree.root, path) && !(realRoot && isInside(realRoot, path))) return outside();
    if (!fg.isDynamicPattern(path)) {
      const located = await tree.locate(path);
      if (!('path' in located)) return located.refused === 'outside' ? outside() : fail(`${named} was not found`, 'not-found');
      const info = await stat(located.path).catch(() => undefined);
      if (!info?.isFile()) return fail(`${named} was not found`, 'not-found');
      return [{ file: located.path, tree }];
    }
    const base = isInside(tree.root, path) ? tree.root : realRoot!;
    const matches = await fg(fg.convertPathToPattern(base) + '/' + path.slice(base.length + 1).split('\\').join('/'), {
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
    if (!files.length) return fail(`${named} matched no files`, 'not-found');
    return files;
  }

  /** Reads a file and, unless it is small among few or may be skipped, hands it to a parse worker. */
  async function loadFile(file: string, tree: SourceTree, among: number): Promise<LoadedFile> {
    const read = await tree.read(file, { maxBytes: options.maxFileBytes });
    if (!('content' in read)) return read;
    const hash = fileHash(read.content);
    const source = tree.describe(file);
    if (!options.parser || options.skip?.get(source)?.hash === hash || (among < PARSE_HERE_FILES && read.content.length < PARSE_HERE_BYTES)) return { content: read.content, hash };
    const text = read.content.toString('utf8');
    parsedBytes += read.content.length;
    return { content: read.content, hash, parsed: { text, documents: awaitedLater(options.parser.parse(text, source, options.maxDocumentBytes)) } };
  }

  async function readOneFile(file: string, tree: SourceTree, read: LoadedFile): Promise<void> {
    const source = tree.describe(file);
    content.files++;
    const before = { entities: content.entities.length, errors: content.errors.length };
    if (!('content' in read)) {
      content.errors.push(
        read.refused === 'too-large'
          ? { pointer: '', detail: `the file is larger than the limit of ${options.maxFileBytes} bytes (catalog.maxFileBytes); it was not read`, rule: 'size', source }
          : { pointer: '', detail: 'the file could not be read', rule: 'read', source },
      );
      await options.onFile?.(source, { entities: 0, errors: content.errors.length - before.errors });
      return;
    }
    const { hash, parsed } = read;
    const known = options.skip?.get(source);
    // Skipped only when it defines nothing an earlier file did (then it is read for that problem).
    if (known?.hash === hash && !known.refs.some(([ref]) => seenRefs.has(ref))) {
      for (const [ref, document] of known.refs) seenRefs.set(ref, `${source} document ${document}`);
      content.kept.push(known);
      content.skippable.push(known);
      await options.onFile?.(source, { entities: known.refs.length, errors: 0 });
      return;
    }
    const text = parsed?.text ?? read.content.toString('utf8');
    const refs: FileDigest['refs'] = [];
    // Decided from the parsed documents: a placeholder key is matched after YAML's escapes are undone.
    let skippable = true;
    const documents = parsed ? entityDocuments(yamlDocumentsFromPlain(await parsed.documents, text, source, options), file, tree, options) : readEntityDocuments(text, file, tree, options);
    for await (const doc of documents) {
      // A big file is thousands of documents: let other requests in between them.
      await pause();
      if (doc.placeholders) skippable = false;
      const { entity } = doc;
      if (!entity) {
        content.errors.push(...doc.errors);
        continue;
      }
      const ref = entityRefOf(entity);
      const locate = (error: FieldError): IngestionProblem => ({ ...error, source, document: doc.document, line: doc.lineOf(error.pointer), entityRef: ref });
      const firstSeen = seenRefs.get(ref);
      if (firstSeen) {
        content.errors.push(locate({ pointer: '/metadata/name', detail: `${ref} is defined twice in this location (first in ${firstSeen})`, rule: 'duplicate' }));
        continue;
      }
      seenRefs.set(ref, `${source} document ${doc.document}`);
      content.errors.push(...doc.unread);
      // Where it was read always wins; the web links derived from it yield to the file's own.
      const { [ANNOTATION_LOCATION]: managedBy, [ANNOTATION_ORIGIN_LOCATION]: managedByOrigin, ...links } = locationAnnotations(source, origin);
      entity.metadata.annotations = { ...links, ...entity.metadata.annotations, [ANNOTATION_LOCATION]: managedBy!, [ANNOTATION_ORIGIN_LOCATION]: managedByOrigin! };
      content.entities.push({ entity, source, document: doc.document! });
      // Here the main thread mostly waits for the parse worker; the write, where these were worked out before, does not.
      if (definitionTerms && typeof entity.spec?.definition === 'string') definitionTerms.of(typeof entity.spec.type === 'string' ? entity.spec.type : '', entity.spec.definition);
      refs.push([ref, doc.document!]);
      if (entity.kind.toLowerCase() === 'location') {
        skippable = false;
        queueNestedTargets(entity, { file, tree, document: doc.document!, entityRef: ref, lineOf: doc.lineOf });
      }
    }
    if (skippable && content.errors.length === before.errors) content.skippable.push({ source, hash, refs });
    await options.onFile?.(source, {
      entities: content.entities.length - before.entities,
      errors: content.errors.length - before.errors,
    });
  }

  function queueNestedTargets(entity: Entity, at: Omit<NamedBy, 'pointer' | 'line'> & { lineOf: (pointer: string) => number | undefined }): void {
    const spec = entity.spec ?? {};
    const type = typeof spec.type === 'string' ? spec.type : cloneTrees.has(at.tree) ? 'url' : 'file';
    const named: Array<[unknown, string]> = [
      [spec.target, joinPointer('spec', 'target')],
      ...(Array.isArray(spec.targets) ? spec.targets.map((target, i): [unknown, string] => [target, joinPointer('spec', 'targets', i)]) : []),
    ];
    for (const [target, pointer] of named) {
      if (typeof target !== 'string') continue;
      const { lineOf, ...by } = at;
      queue.push({ type, target, from: { ...by, pointer, line: lineOf(pointer) } });
    }
  }

  function shared(tree: SourceTree): SourceTree {
    const existing = trees.get(tree.root);
    if (existing) return existing;
    trees.set(tree.root, tree);
    return tree;
  }
}

/**
 * Reads the documents of one entity file's text the way ingestion does: each parsed (size and depth
 * bounded), its placeholders resolved inside `tree`, validated. The one path that both a location refresh
 * and an edit (checked before it is written) take.
 * @example for await (const doc of readEntityDocuments(text, file, tree, limits)) if (doc.entity) …
 */
export function readEntityDocuments(text: string, file: string, tree: SourceTree, limits: ReadLimits): AsyncGenerator<EntityDocument> {
  return entityDocuments(parseYamlDocuments(text, tree.describe(file), { maxDocumentBytes: limits.maxDocumentBytes }), file, tree, limits);
}

/** `readEntityDocuments` after the parsing, wherever that ran. */
async function* entityDocuments(documents: Iterable<ParsedYamlDocument>, file: string, tree: SourceTree, limits: ReadLimits): AsyncGenerator<EntityDocument> {
  const source = tree.describe(file);
  for (const parsed of documents) {
    if ('errors' in parsed) {
      yield { document: parsed.errors[0]?.document, errors: parsed.errors, unread: [], placeholders: 0, lineOf: () => parsed.errors[0]?.line };
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
    const placeholders = await resolvePlaceholders(doc.value, { file, tree, maxBytes: limits.maxDocumentBytes, reader: limits.reader, repositories: limits.placeholderRepositories ?? [] });
    const { entity, errors } = validateEntity(placeholders.value);
    // What an unread URL's stand-in breaks (a definition that must be YAML, say) follows from that one problem.
    const unreadAt = placeholders.unread.map(problem => problem.pointer);
    const own = errors.filter(error => !unreadAt.some(pointer => error.pointer === pointer || error.pointer.startsWith(`${pointer}/`)));
    const all = [...placeholders.errors, ...own].map(locate);
    const unread = placeholders.unread.map(locate);
    if (entity && !all.length) yield { document: doc.index, ...(entityRef ? { entityRef } : {}), entity, errors: [], unread, placeholders: placeholders.found, lineOf: doc.lineOf };
    else yield { document: doc.index, ...(entityRef ? { entityRef } : {}), errors: [...all, ...unread], unread: [], placeholders: placeholders.found, lineOf: doc.lineOf };
  }
}

/**
 * A promise started ahead of its turn: awaited when the turn comes (its failure surfaces there), or never, when the
 * read stops before; either way its failure must not count as unhandled (which would end the process).
 */
function awaitedLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** The ref a raw document names, if its kind and name are at least strings. */
function refOfRaw(value: unknown): string | undefined {
  const doc = value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
  if (!doc || typeof doc.kind !== 'string' || typeof doc.metadata?.name !== 'string') return undefined;
  const namespace = typeof doc.metadata.namespace === 'string' ? doc.metadata.namespace : 'default';
  // Same result as toLocaleLowerCase('en-US') (see search-rows.ts), cheaper once per document.
  return `${doc.kind}:${namespace}/${doc.metadata.name}`.toLowerCase();
}

/** Local folders are cloned through file:// so that shallow clones work for them too. */
function toCloneUrl(repository: string, cwd = process.cwd()): string {
  if (repository.startsWith('/') || repository.startsWith('.')) return `file://${resolve(cwd, repository)}`;
  return repository;
}
