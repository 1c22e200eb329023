/**
 * Backstage's own verdict on an entity, built the way Backstage's catalog builds it: the default
 * entity policies combined with `EntityPolicies.allOf`, then the kind validators of
 * BuiltinKindsEntityProcessor. Test-only: `@backstage/*` is a devDependency used as an oracle and
 * is never imported from src/.
 */
import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  type Entity,
} from '@backstage/catalog-model';

const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/** The validators BuiltinKindsEntityProcessor tries, in its order. */
const kindValidators = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
];

export interface BackstageVerdict {
  valid: boolean;
  /** Backstage's message when invalid. */
  reason?: string;
  /** True when a kind validator accepted the entity; false for kinds no validator covers. */
  kindValidated: boolean;
}

/**
 * Runs Backstage's policies and kind validators on a copy of `raw`. An entity whose kind no
 * validator covers is judged on its envelope alone, which is how Pave treats unknown kinds.
 */
export async function backstageVerdict(raw: unknown): Promise<BackstageVerdict> {
  try {
    const entity = await policy.enforce(structuredClone(raw) as Entity);
    if (!entity) return { valid: false, reason: 'the entity policies returned nothing', kindValidated: false };
    for (const validator of kindValidators) {
      if (await validator.check(entity)) return { valid: true, kindValidated: true };
    }
    return { valid: true, kindValidated: false };
  } catch (error) {
    return { valid: false, reason: error instanceof Error ? error.message : String(error), kindValidated: false };
  }
}
