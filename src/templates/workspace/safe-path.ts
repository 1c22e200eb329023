/**
 * Path rules every action follows: a path written in a template or given as a parameter is relative,
 * stays inside its root after `..` is resolved, and never goes through a symbolic link.
 * Pure checks here; the file operations that use them live in `workspace.ts` and `template-files.ts`.
 */
import { lstat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { invalidInput } from '../../core/problem.js';
import { isInside } from '../../core/is-inside.js';


/**
 * Resolves a relative path below `root`, refusing absolute paths, NUL bytes and `..` that climbs out.
 * `what` names the input in the error, e.g. `input.targetPath`.
 * @example confinePath('/ws', 'src/../README.md', 'input.path') // '/ws/README.md'
 * @example confinePath('/ws', '../../etc/passwd', 'input.path') // throws 422: input.path "../../etc/passwd" points outside the workspace
 */
export function confinePath(root: string, path: unknown, what: string, place = 'the workspace'): string {
  if (typeof path !== 'string') throw pathError(what, path, 'must be a path (text)');
  if (path.includes('\0')) throw pathError(what, path, 'contains a NUL character');
  if (isAbsolute(path) || /^[a-zA-Z]:[\\/]/.test(path) || path.startsWith('\\')) throw pathError(what, path, `is absolute; paths are relative to ${place}`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) throw pathError(what, path, `is a URL; only paths relative to ${place} are allowed`);
  const resolved = resolve(root, path);
  if (!isInside(root, resolved)) throw pathError(what, path, `points outside ${place}`);
  return resolved;
}

/**
 * Refuses a path that goes through a symbolic link: every existing component below `root` is checked
 * with lstat. With `allowFinalLink`, the last component may itself be a link (delete or rename acts on
 * the link, never on what it points to).
 */
export async function assertNoSymlinks(root: string, absolute: string, what: string, options: { allowFinalLink?: boolean } = {}): Promise<void> {
  const parts = relative(root, absolute).split(sep).filter(Boolean);
  let current = root;
  for (let i = 0; i < parts.length; i++) {
    current = join(current, parts[i]!);
    const info = await lstat(current).catch(() => undefined);
    if (!info) return; // the rest does not exist yet: nothing to follow
    if (info.isSymbolicLink() && !(options.allowFinalLink && i === parts.length - 1)) {
      throw invalidInput(`${what}: ${relative(root, current)} is a symbolic link; Pave never writes or reads through links`, [
        { pointer: '', detail: `${relative(root, current)} is a symbolic link`, rule: 'symlink' },
      ]);
    }
  }
}

export function pathError(what: string, path: unknown, problem: string): Error {
  const shown = typeof path === 'string' ? JSON.stringify(path.length > 200 ? path.slice(0, 200) + '…' : path) : String(path);
  return invalidInput(`${what} ${shown} ${problem}`, [{ pointer: '', detail: `${shown} ${problem}`, rule: 'path' }]);
}
