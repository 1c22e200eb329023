import { describe, expect, it } from 'vitest';
import { DeclaredDocuments, declaredKinds, isYamlPath } from './declared-documents.js';

describe('declared documents', () => {
  it('reads the kinds a skeleton declares at the start of a line, before any value is rendered', () => {
    expect(declaredKinds('apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\n---\nkind: "API" # the API too\n')).toEqual(new Set(['component', 'api']));
    expect(declaredKinds('metadata:\n  kind: Group\nspec:\n  owner: ${{ values.owner }}\n')).toEqual(new Set());
    expect(declaredKinds('kind: ${{ values.kind }}\n')).toBe('any');
    expect(declaredKinds('{% for api in values.apis %}\n---\nkind: {{ api.kind }}\n{% endfor %}')).toBe('any');
  });

  it('finds declarations for a path inside a repository published from a folder of the workspace', () => {
    const declarations = new DeclaredDocuments();
    declarations.declare('./app/catalog-info.yaml', new Set(['component']));
    declarations.declare('docs/catalog-info.yaml', new Set(['system']));
    expect(declarations.kindsFor('/catalog-info.yaml')).toEqual(new Set(['component', 'system']));
    expect(declarations.kindsFor('app/catalog-info.yaml')).toEqual(new Set(['component']));
    expect(declarations.kindsFor('other.yaml')).toBeUndefined();
    declarations.declare('gen/catalog-info.yaml', 'any');
    expect(declarations.kindsFor('catalog-info.yaml')).toBe('any');
    expect([isYamlPath('a/b.YML'), isYamlPath('x.json')]).toEqual([true, false]);
  });
});
