/** The Domain kind: systems that share terminology, business purpose or documentation. */
import { BACKSTAGE_API_VERSIONS, defineKindPolicy } from '../kind-policy.js';
import { OWNER_FIELD, nonEmptyString } from './schema-parts.js';

/** Domain: `owner` required; `subdomainOf` and `type` optional. */
export const domainPolicy = defineKindPolicy({
  kind: 'Domain',
  apiVersions: BACKSTAGE_API_VERSIONS,
  specSchema: {
    type: 'object',
    required: ['owner'],
    properties: { owner: nonEmptyString(), subdomainOf: nonEmptyString(), type: nonEmptyString() },
  },
  relationFields: [OWNER_FIELD, { field: 'subdomainOf', type: 'partOf', reverse: 'hasPart', defaultKind: 'Domain' }],
});
