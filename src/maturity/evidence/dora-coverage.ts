import type { EvidenceProvider } from '../evidence-provider.js';
import { levelByShare, percent, WHOLE_CATALOG } from '../evidence-provider.js';

const DAYS = 30;

const hours = (value: number | null) => (value === null ? 'no data' : `${value} h`);
const band = (value: string | null) => (value ? ` (${value})` : '');

/**
 * Measurement: components with delivery data (a production deployment attempted in the last 30 days) of
 * every component, and DORA's key figures over them, as GET /api/delivery/dora?window=30d shows them.
 */
export const doraCoverage: EvidenceProvider = {
  id: 'measurement.dora-coverage',
  aspect: 'measurement',
  title: `DORA coverage and figures (last ${DAYS} days)`,
  async collect(app, now) {
    const report = await app.delivery.dora({ windowDays: DAYS, end: now.toISOString(), scope: WHOLE_CATALOG });
    const measured = (report.byComponent ?? []).filter(c => c.metrics.changeFailureRate.deployments > 0).length;
    const source = `delivery: DORA figures of every component over ${report.window.start.slice(0, 10)} to ${report.window.end.slice(0, 10)} (GET /api/delivery/dora?window=${DAYS}d)`;
    if (!measured) return { id: this.id, aspect: this.aspect, title: this.title, value: `No data yet: none of ${report.components} components has a production deployment in the last ${DAYS} days`, measure: 0, source, suggests: 1 };
    const share = measured / report.components;
    const { deploymentFrequency: df, leadTime, changeFailureRate: cfr, recoveryTime } = report.metrics;
    const figures = [
      `${df.deployments} deployments (${df.perWeek} a week${band(df.band)})`,
      `lead time ${hours(leadTime.medianHours)}${band(leadTime.band)}`,
      `change failure rate ${cfr.rate === null ? 'no data' : percent(cfr.rate)}${band(cfr.band)}`,
      `time to restore ${hours(recoveryTime.medianHours)}${band(recoveryTime.band)}`,
    ];
    return {
      id: this.id,
      aspect: this.aspect,
      title: this.title,
      value: `${measured} of ${report.components} components with delivery data (${percent(share)}); ${figures.join(', ')}`,
      measure: share,
      source,
      suggests: levelByShare(share, [0.25, 0.6, 0.9]),
    };
  },
};
