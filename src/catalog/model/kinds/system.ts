/** The System kind: a collection of components, APIs and resources that together provide a capability. */
import { BACKSTAGE_API_VERSIONS, defineKindPolicy } from '../kind-policy.js';
import { OWNER_FIELD, nonEmptyString } from './schema-parts.js';

/** System: `owner` required; `domain` and `type` optional. */
export const systemPolicy = defineKindPolicy({
  kind: 'System',
  apiVersions: BACKSTAGE_API_VERSIONS,
  specSchema: {
    type: 'object',
    required: ['owner'],
    properties: { owner: nonEmptyString(), domain: nonEmptyString(), type: nonEmptyString() },
  },
  relationFields: [OWNER_FIELD, { field: 'domain', type: 'partOf', reverse: 'hasPart', defaultKind: 'Domain' }],
});
