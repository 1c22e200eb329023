/** The CapabilityBinding kind (pave.dev/v1alpha1): a team's binding of a capability of the platform API. */
import { defineKindPolicy } from '../kind-policy.js';
import { PAVE_API_VERSION } from './capability.js';
import { OWNER_FIELD, nonEmptyString } from './schema-parts.js';

/**
 * CapabilityBinding: the platform API shows each team's binding in the catalog with this kind, owned by the
 * team (so it is listed on the team's page) and depending on the capability it binds. Its `phase` says
 * whether the team may request it (`Bound`) or waits for the capability's owner (`PendingApproval`).
 * Bindings are made through the platform API, which checks the offer, so the kind is published by it too.
 */
export const capabilityBindingPolicy = defineKindPolicy({
  kind: 'CapabilityBinding',
  publishedBy: 'platform.binding.create',
  apiVersions: [PAVE_API_VERSION],
  specSchema: {
    type: 'object',
    required: ['owner', 'capability'],
    properties: {
      owner: nonEmptyString(),
      capability: nonEmptyString(),
      version: nonEmptyString(),
      phase: { type: 'string', enum: ['Bound', 'PendingApproval', 'Rejected'] },
    },
  },
  relationFields: [OWNER_FIELD, { field: 'capability', type: 'dependsOn', reverse: 'dependencyOf', defaultKind: 'Capability' }],
});
