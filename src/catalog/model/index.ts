/**
 * The catalog's entity model: field formats, kind policies, entity validation and relation
 * derivation, compatible with Backstage's catalog-model. Pure: nothing here does I/O.
 */
export * from './field-formats.js';
export { validateSpec, type SpecSchema } from './spec-schema.js';
export { defineKindPolicy, BACKSTAGE_API_VERSIONS, type KindPolicy, type KindPolicyDefinition } from './kind-policy.js';
export { relationsFromFields, type RelationField } from './relation-fields.js';
export {
  builtinKindPolicies,
  createKindRegistry,
  registerModuleKinds,
  defaultKindRegistry,
  findKindPolicy,
  type KindRegistry,
} from './kind-registry.js';
export * from './relations.js';
export {
  validateEntity,
  ENTITY_ROOT_FIELDS,
  MAX_ERRORS_PER_ENTITY,
  type EntityValidation,
  type ValidateEntityOptions,
} from './validate-entity.js';
export { componentPolicy } from './kinds/component.js';
export { apiPolicy } from './kinds/api.js';
export { resourcePolicy } from './kinds/resource.js';
export { systemPolicy } from './kinds/system.js';
export { domainPolicy } from './kinds/domain.js';
export { groupPolicy } from './kinds/group.js';
export { userPolicy } from './kinds/user.js';
export { locationPolicy } from './kinds/location.js';
export { templatePolicy, TEMPLATE_API_VERSION } from './kinds/template.js';
export { capabilityPolicy, PAVE_API_VERSION } from './kinds/capability.js';
export { capabilityBindingPolicy } from './kinds/capability-binding.js';
export { guardedChanges, MEMBERSHIP_WRITE, OWNERSHIP_TRANSFER, type GuardedChange } from './guarded-changes.js';
