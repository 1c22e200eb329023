import { Type } from '@sinclair/typebox';
import { parseEntityRef, stringifyEntityRef } from '../../core/entity-ref.js';
import { invalidInput, notFound } from '../../core/problem.js';
import type { EntityReader } from '../../catalog/query/entity-reader.js';
import { defineAction } from './action.js';

/**
 * `catalog:fetch`: reads entities from the catalog by ref (output `entity`, or `entities` for a list),
 * as the task's creator (`ctx.creator`): an entity the creator may not read is answered exactly as a missing one.
 */
export function catalogFetchAction(entities: Pick<EntityReader, 'byRefs'>) {
  return defineAction({
    id: 'catalog:fetch',
    description:
      'Reads one entity (entityRef → output entity) or several (entityRefs → output entities) from the catalog, as the person who ran the task (what they may not read counts as missing). Missing entities fail the step unless optional is true.',
    effect: 'none',
    input: Type.Object({
      entityRef: Type.Optional(Type.String({ title: 'Entity ref', description: 'e.g. group:default/platform-team' })),
      entityRefs: Type.Optional(Type.Array(Type.String(), { title: 'Entity refs' })),
      optional: Type.Optional(Type.Boolean({ description: 'Give null for missing entities instead of failing' })),
      defaultKind: Type.Optional(Type.String()),
      defaultNamespace: Type.Optional(Type.String()),
    }),
    output: Type.Object({ entity: Type.Optional(Type.Unknown()), entities: Type.Optional(Type.Array(Type.Unknown())) }),
    async handler(ctx) {
      const { entityRef, entityRefs, optional, defaultKind, defaultNamespace } = ctx.input;
      if (entityRef === undefined && entityRefs === undefined) throw invalidInput('catalog:fetch needs input.entityRef or input.entityRefs');
      const scope = await ctx.creator.readScope();
      const read = async (refs: string[]) => {
        const canonical = refs.map(ref => stringifyEntityRef(parseEntityRef(ref, { ...(defaultKind ? { defaultKind } : {}), ...(defaultNamespace ? { defaultNamespace } : {}) })));
        const found = await entities.byRefs(canonical, undefined, undefined, scope);
        const missing = canonical.find((_, i) => !found[i]);
        if (missing !== undefined && !optional) throw notFound(`catalog:fetch: no entity ${missing} in the catalog`);
        return found;
      };
      if (entityRef !== undefined) ctx.output('entity', (await read([entityRef]))[0]);
      if (entityRefs !== undefined) ctx.output('entities', await read(entityRefs));
    },
  });
}
