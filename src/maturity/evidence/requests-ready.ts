import type { EvidenceProvider } from '../evidence-provider.js';
import { percent } from '../evidence-provider.js';

/** Operations: the share of platform requests that are Ready (delivered and healthy) rather than failed or waiting. */
export const requestsReady: EvidenceProvider = {
  id: 'operations.requests-ready',
  aspect: 'operations',
  title: 'Platform requests Ready',
  async collect(app) {
    const requests = await app.platform.listRequests();
    if (!requests.length) return undefined;
    const ready = requests.filter(r => r.status?.phase === 'Ready').length;
    const failed = requests.filter(r => r.status?.phase === 'Failed').length;
    const share = ready / requests.length;
    return {
      id: this.id,
      aspect: this.aspect,
      title: 'Platform requests Ready',
      value: `${ready} of ${requests.length} requests Ready (${percent(share)}), ${failed} failed`,
      measure: share,
      source: 'platform API: the phase of every Request (reconciled by the platform)',
      suggests: share < 0.5 ? 1 : share < 0.8 ? 2 : 3,
    };
  },
};
