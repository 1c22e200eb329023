import { describe, expect, it } from 'vitest';
import { readTemplate } from './template.js';
import { parameterSchemaOf, stripFormHints, validateParameters } from './parameters.js';

const has = (...ids: string[]) => ({ hasAction: (id: string) => ids.includes(id) });

const base = (spec: Record<string, unknown>) => ({ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 't', title: 'T' }, spec: { type: 'x', steps: [], ...spec } });

describe('readTemplate', () => {
  it('reads steps, ids, output and pages', () => {
    const { template, problems } = readTemplate(
      base({
        parameters: { properties: { name: { type: 'string' } } },
        steps: [{ action: 'debug:log', input: { message: 'hi ${{ parameters.name }}' } }, { id: 'two', name: 'Two', action: 'debug:log', if: false }],
        output: { links: [{ url: '${{ steps.two.output.x }}' }] },
      }),
      has('debug:log'),
    );
    expect(problems).toEqual([]);
    expect(template!.ref).toBe('template:default/t');
    expect(template!.steps.map(s => [s.id, s.name, s.if])).toEqual([['step-1', 'step-1', undefined], ['two', 'Two', false]]);
    expect(template!.parameters).toHaveLength(1);
  });

  it('never throws: returns every problem with its pointer', () => {
    const { problems } = readTemplate(
      {
        apiVersion: 'backstage.io/v1beta2',
        kind: 'Template',
        metadata: { name: 't' },
        spec: {
          parameters: [{ properties: { n: { type: 'strin' } } }, 'nope'],
          steps: [{ id: 'a', action: 'publish:github' }, { id: 'a', action: '' }, { id: 'c', action: 'debug:log', input: { m: '${{ x | nope }}', n: '{% include "x" %}' } }, 7],
          output: { text: [{ content: '${{ unclosed' }] },
        },
      },
      has('debug:log'),
    );
    const byPointer = Object.fromEntries(problems.map(p => [p.pointer, p.rule]));
    expect(byPointer).toMatchObject({
      '/apiVersion': 'api-version',
      '/spec/parameters/0': 'json-schema',
      '/spec/parameters/1': 'type',
      '/spec/steps/0/action': 'unsupported-action',
      '/spec/steps/1/id': 'duplicate',
      '/spec/steps/1/action': 'required',
      '/spec/steps/2/input/m': 'unknown-filter',
      '/spec/steps/2/input/n': 'unsupported-tag',
      '/spec/steps/3': 'type',
      '/spec/output/text/0/content': expect.any(String),
    });
    expect(readTemplate(null, has()).problems).toEqual([{ pointer: '', detail: 'must be a Template entity (a mapping)', rule: 'type' }]);
  });
});

describe('parameters', () => {
  const pages = [
    { title: 'One', required: ['name'], properties: { name: { title: 'Name', type: 'string', 'ui:field': 'EntityNamePicker', minLength: 2 }, kind: { type: 'string', enum: ['a', 'b'], default: 'a' } } },
    {
      title: 'Two',
      properties: { mode: { type: 'string', enum: ['x', 'y'] } },
      dependencies: { mode: { oneOf: [{ properties: { mode: { const: 'x' } } }, { properties: { mode: { const: 'y' }, extra: { type: 'string' } }, required: ['extra'] }] } },
    },
  ];

  it('strips form hints but not property names', () => {
    expect(stripFormHints({ properties: { 'ui:odd': { type: 'string', 'ui:widget': 'x' } }, 'ui:order': ['a'] })).toEqual({ properties: { 'ui:odd': { type: 'string' } } });
  });

  it('validates every page, fills defaults, names fields', () => {
    expect(validateParameters(pages, { name: 'ok', mode: 'x' })).toEqual({ values: { name: 'ok', kind: 'a', mode: 'x' }, errors: [] });
    const { errors } = validateParameters(pages, { name: 'x', kind: 'c', mode: 'y' });
    expect(errors).toEqual(
      expect.arrayContaining([
        { pointer: '/values/name', detail: 'Name (name) must be at least 2 characters', rule: 'min-length' },
        { pointer: '/values/kind', detail: 'kind must be one of "a", "b"', rule: 'enum' },
        expect.objectContaining({ pointer: '/values/extra', rule: 'required' }),
      ]),
    );
    expect(validateParameters(pages, 'nope').errors[0]!.rule).toBe('type');
  });

  it('gives the parameter schema Backstage serves', () => {
    expect(parameterSchemaOf({ title: 'T', parameters: pages }).steps.map(s => s.title)).toEqual(['One', 'Two']);
    expect(parameterSchemaOf({ title: 'T', parameters: [{ properties: {} }] }).steps[0]!.title).toBe('Please enter the following information');
  });
});
