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

/** Evidence the model would want but that no provider supplies yet: reported as missing, by aspect. */
export interface WantedEvidence {
  id: string;
  aspect: AspectId;
  title: string;
  /** What would supply it. */
  from: string;
}

