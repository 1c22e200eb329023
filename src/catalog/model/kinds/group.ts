/** The Group kind: a team, business unit or other set of people. */
import { BACKSTAGE_API_VERSIONS, defineKindPolicy } from '../kind-policy.js';
import { nonEmptyString, nonEmptyStringList, profile } from './schema-parts.js';

/**
 * Group: `type` and `children` (a list, possibly empty) required; `profile`, `parent` and
 * `members` optional.
 */
export const groupPolicy = defineKindPolicy({
  kind: 'Group',
  apiVersions: BACKSTAGE_API_VERSIONS,
  specSchema: {
    type: 'object',
    required: ['type', 'children'],
    properties: {
      type: nonEmptyString(),
      profile: profile(),
      parent: nonEmptyString(),
      children: nonEmptyStringList(),
      members: nonEmptyStringList(),
    },
  },
  relationFields: [
    { field: 'parent', type: 'childOf', reverse: 'parentOf', defaultKind: 'Group' },
    { field: 'children', type: 'parentOf', reverse: 'childOf', defaultKind: 'Group' },
    { field: 'members', type: 'hasMember', reverse: 'memberOf', defaultKind: 'User' },
  ],
});
