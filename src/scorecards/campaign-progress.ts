import type { Campaign } from './campaign.js';
import type { ResultHistoryPoint } from './result-store.js';
import type { Scorecard } from './scorecard.js';
import type { ScorecardResult } from './scorecard-result.js';

/** What is left for one team (owner). */
export interface TeamProgress {
  owner: string;
  total: number;
  done: number;
  exempt: number;
  left: number;
  /** The entities still to do, with the rules in their way. */
  entitiesLeft: Array<{ entity: string; level?: string; failing: string[] }>;
}

/** Where a campaign stands: counts, per team, and done over time (burn-up) from the start to today or the target. */
export interface CampaignProgress {
  total: number;
  done: number;
  exempt: number;
  left: number;
  /** Whole days until the target date (negative once past). */
  daysLeft: number;
  teams: TeamProgress[];
  /** Entities done at the end of each day (level campaigns; rule campaigns have no rule history, so only today). */
  burnup: Array<{ date: string; done: number }>;
}

const DAY = 86_400_000;
const MAX_POINTS = 200;

/**
 * A campaign's progress from its scorecard's results (and their history, for the burn-up), at `now`. Exempt
 * entities (an exemption not yet expired) count neither as done nor as left. Pure.
 */
export function campaignProgress(campaign: Campaign, scorecard: Scorecard, results: readonly ScorecardResult[], history: ReadonlyMap<string, readonly ResultHistoryPoint[]>, now: Date): CampaignProgress {
  const rank = new Map(scorecard.levels.map(level => [level.name, level.rank]));
  const required = campaign.level !== undefined ? (rank.get(campaign.level) ?? Number.POSITIVE_INFINITY) : undefined;
  const exempt = new Set(campaign.exemptions.filter(e => e.expires === undefined || Date.parse(e.expires) > now.getTime()).map(e => e.entity));
  const reached = (level: string | undefined) => required !== undefined && level !== undefined && (rank.get(level) ?? -1) >= required;
  const failingOf = (result: ScorecardResult) =>
    result.rules.filter(rule => rule.status !== 'pass' && (campaign.rules ? campaign.rules.includes(rule.id) : (rank.get(rule.level) ?? 0) <= (required ?? 0))).map(rule => rule.id);
  const isDone = (result: ScorecardResult) => (campaign.rules ? failingOf(result).length === 0 : reached(result.level));
  const teams = new Map<string, TeamProgress>();
  for (const result of results) {
    const owner = result.owner ?? 'unowned';
    const team = teams.get(owner) ?? { owner, total: 0, done: 0, exempt: 0, left: 0, entitiesLeft: [] };
    teams.set(owner, team);
    team.total++;
    if (exempt.has(result.entity)) team.exempt++;
    else if (isDone(result)) team.done++;
    else {
      team.left++;
      team.entitiesLeft.push({ entity: result.entity, ...(result.level ? { level: result.level } : {}), failing: failingOf(result) });
    }
  }
  const list = [...teams.values()].sort((a, b) => b.left - a.left || a.owner.localeCompare(b.owner));
  const sum = (key: 'total' | 'done' | 'exempt' | 'left') => list.reduce((total, team) => total + team[key], 0);
  const start = Date.parse(campaign.start);
  const target = Date.parse(campaign.target);
  const end = Math.min(now.getTime(), target);
  const burnup: Array<{ date: string; done: number }> = [];
  if (campaign.rules || !(end >= start)) burnup.push({ date: now.toISOString().slice(0, 10), done: sum('done') });
  else {
    const days = Math.floor((end - start) / DAY) + 1;
    const step = Math.max(1, Math.ceil(days / MAX_POINTS));
    const sampled: number[] = [];
    for (let day = 0; day < days; day += step) sampled.push(day);
    // The last point is always today (or the target day).
    if (sampled.at(-1) !== days - 1) sampled.push(days - 1);
    // Each entity's history (oldest first) is walked once alongside the days.
    const done = new Array<number>(sampled.length).fill(0);
    for (const result of results) {
      if (exempt.has(result.entity)) continue;
      const points = history.get(result.entity) ?? [];
      let next = 0;
      let latest: ResultHistoryPoint | undefined;
      sampled.forEach((day, index) => {
        const endOfDay = start + (day + 1) * DAY;
        while (next < points.length && Date.parse(points[next]!.evaluatedAt) < endOfDay) latest = points[next++];
        if (latest && reached(latest.level)) done[index]!++;
      });
    }
    sampled.forEach((day, index) => burnup.push({ date: new Date(start + day * DAY).toISOString().slice(0, 10), done: done[index]! }));
  }
  return { total: sum('total'), done: sum('done'), exempt: sum('exempt'), left: sum('left'), daysLeft: Math.ceil((target - now.getTime()) / DAY), teams: list, burnup };
}
