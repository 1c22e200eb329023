import { Link } from 'react-router-dom';

/** One bar: a label, a value, and the band that colours it. */
export interface Bar {
  label: string;
  value: number;
  band?: 'elite' | 'high' | 'medium' | 'low' | null;
  /** Where the label leads (an entity's page). */
  href?: string;
}

/**
 * A horizontal bar chart: one row per bar, its length proportional to the value, coloured by band, the
 * value written after it. Plain HTML, so it reads as a list to a screen reader and never overflows.
 */
export function BarChart({ bars, caption, unit }: { bars: Bar[]; caption: string; unit: string }) {
  const max = Math.max(...bars.map((b) => b.value), 1);
  return (
    <figure className="bar-chart">
      <figcaption className="small muted">{caption}</figcaption>
      <ol>
        {bars.map((b) => (
          <li key={b.label} className="bar-row">
            <span className="bar-label">{b.href ? <Link to={b.href}>{b.label}</Link> : b.label}</span>
            <span className="bar-track">
              <span className={`bar band-fill-${b.band ?? 'none'}`} style={{ width: `${(100 * b.value) / max}%` }} />
              <span className="bar-value">
                {b.value} {unit}
              </span>
            </span>
          </li>
        ))}
      </ol>
    </figure>
  );
}
