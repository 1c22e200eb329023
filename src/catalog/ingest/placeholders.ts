import { dirname } from 'node:path';
import { jsonTextDepth, MAX_NESTING_DEPTH } from '../../core/nesting-depth.js';
import { isPaveError, joinPointer, type FieldError } from '../../core/problem.js';
import { readRemoteFile } from '../../reading/remote-file.js';
import type { UrlReader } from '../../reading/url-reader.js';
import { placeholderSignIn } from './placeholder-sign-in.js';
import type { SourceTree } from './source-tree.js';
import { parseYamlDocuments } from './yaml-documents.js';

const KINDS = ['$text', '$json', '$yaml'] as const;
type Kind = (typeof KINDS)[number];

/**
 * Replaces Backstage's `$text`, `$json` and `$yaml` placeholders with the content of the file they name,
 * relative to the file that holds them (an absolute path is taken as it is), confined to its source tree:
 * the file's real path must be inside the tree. A placeholder that cannot be resolved is an error at its
 * field, in words that never quote the file it names or the path written; the rest of the entity is still
 * resolved.
 *
 * An http(s) URL is read through `reader` (the reading allow-list and its limits; a git host's blob URL
 * from a clone of its repository), signed in with the integration's credentials only for a file of the tree's
 * own repository or of one in `repositories` (`placeholder-sign-in.ts`), as anyone may otherwise. A URL that is not read
 * (not listed, unreachable, too large) is not the entity's fault: its field holds a short text saying so,
 * the reason goes to `unread` (naming the placeholder and the allow-list), and the entity still loads.
 * `found` counts the placeholders met, as parsed (however their keys were written), resolved or not.
 * @example const { value, errors, unread } = await resolvePlaceholders(doc, { file, tree, maxBytes: 1 << 20, reader });
 */
export async function resolvePlaceholders(
  value: unknown,
  context: { file: string; tree: SourceTree; maxBytes: number; reader?: UrlReader | undefined; repositories?: readonly string[] },
): Promise<{ value: unknown; errors: FieldError[]; unread: FieldError[]; found: number }> {
  // Most documents hold no placeholder: the walk would only copy them (an await and a path a node, ~0.2 s of CPU in a
  // 15.7k-entity first load), and validation copies them anyway.
  if (!walkChanges(value, new Set())) return { value, errors: [], unread: [], found: 0 };
  const errors: FieldError[] = [];
  const unread: FieldError[] = [];
  let found = 0;
  const walk = async (node: unknown, path: Array<string | number>): Promise<unknown> => {
    if (Array.isArray(node)) {
      // One at a time: a list of many placeholders must not open every file at once.
      const out: unknown[] = [];
      for (const [i, item] of node.entries()) out.push(await walk(item, [...path, i]));
      return out;
    }
    if (!node || typeof node !== 'object') return node;
    const entries = Object.entries(node as Record<string, unknown>);
    const [only] = entries;
    if (entries.length === 1 && only && (KINDS as readonly string[]).includes(only[0])) {
      return resolveOne(only[0] as Kind, only[1], path);
    }
    const out: Record<string, unknown> = {};
    for (const [key, child] of entries) out[key] = await walk(child, [...path, key]);
    return out;
  };

  const resolveOne = async (kind: Kind, target: unknown, path: Array<string | number>) => {
    found++;
    const pointer = joinPointer(...path);
    const fail = (detail: string) => {
      errors.push({ pointer, detail: `${kind}: ${detail}`, rule: 'placeholder' });
      return undefined;
    };
    if (typeof target !== 'string' || target === '') return fail('needs a file path');
    if (/^https?:\/\//i.test(target)) {
      if (!context.reader) return fail('URLs are read by the catalog itself, under its reading allow-list, not here');
      const read = await readUrl(kind, target, pointer);
      return 'text' in read ? parse(read.text, kind, fail) : read.standIn;
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return fail('only paths inside the location and http(s) URLs are read');
    const read = await context.tree.read(target, { from: dirname(context.file), maxBytes: context.maxBytes });
    if (!('content' in read)) {
      switch (read.refused) {
        case 'outside':
          return fail("the file it names is outside the location's folder (symbolic links are resolved)");
        case 'too-large':
          return fail(`the file it names is larger than the limit of ${context.maxBytes} bytes`);
        case 'not-a-file':
          return fail('what it names is not a file');
        default:
          return fail('the file it names was not found');
      }
    }
    return parse(read.content.toString('utf8'), kind, fail);
  };

  /** A URL's text, or (when it is not read) the words that stand in for it, the reason recorded in `unread`. */
  const readUrl = async (kind: Kind, url: string, pointer: string): Promise<{ text: string } | { standIn: string }> => {
    try {
      const signIn = placeholderSignIn(url, context.tree.repository, context.repositories ?? []);
      return { text: (await readRemoteFile(context.reader!, url, { maxBytes: context.maxBytes, signIn })).toString('utf8') };
    } catch (error) {
      if (!isPaveError(error)) throw error;
      const detail = `${kind}: ${error.problem.detail ?? error.message}`;
      unread.push({ pointer, detail, rule: 'placeholder-url' });
      return { standIn: `(not read: ${detail})` };
    }
  };

  /** A placeholder's text as its kind reads it. */
  const parse = (text: string, kind: Kind, fail: (detail: string) => undefined): unknown => {
    if (kind === '$text') return text;
    if (kind === '$json') {
      if (jsonTextDepth(text, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) return fail(`the JSON nests deeper than ${MAX_NESTING_DEPTH} levels`);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        // JSON.parse's message quotes the text; say only what is wrong.
        return fail('the file it names is not valid JSON');
      }
    }
    const [first, ...more] = parseYamlDocuments(text, '', { maxDocumentBytes: context.maxBytes });
    if (!first) return null;
    if ('errors' in first) {
      const [error] = first.errors;
      return fail(`the file it names cannot be read as YAML (its line ${error?.line ?? 1}: ${error?.detail ?? 'not valid YAML'})`);
    }
    if (more.length) return fail('the file it names holds more than one YAML document');
    return first.document.value;
  };

  const resolved = await walk(value, []);
  return { value: resolved, errors, unread, found };
}

/**
 * Whether walking `node` gives anything but an equal copy of it: it holds a placeholder (an object whose one key is a
 * placeholder's), or something the walk's copy changes — an object that is not plain (a Date becomes `{}`), an own
 * `__proto__` key (assigned, it sets the copy's prototype), a hole in an array, an object met twice (the copy does not
 * share it). `seen` holds the objects met so far.
 */
function walkChanges(node: unknown, seen: Set<object>): boolean {
  if (!node || typeof node !== 'object') return false;
  if (seen.has(node)) return true;
  seen.add(node);
  if (Array.isArray(node)) {
    if (Object.getPrototypeOf(node) !== Array.prototype) return true;
    for (let i = 0; i < node.length; i++) if (!(i in node) || walkChanges(node[i], seen)) return true;
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(node);
  if (prototype !== Object.prototype && prototype !== null) return true;
  const record = node as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && (KINDS as readonly string[]).includes(keys[0]!)) return true;
  for (const key of keys) if (key === '__proto__' || walkChanges(record[key], seen)) return true;
  return false;
}
