import type { ProviderKind } from './integrations-config.js';
import { urlPathSegments } from '../core/url-path-segments.js';

/**
 * The provider REST API URL that answers a hosted file's raw content, for the web URL a person copies from
 * the file's page, or undefined when the URL is not such a page:
 * - GitHub `/<owner>/<repo>/blob/<ref>/<path>` → `GET /repos/<owner>/<repo>/contents/<path>?ref=<ref>` (raw media type);
 * - GitLab `/<group>/…/<project>/-/blob/<ref>/<path>` → `GET /projects/<id>/repository/files/<path>/raw?ref=<ref>`;
 * - Bitbucket Server `/projects/<key>/repos/<repo>/browse/<path>[?at=<ref>]` → `GET /projects/<key>/repos/<repo>/raw/<path>[?at=<ref>]`;
 * - Gitea `/<owner>/<repo>/src/(branch|tag|commit)/<ref>/<path>` → `GET /repos/<owner>/<repo>/raw/<path>?ref=<ref>`.
 * The ref is one path segment (as in the web URL, a branch with a slash cannot be told from a folder).
 * @example hostedBlobApiUrl('github', 'https://api.github.com', new URL('https://github.com/acme/api/blob/main/openapi.yaml')) // https://api.github.com/repos/acme/api/contents/openapi.yaml?ref=main
 */
export function hostedBlobApiUrl(kind: ProviderKind, apiBaseUrl: string, url: URL): string | undefined {
  const segments = urlPathSegments(url);
  if (!segments) return undefined; // an escape no host's page holds, or a smuggled `/` or dot-segment
  const path = (parts: string[]) => parts.map(encodeURIComponent).join('/');
  switch (kind) {
    case 'github': {
      const [owner, repo, blob, ref, ...file] = segments;
      if (blob !== 'blob' || !ref || !file.length) return undefined;
      return `${apiBaseUrl}/repos/${path([owner!, repo!])}/contents/${path(file)}?ref=${encodeURIComponent(ref)}`;
    }
    case 'gitlab': {
      const dash = segments.indexOf('-');
      const [blob, ref, ...file] = segments.slice(dash + 1);
      if (dash < 2 || blob !== 'blob' || !ref || !file.length) return undefined;
      return `${apiBaseUrl}/projects/${encodeURIComponent(segments.slice(0, dash).join('/'))}/repository/files/${encodeURIComponent(file.join('/'))}/raw?ref=${encodeURIComponent(ref)}`;
    }
    case 'bitbucketServer': {
      const [projects, key, repos, repo, browse, ...file] = segments;
      if (projects !== 'projects' || repos !== 'repos' || browse !== 'browse' || !file.length) return undefined;
      const at = url.searchParams.get('at');
      return `${apiBaseUrl}/projects/${path([key!, 'repos', repo!])}/raw/${path(file)}${at ? `?at=${encodeURIComponent(at)}` : ''}`;
    }
    case 'gitea': {
      const [owner, repo, src, refKind, ref, ...file] = segments;
      if (src !== 'src' || !['branch', 'tag', 'commit'].includes(refKind ?? '') || !ref || !file.length) return undefined;
      return `${apiBaseUrl}/repos/${path([owner!, repo!])}/raw/${path(file)}?ref=${encodeURIComponent(ref)}`;
    }
  }
}
