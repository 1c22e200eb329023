/**
 * The rule for branch and tag names Pave hands to git: a name git itself accepts (`git check-ref-format`)
 * that can never be read as an option or a revision expression. Pure: no I/O.
 */
import { invalidInput } from '../core/problem.js';

/**
 * Why `name` may not be given to git as a branch or tag name, or undefined when it may.
 * @example refNameProblem('release/1.2') // undefined
 * @example refNameProblem('--upload-pack=touch /tmp/x') // 'must not start with "-" (git would read it as an option)'
 */
export function refNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name.startsWith('-')) return 'must not start with "-" (git would read it as an option)';
  if (name.length > 255) return 'must be at most 255 characters';
  // Whitespace, control characters and the characters of revision expressions and globs.
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return 'must not contain spaces, control characters or any of ~ ^ : ? * [ \\';
  if (name.includes('..') || name.includes('//') || name.includes('@{') || name === '@') return 'must not contain "..", "//" or "@{", nor be "@"';
  if (name.startsWith('/') || name.endsWith('/') || name.endsWith('.') || name.endsWith('.lock')) return 'must not start with "/" nor end with "/", "." or ".lock"';
  if (name.split('/').some(part => part.startsWith('.'))) return 'must not have a part starting with "."';
  return undefined;
}

/**
 * Returns `name` when it is a safe branch or tag name; else throws a 422 problem naming `pointer`.
 * @example checkRefName(target.ref, '/target') // 'main'
 */
export function checkRefName(name: string, pointer = ''): string {
  const reason = refNameProblem(name);
  if (reason) throw invalidInput(`git ref "${name.slice(0, 200)}" ${reason}`, [{ pointer, detail: reason, rule: 'ref' }]);
  return name;
}
