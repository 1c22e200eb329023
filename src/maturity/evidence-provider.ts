import type { PaveApp } from '../app.js';
import type { AspectId } from './maturity-model.js';
import type { Evidence } from './evidence.js';
export type { Evidence, WantedEvidence } from './evidence.js';

/**
 * Computes one piece of evidence. Each provider is one file under `evidence/`; scorecards and delivery
 * metrics add theirs by adding a file and a line in `evidence-providers.ts`.
 */
export interface EvidenceProvider {
  readonly id: string;
  readonly aspect: AspectId;
  /** What it shows, in words (also when it is missing). */
  readonly title: string;
  /** Undefined when the data it needs is not there (the evidence is then reported missing). */
  collect(app: PaveApp, now: Date): Promise<Evidence | undefined>;
}

/** The share as a percentage in words. */
export const percent = (share: number) => `${Math.round(share * 100)}%`;

/** A level from a share by thresholds: below the first → 1, below the second → 2, below the third → 3, else 4. */
export function levelByShare(share: number, thresholds: [number, number, number]): number {
  return share < thresholds[0] ? 1 : share < thresholds[1] ? 2 : share < thresholds[2] ? 3 : 4;
}

/**
 * Every entity, as the scope the scorecards and delivery services take: evidence is about the whole
 * organisation. Written by its shape, as maturity reads the catalog only through the services on `PaveApp`.
 */
export const WHOLE_CATALOG: Parameters<PaveApp['scorecards']['summaries']>[0] = Object.freeze({ type: 'all' });
