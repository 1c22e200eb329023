/**
 * A RepoUrlPicker value (`github.com?owner=acme&repo=api`) read as Backstage reads it: a host and the
 * query parameters each provider uses (`owner`; GitLab's `owner` may be a group path `a/b`; Bitbucket
 * Server's `project`; `organization` and `workspace` for others). No I/O.
 */
import { invalidInput } from '../core/problem.js';
import type { RepoSpec } from '../expressions/backstage-filters.js';

/** The same parts as the templates' `parseRepoUrl` filter gives. */
export type RepoLocation = RepoSpec;

const SEGMENT = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;

/** A name a provider accepts as one path segment (no `..`, no slashes). */
function isSegment(value: string): boolean {
  return SEGMENT.test(value) && value !== '.' && value !== '..' && value.length <= 100;
}

/**
 * Reads a repository location; every mistake is a 422 on `input.repoUrl`.
 * @example parseRepoUrl('gitlab.com?owner=acme/web&repo=shop') // { host: 'gitlab.com', owner: 'acme/web', repo: 'shop' }
 */
export function parseRepoUrl(repoUrl: string): RepoLocation {
  const refuse = (detail: string) => invalidInput(`input.repoUrl "${repoUrl}" ${detail}`, [{ pointer: '/repoUrl', detail, rule: 'repo-url' }]);
  let url: URL;
  try {
    url = new URL(`https://${repoUrl.trim()}`);
  } catch {
    throw refuse('is not a repository location like github.com?owner=o&repo=r');
  }
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '')) throw refuse('must be host?owner=o&repo=r, with nothing between host and query');
  const location: RepoLocation = { host: url.host, repo: url.searchParams.get('repo') ?? '' };
  if (!isSegment(location.repo)) throw refuse('needs repo= with letters, digits, dots, dashes or underscores');
  for (const key of ['owner', 'organization', 'workspace', 'project'] as const) {
    const value = url.searchParams.get(key);
    if (value === null) continue;
    // Only GitLab groups nest; every part must still be a plain segment.
    if (!value.split('/').every(isSegment)) throw refuse(`has ${key}="${value}", which is not a name (letters, digits, dots, dashes, underscores; groups separated by /)`);
    location[key] = value;
  }
  return location;
}

/** The location's owner, or a 422 naming the parameter the provider needs. */
export function requireOwner(location: RepoLocation, key: 'owner' | 'project' = 'owner'): string {
  const value = location[key];
  if (!value) throw invalidInput(`input.repoUrl needs ${key}= for ${location.host}`, [{ pointer: '/repoUrl', detail: `needs ${key}=`, rule: 'repo-url' }]);
  return value;
}
