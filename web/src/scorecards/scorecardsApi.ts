/**
 * Typed calls to /api/scorecards. The answers are the server's own shapes (type-only: nothing of src/ is
 * bundled), the same TypeBox schemas the routes answer with.
 */
import { apiRequest } from '../lib/api';
import type { CampaignViewData, EntityScorecardsView, ScorecardDetailView, ScorecardSummaryView, ScorecardResultView, ScorecardTrendView, ScorecardView, TeamScorecardsView } from '../../../src/scorecards/scorecard-views.js';
export type { CampaignViewData, EntityScorecardsView, ScorecardDetailView, ScorecardSummaryView, ScorecardResultView, ScorecardTrendView, ScorecardView, TeamScorecardsView };

const enc = encodeURIComponent;

export function listScorecards(signal?: AbortSignal): Promise<{ items: ScorecardSummaryView[] }> {
  return apiRequest('/api/scorecards', { signal });
}

export function getScorecard(namespace: string, name: string, signal?: AbortSignal): Promise<ScorecardDetailView> {
  return apiRequest(`/api/scorecards/by-name/${enc(namespace)}/${enc(name)}`, { signal });
}

/** A scorecard's entities per level and mean score day by day, everyone's or one team's (`owner`). */
export function getScorecardTrend(namespace: string, name: string, query: { owner?: string; days?: number }, signal?: AbortSignal): Promise<ScorecardTrendView> {
  const search = new URLSearchParams({ ...(query.owner ? { owner: query.owner } : {}), ...(query.days ? { days: String(query.days) } : {}) }).toString();
  return apiRequest(`/api/scorecards/by-name/${enc(namespace)}/${enc(name)}/trend${search ? `?${search}` : ''}`, { signal });
}

export function getEntityScorecards(kind: string, namespace: string, name: string, signal?: AbortSignal): Promise<EntityScorecardsView> {
  return apiRequest(`/api/scorecards/entities/${enc(kind)}/${enc(namespace)}/${enc(name)}`, { signal });
}

export function getTeamScorecards(namespace: string, name: string, signal?: AbortSignal): Promise<TeamScorecardsView> {
  return apiRequest(`/api/scorecards/teams/${enc(namespace)}/${enc(name)}`, { signal });
}

export function listCampaigns(signal?: AbortSignal): Promise<{ items: CampaignViewData[] }> {
  return apiRequest('/api/scorecards/campaigns', { signal });
}

export function getCampaign(namespace: string, name: string, signal?: AbortSignal): Promise<CampaignViewData> {
  return apiRequest(`/api/scorecards/campaigns/${enc(namespace)}/${enc(name)}`, { signal });
}

/** The portal page of a campaign. */
export function campaignPath(ref: string): string {
  return `/scorecards/campaigns${scorecardPath(ref).slice('/scorecards'.length)}`;
}

/** The portal page of a scorecard. */
export function scorecardPath(ref: string): string {
  const [, rest = ref] = ref.split(':');
  const [namespace, name] = rest.includes('/') ? rest.split('/') : ['default', rest];
  return `/scorecards/${enc(namespace!)}/${enc(name!)}`;
}

/** The golden path's wizard, opened with the values a rule's fix computed from the entity. */
export function fixPath(fix: { template: string; values: Record<string, unknown> }): string {
  const [, rest = fix.template] = fix.template.split(':');
  const [namespace, name] = rest.includes('/') ? rest.split('/') : ['default', rest];
  const values = Object.keys(fix.values).length ? `?values=${enc(JSON.stringify(fix.values))}` : '';
  return `/create/templates/${enc(namespace!)}/${enc(name!)}${values}`;
}
