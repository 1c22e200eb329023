/**
 * The checks on what a caller names inside a hosted repository: a ref (branch, tag or commit id) and a
 * path in its tree. Both reach the git CLI as arguments, so they are held to a narrow shape: a ref can
 * never be read as an option or a revision expression, and a path never leaves the tree it names.
 * Pure: no I/O.
 */
import { badRequest } from '../core/problem.js';
import { refNameProblem } from '../git/refs.js';

/** Branch and tag names as people write them, or a (possibly abbreviated) commit id. */
const REF = /^[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}$/;
const MAX_PATH = 4096;

/**
 * Checks a ref: letters, digits, `.`, `_`, `-` and `/`, starting with a letter, digit or underscore, and
 * a name git's own rules accept (`git/refs.ts`: no `..`, `//`, trailing `/` or `.`, or `.lock`).
 * @example checkRef('release/1.2') // 'release/1.2'
 * @throws a 400 problem naming `/ref`
 */
export function checkRef(ref: string): string {
  const reason = !REF.test(ref)
    ? 'must be a branch, tag or commit id: letters, digits, ".", "_", "-" and "/", starting with a letter, digit or "_"'
    : refNameProblem(ref);
  if (reason) throw badRequest(`ref "${ref}" ${reason}`, [{ pointer: '/ref', detail: reason, rule: 'pattern' }]);
  return ref;
}

/**
 * Normalises a path inside a repository's tree: leading and trailing slashes dropped ('' is the root).
 * Refuses `.` and `..` segments, empty segments and NUL, so the path names exactly one tree entry.
 * @example checkTreePath('/src/app/') // 'src/app'
 * @throws a 400 problem naming `/path`
 */
export function checkTreePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const reason =
    path.length > MAX_PATH
      ? `must be at most ${MAX_PATH} characters`
      : trimmed.includes('\0')
        ? 'must not contain NUL'
        : trimmed !== '' && trimmed.split('/').some(segment => segment === '' || segment === '.' || segment === '..')
          ? 'must not contain empty, "." or ".." segments'
          : undefined;
  if (reason) throw badRequest(`path "${path.slice(0, 200)}" ${reason}`, [{ pointer: '/path', detail: reason, rule: 'path' }]);
  return trimmed;
}
