import { PaveError } from '../core/problem.js';

/** Why a URL was not read: refused by Pave (the first four) or failed at the other end (the rest). */
export type ReadingFailure = 'not-allowed' | 'private-address' | 'too-large' | 'too-many-redirects' | 'timeout' | 'not-found' | 'http-status' | 'unreachable';

const STATUS: Record<ReadingFailure, number> = {
  'not-allowed': 403,
  'private-address': 403,
  'too-large': 422,
  'too-many-redirects': 422,
  timeout: 504,
  'not-found': 404,
  'http-status': 502,
  unreachable: 502,
};

/**
 * A URL read that did not happen, as a problem (`type` ends in `reading-<failure>`). Its words name the URL
 * without its query (which may hold a token) and, for a refusal, the setting that would allow it; never an
 * address a name resolved to.
 */
export class ReadingError extends PaveError {
  constructor(
    readonly failure: ReadingFailure,
    detail: string,
  ) {
    super({ type: `https://pave.dev/problems/reading-${failure}`, title: 'URL not read', status: STATUS[failure], detail });
    this.name = 'ReadingError';
  }
}

/** A URL as messages show it: origin and path, no credentials, query or fragment. */
export function shownUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
