/** The Location kind: a pointer to more catalog files (`target`/`targets`). */
import { BACKSTAGE_API_VERSIONS, defineKindPolicy } from '../kind-policy.js';
import { nonEmptyString, nonEmptyStringList } from './schema-parts.js';

/**
 * Location: nothing required; `type`, `target`, `targets` and `presence` (`required` or
 * `optional`) optional. No relations.
 */
export const locationPolicy = defineKindPolicy({
  kind: 'Location',
  // A Location makes the catalog read its targets: the same permission as registering one.
  publishedBy: 'catalog.location.create',
  apiVersions: BACKSTAGE_API_VERSIONS,
  specSchema: {
    type: 'object',
    properties: {
      type: nonEmptyString(),
      target: nonEmptyString(),
      targets: nonEmptyStringList(),
      presence: { type: 'string', enum: ['required', 'optional'] },
    },
  },
});
