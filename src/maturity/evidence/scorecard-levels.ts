import type { EvidenceProvider } from '../evidence-provider.js';
import { levelByShare, percent, WHOLE_CATALOG } from '../evidence-provider.js';

/**
 * Operations: for each scorecard, the share of the entities it scores that reach each of its levels (a level
 * counts those at it or above), as the scorecards list shows them.
 */
export const scorecardLevels: EvidenceProvider = {
  id: 'operations.scorecard-coverage',
  aspect: 'operations',
  title: 'Scorecard levels reached',
  async collect(app) {
    const summaries = (await app.scorecards.summaries(WHOLE_CATALOG)).filter(s => s.entities > 0);
    const source = 'scorecards: every scorecard with its entities per level (GET /api/scorecards)';
    if (!summaries.length) return { id: this.id, aspect: this.aspect, title: this.title, value: 'No data yet: no scorecard has scored an entity', measure: 0, source, suggests: 1 };
    let scored = 0;
    let ranked = 0;
    const lines = summaries.map(({ scorecard, entities, levels }) => {
      scored += entities;
      ranked += entities - (levels.unranked ?? 0);
      const shares = [...scorecard.levels].sort((a, b) => a.rank - b.rank).map(level => {
        const reached = scorecard.levels.filter(l => l.rank >= level.rank).reduce((sum, l) => sum + (levels[l.name] ?? 0), 0);
        return `${level.name} ${percent(reached / entities)}`;
      });
      return `${scorecard.title}: ${entities} entities, ${shares.join(', ')}`;
    });
    // The measure: of every entity scored, the share at the lowest level or above.
    const share = ranked / scored;
    return { id: this.id, aspect: this.aspect, title: this.title, value: lines.join('; '), measure: share, source, suggests: levelByShare(share, [0.25, 0.6, 0.9]) };
  },
};
