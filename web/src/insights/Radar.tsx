import { ASPECT_TITLES, LEVEL_RANKS } from './insightsApi';

const ASPECTS = ['investment', 'adoption', 'interfaces', 'operations', 'measurement'];

/** A radar chart of the five aspects: rings for levels 1–4, one polygon per series. */
export function Radar({ series, size = 300 }: { series: Array<{ label: string; levels: Record<string, string>; colour: string }>; size?: number }) {
  const c = size / 2;
  const r = size / 2 - 64;
  const at = (i: number, rank: number): [number, number] => {
    const angle = -Math.PI / 2 + (i * 2 * Math.PI) / ASPECTS.length;
    return [c + (Math.cos(angle) * r * rank) / 4, c + (Math.sin(angle) * r * rank) / 4];
  };
  const polygon = (rank: (i: number) => number) => ASPECTS.map((_, i) => at(i, rank(i)).map((n) => n.toFixed(1)).join(',')).join(' ');
  return (
    <svg viewBox={`0 0 ${size} ${size}`} width={size} height={size} role="img" aria-label="Maturity radar chart" className="radar" overflow="visible">
      {[1, 2, 3, 4].map((rank) => (
        <polygon key={rank} points={polygon(() => rank)} fill="none" stroke="var(--border)" />
      ))}
      {ASPECTS.map((aspect, i) => {
        const [x, y] = at(i, 4);
        const [lx, ly] = at(i, 4.9);
        return (
          <g key={aspect}>
            <line x1={c} y1={c} x2={x} y2={y} stroke="var(--border)" />
            <text x={lx} y={ly} fontSize="12" textAnchor="middle" dominantBaseline="middle" fill="currentColor">
              {ASPECT_TITLES[aspect]}
            </text>
          </g>
        );
      })}
      {series.map((s) => (
        <polygon key={s.label} points={polygon((i) => LEVEL_RANKS[s.levels[ASPECTS[i]!] ?? ''] ?? 0)} fill={s.colour} fillOpacity={0.2} stroke={s.colour} strokeWidth={2}>
          <title>{s.label}</title>
        </polygon>
      ))}
    </svg>
  );
}
