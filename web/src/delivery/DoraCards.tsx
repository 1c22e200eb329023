import type { DoraFigures } from './deliveryApi';

type Band = 'elite' | 'high' | 'medium' | 'low' | null;

/** A duration in hours, in the unit that reads best. */
export function hours(h: number | null): string {
  if (h === null) return '—';
  if (h < 1) return `${Math.round(h * 60)} min`;
  if (h < 48) return `${Math.round(h * 10) / 10} h`;
  return `${Math.round((h / 24) * 10) / 10} days`;
}

export function percent(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 1000) / 10}%`;
}

export function BandBadge({ band }: { band: Band }) {
  if (!band) return <span className="band band-none">no band</span>;
  return <span className={`band band-${band}`}>{band}</span>;
}

/** How a figure moved since the window before; `lowerIsBetter` for times and rates. */
function Trend({ now, before, lowerIsBetter }: { now: number | null; before: number | null; lowerIsBetter?: boolean }) {
  if (now === null || before === null || now === before) return <span className="trend muted small">{before === null ? 'no figure before' : 'unchanged'}</span>;
  const better = lowerIsBetter ? now < before : now > before;
  return (
    <span className={`trend small ${better ? 'trend-better' : 'trend-worse'}`} title="Compared with the window before">
      {now > before ? '▲' : '▼'} {better ? 'better' : 'worse'} than before
    </span>
  );
}

/** DORA's five metrics as cards, each with its value, band and trend. */
export function DoraCards({ metrics, previous }: { metrics: DoraFigures; previous: DoraFigures }) {
  const m = metrics;
  const cards = [
    { id: 'deployment-frequency', title: 'Deployment frequency', value: `${m.deploymentFrequency.perWeek} / week`, detail: `${m.deploymentFrequency.deployments} production deployments`, band: m.deploymentFrequency.band, trend: <Trend now={m.deploymentFrequency.perDay} before={previous.deploymentFrequency.perDay} /> },
    { id: 'lead-time', title: 'Change lead time', value: hours(m.leadTime.medianHours), detail: `median of ${m.leadTime.changes} changes`, band: m.leadTime.band, trend: <Trend now={m.leadTime.medianHours} before={previous.leadTime.medianHours} lowerIsBetter /> },
    { id: 'change-failure-rate', title: 'Change failure rate', value: percent(m.changeFailureRate.rate), detail: `${m.changeFailureRate.failed} of ${m.changeFailureRate.deployments} deployments`, band: m.changeFailureRate.band, trend: <Trend now={m.changeFailureRate.rate} before={previous.changeFailureRate.rate} lowerIsBetter /> },
    { id: 'recovery-time', title: 'Failed deployment recovery time', value: hours(m.recoveryTime.medianHours), detail: `${m.recoveryTime.recovered} of ${m.recoveryTime.failures} failures recovered`, band: m.recoveryTime.band, trend: <Trend now={m.recoveryTime.medianHours} before={previous.recoveryTime.medianHours} lowerIsBetter /> },
    { id: 'rework-rate', title: 'Deployment rework rate', value: percent(m.reworkRate.rate), detail: `${m.reworkRate.rework} of ${m.reworkRate.deployments} deployments`, band: m.reworkRate.band, trend: <Trend now={m.reworkRate.rate} before={previous.reworkRate.rate} lowerIsBetter /> },
  ];
  return (
    <ul className="dora-cards" aria-label="DORA metrics">
      {cards.map((c) => (
        <li key={c.id} className="card dora-card" data-metric={c.id} aria-labelledby={`dora-${c.id}`}>
          <h3 id={`dora-${c.id}`}>{c.title}</h3>
          <p className="dora-value">{c.value}</p>
          <p className="small muted">{c.detail}</p>
          <p className="row">
            <BandBadge band={c.band} />
            {c.trend}
          </p>
        </li>
      ))}
    </ul>
  );
}
