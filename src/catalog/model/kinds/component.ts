/** The Component kind: a piece of software, e.g. a service, website or library. */
import { BACKSTAGE_API_VERSIONS, defineKindPolicy } from '../kind-policy.js';
import { OWNER_FIELD, nonEmptyString, nonEmptyStringList } from './schema-parts.js';

/**
 * Component: `type`, `lifecycle` and `owner` required; `system`, `subcomponentOf` and the ref
 * lists `providesApis`, `consumesApis`, `dependsOn` optional. `dependencyOf` is read for
 * relations but not type-checked, exactly as in Backstage's schema.
 */
export const componentPolicy = defineKindPolicy({
  kind: 'Component',
  apiVersions: BACKSTAGE_API_VERSIONS,
  specSchema: {
    type: 'object',
    required: ['type', 'lifecycle', 'owner'],
    properties: {
      type: nonEmptyString(),
      lifecycle: nonEmptyString(),
      owner: nonEmptyString(),
      system: nonEmptyString(),
      subcomponentOf: nonEmptyString(),
      providesApis: nonEmptyStringList(),
      consumesApis: nonEmptyStringList(),
      dependsOn: nonEmptyStringList(),
    },
  },
  relationFields: [
    OWNER_FIELD,
    { field: 'subcomponentOf', type: 'partOf', reverse: 'hasPart', defaultKind: 'Component' },
    { field: 'providesApis', type: 'providesApi', reverse: 'apiProvidedBy', defaultKind: 'API' },
    { field: 'consumesApis', type: 'consumesApi', reverse: 'apiConsumedBy', defaultKind: 'API' },
    { field: 'dependsOn', type: 'dependsOn', reverse: 'dependencyOf' },
    { field: 'dependencyOf', type: 'dependencyOf', reverse: 'dependsOn' },
    { field: 'system', type: 'partOf', reverse: 'hasPart', defaultKind: 'System' },
  ],
});
