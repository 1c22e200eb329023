import { Link } from 'react-router-dom';
import { useAsync } from '../lib/hooks';
import { useMay } from '../lib/useMayDo';
import { Loading } from '../components/States';
import { getDora } from '../delivery/deliveryApi';
import { hours, percent } from '../delivery/DoraCards';

/** DORA's key figures over the last 30 days, linking to /delivery; only for those who may read delivery figures. */
export function DeliveryTile() {
  const may = useMay('delivery.metrics.read');
  const dora = useAsync((signal) => (may ? getDora({ window: '30d' }, signal) : Promise.resolve(undefined)), [may]);
  if (!may) return null;
  const m = dora.data?.metrics;
  const band = (value: string | null) => (value ? ` (${value})` : '');
  return (
    <Link className="card tile" to="/delivery" data-testid="tile-delivery">
      <h2>Delivery, last 30 days</h2>
      {dora.error ? <p>{dora.error.message}</p> : !m ? <Loading rows={1} /> : m.changeFailureRate.deployments === 0 ? <p className="muted">No delivery data yet: no production deployment in the last 30 days.</p> : (
        <>
          <p className="tile-figure">{m.deploymentFrequency.perWeek} deployments a week</p>
          <p>Lead time: <strong>{hours(m.leadTime.medianHours)}{band(m.leadTime.band)}</strong></p>
          <p>Change failure rate: <strong>{percent(m.changeFailureRate.rate)}{band(m.changeFailureRate.band)}</strong></p>
          <p>Time to restore: <strong>{hours(m.recoveryTime.medianHours)}{band(m.recoveryTime.band)}</strong></p>
        </>
      )}
    </Link>
  );
}
