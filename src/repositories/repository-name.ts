/**
 * Names of the repositories Pave hosts under `<dataDir>/git`: `<owner>/<repo>`, stored as the folder
 * `<owner>/<repo>.git`. Each part becomes a folder name, so it is one safe segment. Pure: no I/O.
 */

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

/**
 * Whether a value may be an owner or repository name: letters, digits, dots, dashes and underscores,
 * not starting with a dot or dash, never `..`, at most 100 characters.
 * @example isRepositorySegment('basket-pricing') // true
 * @example isRepositorySegment('..') // false
 */
export function isRepositorySegment(value: string): boolean {
  return SEGMENT.test(value) && !value.includes('..');
}

/** A hosted repository's name, e.g. `{ owner: 'larkspur', repo: 'basket-pricing' }` for `larkspur/basket-pricing`. */
export interface RepositoryName {
  owner: string;
  repo: string;
}

/**
 * The repository name a URL segment means: `repo` and `repo.git` are the same repository.
 * Returns undefined when either part is not a safe segment.
 * @example repositoryName('larkspur', 'api.git') // { owner: 'larkspur', repo: 'api' }
 */
export function repositoryName(owner: string, repo: string): RepositoryName | undefined {
  const bare = repo.replace(/\.git$/, '');
  return isRepositorySegment(owner) && isRepositorySegment(bare) ? { owner, repo: bare } : undefined;
}

/** `owner/repo`, the name people read and type. */
export function formatRepositoryName(name: RepositoryName): string {
  return `${name.owner}/${name.repo}`;
}
