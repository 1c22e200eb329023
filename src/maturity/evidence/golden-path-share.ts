import type { EvidenceProvider } from '../evidence-provider.js';
import { levelByShare, percent } from '../evidence-provider.js';

/** Annotations that say a component was made by a golden path (Backstage's, and Pave's own name for it). */
export const SOURCE_TEMPLATE_ANNOTATIONS = ['backstage.io/source-template', 'pave.dev/source-template'];

/** Adoption: the share of catalog components created from a golden path. */
export const goldenPathShare: EvidenceProvider = {
  id: 'adoption.golden-path-share',
  aspect: 'adoption',
  title: 'Components created from a golden path',
  async collect(app) {
    const components = await app.catalog.entities.list({ filter: ['kind=component'], fields: ['metadata.annotations'] });
    if (!components.length) return undefined;
    const fromPaths = components.filter(c => SOURCE_TEMPLATE_ANNOTATIONS.some(a => c.metadata?.annotations?.[a])).length;
    const share = fromPaths / components.length;
    return {
      id: this.id,
      aspect: this.aspect,
      title: 'Components created from a golden path',
      value: `${fromPaths} of ${components.length} components (${percent(share)})`,
      measure: share,
      source: `catalog: Components with annotation ${SOURCE_TEMPLATE_ANNOTATIONS.join(' or ')}`,
      suggests: levelByShare(share, [0.1, 0.4, 0.75]),
    };
  },
};
