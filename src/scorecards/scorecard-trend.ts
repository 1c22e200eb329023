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
 * An entity scored only later counts from then on. Linear: each entity's history (oldest first) is walked
 * once alongside the days. Pure.
 * @example scorecardTrend(card, results, history, 30, new Date()).at(-1) // { date: '2026-12-06', entities: 12, levels: { bronze: 3, … }, averageScore: 64 }
 */
export function scorecardTrend(scorecard: Scorecard, results: readonly ScorecardResult[], history: ReadonlyMap<string, readonly ResultHistoryPoint[]>, days: number, now: Date): TrendPoint[] {
  const today = Date.parse(now.toISOString().slice(0, 10));
  const first = today - (days - 1) * DAY;
  const names = [...scorecard.levels.map(level => level.name), 'unranked'];
  const entities = new Array<number>(days).fill(0);
  const scores = new Array<number>(days).fill(0);
  const levels = new Map(names.map(name => [name, new Array<number>(days).fill(0)]));
  for (const result of results) {
    const points = history.get(result.entity) ?? [];
    let next = 0;
    let latest: ResultHistoryPoint | undefined;
    for (let day = 0; day < days; day++) {
      const end = first + (day + 1) * DAY;
      while (next < points.length && Date.parse(points[next]!.evaluatedAt) < end) latest = points[next++];
      if (!latest) continue;
      entities[day]!++;
      scores[day]! += latest.score;
      const level = latest.level ?? 'unranked';
      if (!levels.has(level)) levels.set(level, new Array<number>(days).fill(0));
      levels.get(level)![day]!++;
    }
  }
  return entities.map((count, day) => ({
    date: new Date(first + day * DAY).toISOString().slice(0, 10),
    entities: count,
    levels: Object.fromEntries([...levels].map(([name, counts]) => [name, counts[day]!])),
    averageScore: count ? Math.round(scores[day]! / count) : null,
  }));
}
