/** The Resource kind: infrastructure a system needs, e.g. a database, bucket or topic. */
import { BACKSTAGE_API_VERSIONS, defineKindPolicy } from '../kind-policy.js';
import { OWNER_FIELD, nonEmptyString, nonEmptyStringList } from './schema-parts.js';

/**
 * Resource: `type` and `owner` required; `system` and the ref list `dependsOn` optional.
 * `dependencyOf` is read for relations but not type-checked, exactly as in Backstage's schema.
 */
export const resourcePolicy = defineKindPolicy({
  kind: 'Resource',
  apiVersions: BACKSTAGE_API_VERSIONS,
  specSchema: {
    type: 'object',
    required: ['type', 'owner'],
    properties: {
      type: nonEmptyString(),
      owner: nonEmptyString(),
      dependsOn: nonEmptyStringList(),
      system: nonEmptyString(),
    },
  },
  relationFields: [
    OWNER_FIELD,
    { field: 'dependsOn', type: 'dependsOn', reverse: 'dependencyOf' },
    { field: 'dependencyOf', type: 'dependencyOf', reverse: 'dependsOn' },
    { field: 'system', type: 'partOf', reverse: 'hasPart', defaultKind: 'System' },
  ],
});
