import type { EvidenceProvider } from '../evidence-provider.js';

/** Interfaces: capabilities offered by self-service through the platform API, and the requests teams made. */
export const selfServiceRequests: EvidenceProvider = {
  id: 'interfaces.self-service-requests',
  aspect: 'interfaces',
  title: 'Self-service platform requests',
  async collect(app) {
    const capabilities = await app.platform.listCapabilities();
    const requests = await app.platform.listRequests();
    const teams = new Set(requests.map(r => r.metadata.namespace));
    return {
      id: this.id,
      aspect: this.aspect,
      title: 'Self-service platform requests',
      value: `${capabilities.length} capabilities offered; ${requests.length} requests by ${teams.size} teams`,
      measure: requests.length,
      source: 'platform API: published Capabilities and their Requests',
      suggests: capabilities.length === 0 ? 1 : requests.length === 0 ? 2 : teams.size < 3 ? 2 : 3,
    };
  },
};
