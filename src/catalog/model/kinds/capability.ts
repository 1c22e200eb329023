/** The Capability kind (pave.dev/v1alpha1): what a platform team offers through Pave's platform API. */
import { defineKindPolicy } from '../kind-policy.js';
import { OWNER_FIELD, nonEmptyString, nonEmptyStringList } from './schema-parts.js';

/** The apiVersion of Pave's own kinds. */
export const PAVE_API_VERSION = 'pave.dev/v1alpha1';

/**
 * Capability: the platform API shows each published capability in the catalog with this kind. Every field is
 * optional, so a capability document written for the platform API is valid here too. Relations: `owner`
 * (the platform team) and `dependsOn` (the capabilities it requires); the requests made of it are Resources
 * that depend on it, which gives the reverse `dependencyOf` links. Backstage needs a processor for a custom
 * kind; in Pave the kind policy is that processor.
 */
export const capabilityPolicy = defineKindPolicy({
  kind: 'Capability',
  // Capabilities are published through the platform API; their catalog entities follow the same rule.
  publishedBy: 'platform.capability.publish',
  apiVersions: [PAVE_API_VERSION],
  specSchema: {
    type: 'object',
    properties: {
      owner: nonEmptyString(),
      version: nonEmptyString(),
      versions: nonEmptyStringList(),
      dependsOn: nonEmptyStringList(),
      api: { type: 'object', properties: { group: nonEmptyString(), version: nonEmptyString(), kind: nonEmptyString() } },
    },
  },
  relationFields: [OWNER_FIELD, { field: 'dependsOn', type: 'dependsOn', reverse: 'dependencyOf' }],
});
