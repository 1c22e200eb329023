import type { ResultHistoryPoint } from './result-store.js';
import type { Scorecard } from './scorecard.js';
import type { ScorecardResult } from './scorecard-result.js';

/** One day of a trend: how many entities stood at each level (or `unranked`) at its end, and their mean score. */
export interface TrendPoint {
  date: string;
  /** Entities scored by then. */
  entities: number;
  levels: Record<string, number>;
  /** Mean score of those entities, rounded; null while none was scored. */
  averageScore: number | null;
}

const DAY = 86_400_000;
/** The longest trend answered, in days. */
export const MAX_TREND_DAYS = 365;

/**
 * A scorecard's levels over the last `days` days (today included), over the entities of `results` (those the
 * caller may read, perhaps one team's): for each day, each entity's latest history point before the day's end.
 * An entity scored only later counts from then on. Pure.
 * @example scorecardTrend(card, results, history, 30, new Date()).at(-1) // { date: '2026-12-06', entities: 12, levels: { bronze: 3, … }, averageScore: 64 }
 */
export function scorecardTrend(scorecard: Scorecard, results: readonly ScorecardResult[], history: ReadonlyMap<string, readonly ResultHistoryPoint[]>, days: number, now: Date): TrendPoint[] {
  const today = Date.parse(now.toISOString().slice(0, 10));
  const points: TrendPoint[] = [];
  for (let day = days - 1; day >= 0; day--) {
    const start = today - day * DAY;
    const levels: Record<string, number> = Object.fromEntries([...scorecard.levels.map(level => [level.name, 0] as const), ['unranked', 0] as const]);
    let entities = 0;
    let scores = 0;
    for (const result of results) {
      const latest = [...(history.get(result.entity) ?? [])].reverse().find(point => Date.parse(point.evaluatedAt) < start + DAY);
      if (!latest) continue;
      entities++;
      scores += latest.score;
      const level = latest.level ?? 'unranked';
      levels[level] = (levels[level] ?? 0) + 1;
    }
    points.push({ date: new Date(start).toISOString().slice(0, 10), entities, levels, averageScore: entities ? Math.round(scores / entities) : null });
  }
  return points;
}
