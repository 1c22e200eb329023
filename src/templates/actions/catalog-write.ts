import { Type } from '@sinclair/typebox';
import { stringify } from 'yaml';
import { invalidInput } from '../../core/problem.js';
import { validateEntity } from '../../catalog/model/index.js';
import { defineAction } from './action.js';

/** `catalog:write`: writes an entity as a YAML catalog file into the workspace. */
export const catalogWriteAction = defineAction({
  id: 'catalog:write',
  description: 'Writes an entity as a catalog-info.yaml file (or filePath) in the workspace. Problems with the entity are logged as warnings.',
  effect: 'workspace',
  input: Type.Object({
    filePath: Type.Optional(Type.String({ title: 'File path', description: 'Workspace-relative path; default catalog-info.yaml' })),
    entity: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { title: 'Entity', description: 'The entity to write' })),
    component: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { title: '[Deprecated] Entity', description: 'The name older Backstage versions gave entity' })),
  }),
  examples: [
    {
      description: 'Write a component',
      example:
        'action: catalog:write\ninput:\n  entity:\n    apiVersion: backstage.io/v1alpha1\n    kind: Component\n    metadata:\n      name: ${{ parameters.name }}\n    spec:\n      type: service\n      lifecycle: experimental\n      owner: ${{ parameters.owner }}',
    },
  ],
  async handler(ctx) {
    const path = ctx.input.filePath ?? 'catalog-info.yaml';
    const entity = ctx.input.entity ?? ctx.input.component;
    if (!entity) throw invalidInput('catalog:write needs input.entity (the entity to write)', [{ pointer: '/entity', detail: 'is required', rule: 'required' }]);
    if (!ctx.input.entity) ctx.log.warn('input.component is deprecated; name it entity');
    const { errors } = validateEntity(entity);
    for (const error of errors.slice(0, 20)) ctx.log.warn(`The entity written to ${path} has a problem: ${error.pointer || '(entity)'} ${error.detail}`);
    await ctx.workspace.writeFile(path, stringify(entity), { what: 'input.filePath' });
    // One object written as one document: whatever its values hold, it declares its own kind only.
    ctx.workspace.declarations.declare(path, typeof entity.kind === 'string' ? new Set([entity.kind.toLocaleLowerCase('en-US')]) : 'any');
    ctx.log.info(`Wrote ${path}`);
  },
});
