import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../core/entity.js';
import { deriveRelations } from '../relations.js';
import { validateEntity } from '../validate-entity.js';
import { templatePolicy } from './template.js';

const API_VERSION = 'scaffolder.backstage.io/v1beta3';

function entity(spec: Record<string, unknown>, namespace?: string): Entity {
  return {
    apiVersion: API_VERSION,
    kind: 'Template',
    metadata: { name: 'x', ...(namespace ? { namespace } : {}) },
    spec,
  };
}

/** `pointer rule` of each error validateEntity reports for this spec. */
function specErrors(spec: Record<string, unknown>): string[] {
  return validateEntity(entity(spec)).errors.map(e => `${e.pointer} ${e.rule}`);
}

/** Relations as `source type target` lines. */
function lines(e: Entity): string[] {
  return deriveRelations(e).map(r => `${r.source} ${r.type} ${r.target}`);
}

describe('Template policy', () => {
  it('covers kind Template', () => {
    expect(templatePolicy.kind).toBe('Template');
  });
  const ok = { type: 'service', steps: [{ action: 'fetch:template' }] };

  it('applies to scaffolder.backstage.io/v1beta3 only', () => {
    expect(templatePolicy.apiVersions).toEqual(['scaffolder.backstage.io/v1beta3']);
    expect(validateEntity({ ...entity({}), apiVersion: 'backstage.io/v1beta2' }).errors).toEqual([expect.objectContaining({ pointer: '/apiVersion', detail: expect.stringMatching(/did you mean scaffolder\.backstage\.io\/v1beta3\?$/) })]);
    expect(validateEntity({ ...entity({}), apiVersion: 'v1beta3' }).errors[0]?.detail).toMatch(/did you mean scaffolder\.backstage\.io\/v1beta3\?$/);
  });

  it('accepts minimal and full specs', () => {
    expect(specErrors(ok)).toEqual([]);
    expect(
      specErrors({
        type: 'service', owner: 'team-a', lifecycle: 'production',
        parameters: [{ title: 'x', required: ['name'], properties: { name: { type: 'string' } }, 'backstage:permissions': { tags: ['a'] } }],
        secrets: { schema: {} },
        presentation: { buttonLabels: { backButtonText: 'Back', createButtonText: 'Go', reviewButtonText: 'Review' } },
        EXPERIMENTAL_recovery: { EXPERIMENTAL_strategy: 'startOver' },
        EXPERIMENTAL_formDecorators: [{ id: 'x', input: {} }],
        steps: [{ id: 'fetch', name: 'Fetch', action: 'fetch:template', input: { url: './skeleton' }, if: '${{ parameters.x }}', 'backstage:permissions': { tags: [] } }, { action: 'debug:log', if: false }],
        output: { links: [{ url: 'https://x', title: 'Repo', icon: 'github', if: true }, { entityRef: 'component:x' }], text: [{ title: 'T', content: '**x**' }], extra: '${{ steps.x.output.y }}' },
      }),
    ).toEqual([]);
    expect(specErrors({ ...ok, parameters: { properties: {} } })).toEqual([]);
  });

  it('requires type and steps, and an action in each step', () => {
    expect(specErrors({ owner: 'a' })).toEqual(['/spec/type required', '/spec/steps required']);
    expect(specErrors({ type: 's', steps: [{ id: 'a' }, 'x'] })).toEqual(['/spec/steps/0/action required', '/spec/steps/1 type']);
  });

  it('types parameters, step conditions and outputs as Backstage does', () => {
    expect(
      specErrors({
        ...ok,
        parameters: 'x',
        steps: [{ action: 1, if: 2, input: [] }],
        output: { links: [{ url: '' }], text: 'x', other: 3 },
      }),
    ).toEqual([
      '/spec/parameters type', '/spec/steps/0/action type', '/spec/steps/0/input type', '/spec/steps/0/if type',
      '/spec/output/other type', '/spec/output/links/0/url non-empty', '/spec/output/text type',
    ]);
    expect(specErrors({ ...ok, parameters: [5] })).toEqual(['/spec/parameters/0 type']);
  });

  it('derives the owner only', () => {
    expect(lines(entity({ ...ok, owner: 'platform', system: 'x' }))).toEqual([
      'template:default/x ownedBy group:default/platform', 'group:default/platform ownerOf template:default/x',
    ]);
  });
});
