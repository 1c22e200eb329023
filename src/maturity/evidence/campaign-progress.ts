import type { EvidenceProvider } from '../evidence-provider.js';
import { percent, WHOLE_CATALOG } from '../evidence-provider.js';

/** Operations: scorecard campaigns, how many are still open (entities left) and how far they have come. */
export const campaignProgress: EvidenceProvider = {
  id: 'operations.campaign-progress',
  aspect: 'operations',
  title: 'Scorecard campaigns',
  async collect(app) {
    const campaigns = (await app.scorecards.campaigns(WHOLE_CATALOG)).filter(c => c.scorecardFound);
    const source = 'scorecards: every campaign with its progress (GET /api/scorecards/campaigns)';
    // No campaign is no sign either way: it says so and suggests nothing.
    if (!campaigns.length) return { id: this.id, aspect: this.aspect, title: this.title, value: 'No data yet: no campaign has been run', measure: 0, source };
    const open = campaigns.filter(c => c.progress.left > 0);
    const late = open.filter(c => c.progress.daysLeft < 0).length;
    const total = campaigns.reduce((sum, c) => sum + c.progress.total, 0);
    const settled = campaigns.reduce((sum, c) => sum + c.progress.done + c.progress.exempt, 0);
    const share = total ? settled / total : 1;
    return {
      id: this.id,
      aspect: this.aspect,
      title: this.title,
      value: `${campaigns.length} campaign(s), ${open.length} open${late ? ` (${late} past the target)` : ''}; ${settled} of ${total} entities done or exempt (${percent(share)})`,
      measure: share,
      source,
      suggests: late ? 2 : share < 0.5 ? 2 : 3,
    };
  },
};
