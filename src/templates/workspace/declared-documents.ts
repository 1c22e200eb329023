/**
 * The entity kinds a golden path's catalog files were written to hold. A skeleton declares them in its own
 * text (`kind: Component` at the start of a line); a form value that smuggles in a line break and `---` can
 * add a document of another kind (a Group whose members make the runner an admin), and `catalog:register`
 * refuses what the template did not declare. Kinds are compared case-insensitively; a skeleton whose kind
 * is itself an expression declares any kind.
 */
import { posix } from 'node:path';

/** The kinds a file may hold: a set, or `any` when the template computes the kind. */
export type DeclaredKinds = ReadonlySet<string> | 'any';

/**
 * The kinds a YAML skeleton's own text declares: every `kind:` key at the start of a line (a document's
 * top level), read before rendering, so nothing a value brings counts.
 * @example declaredKinds('apiVersion: backstage.io/v1alpha1\nkind: Component\n') // Set { 'component' }
 */
export function declaredKinds(source: string): DeclaredKinds {
  const kinds = new Set<string>();
  for (const match of source.matchAll(/^kind:[ \t]*(.*?)[ \t]*(?:#.*)?$/gm)) {
    const value = match[1]!.replace(/^(['"])(.*)\1$/, '$2');
    if (/\$\{\{|\{\{|\{%/.test(value)) return 'any';
    if (value) kinds.add(value.toLocaleLowerCase('en-US'));
  }
  return kinds;
}

/** Whether a path names a YAML file (the only files whose documents are declared). */
export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * What the workspace's writers declared, by workspace path. Kept in memory with the workspace: a resumed
 * task replays its workspace steps, which declare again.
 * @example
 *   declarations.declare('catalog-info.yaml', declaredKinds(skeletonText));
 *   declarations.kindsFor('/catalog-info.yaml'); // Set { 'component' }
 */
export class DeclaredDocuments {
  readonly #byPath = new Map<string, DeclaredKinds>();

  declare(path: string, kinds: DeclaredKinds): void {
    this.#byPath.set(posix.normalize(path).replace(/^\.\//, ''), kinds);
  }

  /**
   * The kinds declared for the file a published repository holds at `path` (relative to its root): the
   * workspace files whose path ends with it (a repository may be published from a folder of the
   * workspace). Undefined when no writer declared anything there (a file the template did not write).
   */
  kindsFor(path: string): DeclaredKinds | undefined {
    const wanted = posix.normalize(path.replace(/^\/+/, ''));
    let found: Set<string> | undefined;
    for (const [file, kinds] of this.#byPath) {
      if (file !== wanted && !file.endsWith('/' + wanted)) continue;
      if (kinds === 'any') return 'any';
      found = new Set([...(found ?? []), ...kinds]);
    }
    return found;
  }
}
