/**
 * Where an organisation's own actions are (`templates.actions`): every top-level `.mjs`/`.js`/`.cjs` file
 * of each configured folder, and each configured npm package's entry point. Nothing here imports them:
 * their code only ever runs in the sandbox, which may read the folders named with each entry.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { InstalledFrom } from '../actions/action-description.js';

/** One file exporting actions: its real path, what the sandbox may read to import it, and where it came from. */
export interface ActionEntry {
  file: string;
  readable: string[];
  from: InstalledFrom;
}

const ACTION_FILE = /\.(mjs|cjs|js)$/;

/**
 * The entries of the configured folders and packages, and what could not be found (said, not thrown: the
 * rest still install).
 * @example await actionEntries({ folders: ['/srv/pave-actions'], packages: ['@acme/pave-actions'] }, process.cwd())
 */
export async function actionEntries(config: { folders: string[]; packages: string[] }, cwd: string): Promise<{ entries: ActionEntry[]; problems: string[] }> {
  const entries: ActionEntry[] = [];
  const problems: string[] = [];
  for (const configured of config.folders) {
    const folder = await realpath(configured).catch(() => undefined);
    if (!folder || !(await stat(folder)).isDirectory()) {
      problems.push(`templates.actions.folders: ${configured} is not a folder`);
      continue;
    }
    for (const name of (await readdir(folder)).filter(n => ACTION_FILE.test(n)).sort()) {
      const file = join(folder, name);
      if ((await stat(file)).isFile()) entries.push({ file, readable: [folder], from: { kind: 'folder', name: `${basename(configured)}/${name}` } });
    }
  }
  for (const name of config.packages) {
    const entry = await packageEntry(name, cwd);
    if (typeof entry === 'string') problems.push(`templates.actions.packages: ${entry}`);
    else entries.push(entry);
  }
  return { entries, problems };
}

/**
 * A package found as Node finds it from `cwd` (the nearest `node_modules/<name>` up the tree), and its
 * entry point for `import` (`exports`' import or default condition, else `module`, `main`, `index.js`).
 * The sandbox may read the whole `node_modules` folder holding it, where its dependencies are.
 */
async function packageEntry(name: string, cwd: string): Promise<ActionEntry | string> {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const root = join(dir, 'node_modules', name);
    const manifest = await readFile(join(root, 'package.json'), 'utf8').then(text => JSON.parse(text) as PackageManifest, () => undefined);
    if (manifest) {
      const relative = entryOf(manifest);
      if (!relative) return `${name} names no entry point that can be imported (exports, module or main)`;
      const file = await realpath(join(root, relative)).catch(() => undefined);
      if (!file) return `${name}'s entry point ${relative} does not exist`;
      const modules = await realpath(join(dir, 'node_modules'));
      return { file, readable: [modules, ...(file.startsWith(modules + '/') ? [] : [await realpath(root)])], from: { kind: 'package', name: `${name}@${manifest.version ?? '?'}` } };
    }
    if (dirname(dir) === dir) return `${name} is not installed (no node_modules/${name} from ${cwd} up)`;
  }
}

interface PackageManifest {
  version?: string;
  exports?: unknown;
  module?: string;
  main?: string;
}

function entryOf(manifest: PackageManifest): string | undefined {
  const condition = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map(condition).find(Boolean);
    if (value && typeof value === 'object') {
      const map = value as Record<string, unknown>;
      if ('.' in map) return condition(map['.']);
      return condition(map.import) ?? condition(map.node) ?? condition(map.default) ?? condition(map.require);
    }
    return undefined;
  };
  return condition(manifest.exports) ?? manifest.module ?? manifest.main ?? 'index.js';
}
