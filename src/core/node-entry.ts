/**
 * Finding a Node entry script to start in a child process, whether Pave runs built (`dist/`,
 * plain JavaScript) or from source (TypeScript under tests and `tsx`): a `.js` module is run
 * as it is; when only the `.ts` source exists it is run through tsx, resolved from Pave's
 * own dependencies (so it works from any working directory).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** How to start an entry module: `node [...execArgv] script`. */
export interface NodeEntry {
  /** Absolute path of the script. */
  script: string;
  /** Node options needed to load it (`--import <tsx>` for TypeScript). */
  execArgv: string[];
}

/**
 * Locates the module `specifier` (written with a `.js` extension, as imports are) relative to
 * `base` (usually `import.meta.url`) and says how to run it.
 *
 * @example
 * const entry = nodeEntry('./evaluator-process.js', import.meta.url);
 * spawn(process.execPath, [...entry.execArgv, entry.script]);
 */
export function nodeEntry(specifier: string, base: string | URL): NodeEntry {
  const js = fileURLToPath(new URL(specifier, base));
  if (existsSync(js)) return { script: js, execArgv: [] };
  const ts = js.replace(/\.js$/, '.ts');
  if (!existsSync(ts)) throw new Error(`Cannot find the entry module ${js} (nor its TypeScript source)`);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { script: ts, execArgv: ['--import', tsx] };
}
