import type { ScorecardView } from './scorecardsApi';

/** A level as a coloured pill (its scorecard's colour), or "unranked". */
export function LevelBadge({ scorecard, level }: { scorecard?: ScorecardView; level?: string }) {
  const colour = scorecard?.levels.find((l) => l.name === level)?.colour;
  return (
    <span className={`level-badge${level ? '' : ' unranked'}`} style={colour ? { borderColor: colour, boxShadow: `inset 0.35rem 0 0 ${colour}` } : undefined}>
      {level ?? 'unranked'}
    </span>
  );
}

/** A rule's status in words and colour. */
export function RuleStatusPill({ status }: { status: 'pass' | 'fail' | 'unknown' }) {
  return <span className={`rule-status ${status}`}>{status === 'pass' ? '✓ pass' : status === 'fail' ? '✗ fail' : '? unknown'}</span>;
}
