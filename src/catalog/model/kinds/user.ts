/** The User kind: a person. */
import { BACKSTAGE_API_VERSIONS, defineKindPolicy } from '../kind-policy.js';
import { nonEmptyStringList, profile } from './schema-parts.js';

/** User: `memberOf` (a list, possibly empty) required; `profile` optional. */
export const userPolicy = defineKindPolicy({
  kind: 'User',
  apiVersions: BACKSTAGE_API_VERSIONS,
  specSchema: {
    type: 'object',
    required: ['memberOf'],
    properties: { profile: profile(), memberOf: nonEmptyStringList() },
  },
  relationFields: [{ field: 'memberOf', type: 'memberOf', reverse: 'hasMember', defaultKind: 'Group' }],
});
