import type { Evidence } from './evidence-provider.js';
import { levelOfRank, type LevelId } from './maturity-model.js';

/**
 * The level the evidence of one aspect points to: the mean of what each piece suggests, rounded down (an
 * aspect is only as mature as most of its evidence shows). None when no evidence suggests a level.
 * @example suggestLevel([{ suggests: 3 }, { suggests: 2 }]) // 'operational'
 */
export function suggestLevel(evidence: ReadonlyArray<Pick<Evidence, 'suggests'>>): LevelId | undefined {
  const ranks = evidence.map(e => e.suggests).filter((r): r is number => r !== undefined);
  if (!ranks.length) return undefined;
  return levelOfRank(Math.floor(ranks.reduce((a, b) => a + b, 0) / ranks.length + 1e-9)).id;
}
