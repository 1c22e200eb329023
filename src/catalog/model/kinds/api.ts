/** The API kind: an interface a component provides or consumes (OpenAPI, AsyncAPI, GraphQL, gRPC, …). */
import { BACKSTAGE_API_VERSIONS, defineKindPolicy } from '../kind-policy.js';
import { OWNER_FIELD, nonEmptyString } from './schema-parts.js';

/** API: `type`, `lifecycle`, `owner` and `definition` (the API document as text) required; `system` optional. */
export const apiPolicy = defineKindPolicy({
  kind: 'API',
  apiVersions: BACKSTAGE_API_VERSIONS,
  specSchema: {
    type: 'object',
    required: ['type', 'lifecycle', 'owner', 'definition'],
    properties: {
      type: nonEmptyString(),
      lifecycle: nonEmptyString(),
      owner: nonEmptyString(),
      system: nonEmptyString(),
      definition: nonEmptyString(),
    },
  },
  relationFields: [OWNER_FIELD, { field: 'system', type: 'partOf', reverse: 'hasPart', defaultKind: 'System' }],
});
