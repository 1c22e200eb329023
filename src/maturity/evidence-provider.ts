import type { PaveApp } from '../app.js';
import type { AspectId } from './maturity-model.js';

/** One piece of evidence, computed from Pave's own data, with where it came from. */
export interface Evidence {
  /** Stable id, e.g. `adoption.golden-path-share`. */
  id: string;
  aspect: AspectId;
  title: string;
  /** The figure in words, e.g. `12 of 40 components (30%)`. */
  value: string;
  /** The figure as a number (a share 0–1, or a count), for comparison over time. */
  measure: number;
  /** Where it was computed from, e.g. `catalog: Components with annotation backstage.io/source-template`. */
  source: string;
  /** The level (1–4) this evidence points to on its own, when it points anywhere. */
  suggests?: number;
}

/**
 * Computes one piece of evidence. Each provider is one file under `evidence/`; scorecards and delivery
 * metrics add theirs by adding a file and a line in `evidence-providers.ts`.
 */
export interface EvidenceProvider {
  readonly id: string;
  readonly aspect: AspectId;
  /** Undefined when the data it needs is not there (the evidence is then reported missing). */
  collect(app: PaveApp, now: Date): Promise<Evidence | undefined>;
}

/** Evidence the model would want but that no provider supplies yet: reported as missing, by aspect. */
export interface WantedEvidence {
  id: string;
  aspect: AspectId;
  title: string;
  /** What would supply it. */
  from: string;
}

/** The share as a percentage in words. */
export const percent = (share: number) => `${Math.round(share * 100)}%`;

/** A level from a share by thresholds: below the first → 1, below the second → 2, below the third → 3, else 4. */
export function levelByShare(share: number, thresholds: [number, number, number]): number {
  return share < thresholds[0] ? 1 : share < thresholds[1] ? 2 : share < thresholds[2] ? 3 : 4;
}
