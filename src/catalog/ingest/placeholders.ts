import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { joinPointer, type FieldError } from '../../core/problem.js';
import type { SourceTree } from './source-tree.js';

const KINDS = ['$text', '$json', '$yaml'] as const;

/**
 * Replaces Backstage's `$text`, `$json` and `$yaml` placeholders with the content of the file they name,
 * relative to the file that holds them and confined to its source tree. A placeholder that cannot be
 * resolved is an error at its field; the rest of the entity is still resolved.
 */
export async function resolvePlaceholders(
  value: unknown,
  context: { file: string; tree: SourceTree; maxBytes: number },
): Promise<{ value: unknown; errors: FieldError[] }> {
  const errors: FieldError[] = [];
  const walk = async (node: unknown, path: Array<string | number>): Promise<unknown> => {
    if (Array.isArray(node)) return Promise.all(node.map((item, i) => walk(item, [...path, i])));
    if (!node || typeof node !== 'object') return node;
    const entries = Object.entries(node as Record<string, unknown>);
    const [only] = entries;
    if (entries.length === 1 && only && (KINDS as readonly string[]).includes(only[0])) {
      return resolveOne(only[0] as (typeof KINDS)[number], only[1], path);
    }
    const out: Record<string, unknown> = {};
    for (const [key, child] of entries) out[key] = await walk(child, [...path, key]);
    return out;
  };

  const resolveOne = async (kind: (typeof KINDS)[number], target: unknown, path: Array<string | number>) => {
    const pointer = joinPointer(...path);
    const fail = (detail: string) => {
      errors.push({ pointer, detail, rule: 'placeholder' });
      return undefined;
    };
    if (typeof target !== 'string' || target === '') return fail(`${kind} needs a file path`);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return fail(`${kind} "${target}": only paths inside the location are read, not URLs`);
    const file = await context.tree.confine(target, dirname(context.file));
    if (!file) return fail(`${kind} "${target}" points outside the location's folder`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      return fail(`${kind} "${target}" could not be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (Buffer.byteLength(text) > context.maxBytes) return fail(`${kind} "${target}" is larger than ${context.maxBytes} bytes`);
    try {
      if (kind === '$json') return JSON.parse(text) as unknown;
      if (kind === '$yaml') return parseYaml(text) as unknown;
      return text;
    } catch (error) {
      return fail(`${kind} "${target}" is not valid ${kind === '$json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
    }
  };

  const resolved = await walk(value, []);
  return { value: resolved, errors };
}
