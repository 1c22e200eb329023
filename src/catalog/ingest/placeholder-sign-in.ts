import { gitWebUrl } from '../../reading/git-web-url.js';
import type { SignIn } from '../../reading/web-url-clone.js';

/**
 * Whether a placeholder's URL (`$text`/`$json`/`$yaml: https://…`) may be read signed in with the
 * integration's credentials: only a file of the repository the placeholder's own file was cloned from, or of a
 * repository the operator listed (`catalog.placeholderRepositories`). Anything else is read as anyone may, so
 * whoever can write a registered location's files cannot make Pave read, with the organisation's token, a
 * private repository they have no access to (SECURITY.md §28). Repositories are compared by origin and path,
 * ignoring case, a trailing `/` and `.git`; a file page names its repository (`…/blob/main/x.yaml`).
 * @example placeholderSignIn('https://github.com/acme/shop/blob/main/openapi.yaml', 'https://github.com/acme/shop.git', []) // 'integration'
 */
export function placeholderSignIn(url: string, ownRepository: string | undefined, listed: readonly string[]): SignIn {
  const wanted = repositoryKey(url);
  if (!wanted) return 'anonymous';
  const trusted = [...(ownRepository ? [ownRepository] : []), ...listed];
  return trusted.some(repository => repositoryKey(repository) === wanted) ? 'integration' : 'anonymous';
}

/**
 * The repository an http(s) URL names, as a comparable text: a git host's file or folder page names its
 * repository, any other URL is taken as a repository's own URL. Undefined for anything else.
 * @example repositoryKey('https://GitHub.com/Acme/Shop.git/') // 'https://github.com/acme/shop'
 */
export function repositoryKey(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  const repository = gitWebUrl(parsed)?.repository ?? parsed;
  return `${repository.origin}${repository.pathname.replace(/\/+$/, '').replace(/\.git$/i, '')}`.toLowerCase();
}
