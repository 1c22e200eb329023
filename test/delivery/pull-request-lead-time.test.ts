import { describe, expect, it } from 'vitest';
import { pullRequestLeadTimes } from '../../src/delivery/pull-request-lead-time.js';

/** The pure lead time per pull request on shapes too large to send through the API in a test. */
const at = (text: string) => Date.parse(text);
const A = 'component:default/a';

describe('pullRequestLeadTimes', () => {
  it('a pull request of more commits known as changes than a call may take arguments: its first commit is the earliest', () => {
    const commits = Array.from({ length: 200_000 }, (_, i) => i.toString(16).padStart(8, '0'));
    const changes = commits.map((sha, i) => ({ entityRef: A, sha, at: at('2026-03-10T09:00:00Z') - (i === 123_456 ? 3 * 3_600_000 : 0) }));
    const { items } = pullRequestLeadTimes({
      pullRequests: [{ key: 'a#1', entityRef: A, openedAt: at('2026-03-10T10:00:00Z'), mergedAt: at('2026-03-10T12:00:00Z'), mergeSha: 'ff'.repeat(20), commits }],
      changes,
      deployments: [],
      production: new Set(['production']),
      window: { start: at('2026-03-01T00:00:00Z'), end: at('2026-03-31T00:00:00Z') },
    });
    expect(items).toMatchObject([{ key: 'a#1', state: 'merged', firstCommitAt: '2026-03-10T06:00:00.000Z', hours: { toMerge: 6 } }]);
  });
});
