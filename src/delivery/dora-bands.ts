/**
 * DORA's performance levels (2024 Accelerate State of DevOps report; see docs/delivery-metrics.md for the
 * source and for how the report's ranges are turned into limits). `null`: no data, or no published level.
 */
export type DoraBand = 'elite' | 'high' | 'medium' | 'low';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Elite: at least one a day (on demand); high: at least one a week; medium: at least one a month (30 days); low: fewer. */
export function deploymentFrequencyBand(perDay: number): DoraBand {
  if (perDay >= 1) return 'elite';
  if (perDay * 7 >= 1) return 'high';
  if (perDay * 30 >= 1) return 'medium';
  return 'low';
}

/** Elite: under a day; high: under a week; medium: under a month (30 days); low: longer. */
export function leadTimeBand(medianMs: number): DoraBand {
  if (medianMs < DAY) return 'elite';
  if (medianMs < 7 * DAY) return 'high';
  if (medianMs < 30 * DAY) return 'medium';
  return 'low';
}

/** Elite: at most 5 %; high: at most 20 %; medium: under 40 %; low: 40 % or more. */
export function changeFailureRateBand(rate: number): DoraBand {
  if (rate <= 0.05) return 'elite';
  if (rate <= 0.2) return 'high';
  if (rate < 0.4) return 'medium';
  return 'low';
}

/** Elite: under an hour; high: under a day; medium: under a week; low: a week or more. */
export function recoveryTimeBand(medianMs: number): DoraBand {
  if (medianMs < HOUR) return 'elite';
  if (medianMs < DAY) return 'high';
  if (medianMs < 7 * DAY) return 'medium';
  return 'low';
}
