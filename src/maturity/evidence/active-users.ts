import type { EvidenceProvider } from '../evidence-provider.js';
import { levelByShare, percent } from '../evidence-provider.js';

const DAYS = 90;
const PAGE = 1000;
const MAX_PAGES = 50;

/** Adoption: people who changed something through Pave in the last 90 days, of the people in the catalog. */
export const activeUsers: EvidenceProvider = {
  id: 'adoption.active-users',
  aspect: 'adoption',
  title: 'Active users (last 90 days)',
  async collect(app, now) {
    const users = await app.catalog.entities.list({ filter: ['kind=user'], fields: ['metadata.name'] });
    if (!users.length) return undefined;
    const since = new Date(now.getTime() - DAYS * 86_400_000).toISOString();
    const active = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { items, nextCursor } = await app.audit.query({ since, limit: PAGE, ...(cursor ? { cursor } : {}) });
      // Answering a survey is left out: it is not platform use, and counting it would mark who answered.
      for (const entry of items) if (entry.actor.startsWith('user:') && !entry.action.startsWith('surveys.response')) active.add(entry.actor);
      if (!nextCursor) break;
      cursor = nextCursor;
    }
    const share = Math.min(1, active.size / users.length);
    return {
      id: this.id,
      aspect: this.aspect,
      title: `Active users (last ${DAYS} days)`,
      value: `${active.size} of ${users.length} people (${percent(share)})`,
      measure: share,
      source: `audit log: distinct user: actors since ${since.slice(0, 10)}; catalog: Users`,
      suggests: levelByShare(share, [0.15, 0.4, 0.7]),
    };
  },
};
