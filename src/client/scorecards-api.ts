import { parseEntityRef } from '../core/entity-ref.js';
import type { CampaignViewData, EntityScorecardsView, ScorecardDetailView, ScorecardSummaryView, ScorecardTrendView, TeamScorecardsView } from '../scorecards/scorecard-views.js';
import type { ApiConnection } from './api-connection.js';

const segment = encodeURIComponent;

/** Scorecards under /api/scorecards: every scorecard, one scorecard's results, one entity's results and facts. */
export class ScorecardsApi {
  constructor(private readonly api: ApiConnection) {}

  async list(): Promise<ScorecardSummaryView[]> {
    return (await this.api.json<{ items: ScorecardSummaryView[] }>({ method: 'GET', path: '/api/scorecards' })).items;
  }

  /** A scorecard by ref (`[scorecard:][namespace/]name`). */
  scorecard(ref: string): Promise<ScorecardDetailView> {
    const { namespace, name } = parseEntityRef(ref, { defaultKind: 'scorecard' });
    return this.api.json({ method: 'GET', path: `/api/scorecards/by-name/${segment(namespace)}/${segment(name)}` });
  }

  /** An entity's results by ref (`[kind:][namespace/]name`, a component when no kind is given). */
  entity(ref: string): Promise<EntityScorecardsView> {
    const { kind, namespace, name } = parseEntityRef(ref, { defaultKind: 'component' });
    return this.api.json({ method: 'GET', path: `/api/scorecards/entities/${segment(kind)}/${segment(namespace)}/${segment(name)}` });
  }

  /** A scorecard's levels day by day, over every entity or one team's (`owner`). */
  trend(ref: string, query: { owner?: string; days?: number } = {}): Promise<ScorecardTrendView> {
    const { namespace, name } = parseEntityRef(ref, { defaultKind: 'scorecard' });
    const search = new URLSearchParams({ ...(query.owner ? { owner: query.owner } : {}), ...(query.days ? { days: String(query.days) } : {}) }).toString();
    return this.api.json({ method: 'GET', path: `/api/scorecards/by-name/${segment(namespace)}/${segment(name)}/trend${search ? `?${search}` : ''}` });
  }

  /** A team's entities per level on each scorecard and what it has left in each campaign. */
  team(ref: string): Promise<TeamScorecardsView> {
    const { namespace, name } = parseEntityRef(ref, { defaultKind: 'group' });
    return this.api.json({ method: 'GET', path: `/api/scorecards/teams/${segment(namespace)}/${segment(name)}` });
  }

  async campaigns(): Promise<CampaignViewData[]> {
    return (await this.api.json<{ items: CampaignViewData[] }>({ method: 'GET', path: '/api/scorecards/campaigns' })).items;
  }

  /** A campaign by ref (`[campaign:][namespace/]name`). */
  campaign(ref: string): Promise<CampaignViewData> {
    const { namespace, name } = parseEntityRef(ref, { defaultKind: 'campaign' });
    return this.api.json({ method: 'GET', path: `/api/scorecards/campaigns/${segment(namespace)}/${segment(name)}` });
  }
}
