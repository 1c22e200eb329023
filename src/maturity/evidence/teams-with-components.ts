import type { EvidenceProvider } from '../evidence-provider.js';
import { levelByShare, percent } from '../evidence-provider.js';

/** Adoption: teams (Groups of type team) that own at least one component in the catalog. */
export const teamsWithComponents: EvidenceProvider = {
  id: 'adoption.teams-with-components',
  aspect: 'adoption',
  title: 'Teams with components in the catalog',
  async collect(app) {
    const teams = await app.catalog.entities.list({ filter: ['kind=group,spec.type=team'], fields: ['metadata.name', 'metadata.namespace'] });
    if (!teams.length) return undefined;
    const components = await app.catalog.entities.list({ filter: ['kind=component'], fields: ['relations'] });
    const owners = new Set(components.flatMap(c => (c.relations ?? []).filter(r => r.type === 'ownedBy').map(r => r.targetRef)));
    const onboarded = teams.filter(t => owners.has(`group:${t.metadata.namespace ?? 'default'}/${t.metadata.name}`.toLowerCase())).length;
    const share = onboarded / teams.length;
    return {
      id: this.id,
      aspect: this.aspect,
      title: 'Teams with components in the catalog',
      value: `${onboarded} of ${teams.length} teams (${percent(share)})`,
      measure: share,
      source: 'catalog: Groups of type team, and the ownedBy relations of Components',
      suggests: levelByShare(share, [0.25, 0.6, 0.9]),
    };
  },
};
