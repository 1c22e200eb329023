import { describe, expect, it } from 'vitest';
import type { Entity } from '../core/entity.js';
import { entityAncestry } from './entity-ancestry.js';

const entity = (kind: string, name: string, spec: Record<string, unknown> = {}): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name, namespace: 'default' }, spec });
const location = { id: 'l1', type: 'url', target: 'https://github.com/acme/shop/blob/main/catalog-info.yaml' };
const refs = (answer: ReturnType<typeof entityAncestry>) => answer.items.map(i => [`${i.entity.kind.toLowerCase()}:default/${i.entity.metadata.name}`, i.parentEntityRefs]);

describe('entityAncestry', () => {
  it('follows globs and ** of nested Location targets in a repository, up to the registered location', () => {
    const top = { entity: entity('Location', 'top', { targets: ['./services/**/catalog-info.yaml'] }), source: 'url:https://github.com/acme/shop.git#main:catalog-info.yaml' };
    const mid = { entity: entity('Location', 'mid', { target: '*.yaml' }), source: 'url:https://github.com/acme/shop.git#main:services/web/catalog-info.yaml' };
    const web = { entity: entity('Component', 'web'), source: 'url:https://github.com/acme/shop.git#main:services/web/app.yaml' };
    const answer = entityAncestry(web, location, [top, mid]);
    const root = answer.items.at(-1)!;
    expect(refs(answer)).toEqual([
      ['component:default/web', ['location:default/mid']],
      ['location:default/mid', ['location:default/top']],
      ['location:default/top', [`location:default/${root.entity.metadata.name}`]],
      [`location:default/${root.entity.metadata.name}`, []],
    ]);
  });

  it('matches a nested url target in another repository, and nothing by accident', () => {
    const top = { entity: entity('Location', 'top', { targets: ['https://github.com/acme/other/blob/main/catalog-info.yaml', './a?.yaml'] }), source: 'url:https://github.com/acme/shop.git#main:catalog-info.yaml' };
    const other = { entity: entity('Component', 'other'), source: 'url:https://github.com/acme/other.git#main:catalog-info.yaml' };
    expect(entityAncestry(other, location, [top]).items[0]!.parentEntityRefs).toEqual(['location:default/top']);
    const unrelated = { entity: entity('Component', 'unrelated'), source: 'url:https://github.com/acme/shop.git#main:abc.yaml' };
    expect(entityAncestry(unrelated, location, [top]).items[0]!.parentEntityRefs).toEqual([expect.stringMatching(/^location:default\/generated-/)]);
  });

  it('gives an entity saved through the API no parents', () => {
    expect(entityAncestry({ entity: entity('Component', 'saved'), source: '' }, undefined, [])).toEqual({ rootEntityRef: 'component:default/saved', items: [{ entity: entity('Component', 'saved'), parentEntityRefs: [] }] });
  });

  it('follows brace and character-class globs as locations are read with them', () => {
    const top = { entity: entity('Location', 'top', { targets: ['./{services,libs}/*/catalog-info.{yaml,yml}', './team-[ab].yaml'] }), source: 'url:https://github.com/acme/shop.git#main:catalog-info.yaml' };
    const at = (path: string) => ({ entity: entity('Component', path.replace(/[^a-z]/g, '-')), source: `url:https://github.com/acme/shop.git#main:${path}` });
    const parentsOf = (path: string) => entityAncestry(at(path), location, [top]).items[0]!.parentEntityRefs;
    for (const path of ['services/web/catalog-info.yaml', 'libs/ui/catalog-info.yml', 'team-b.yaml']) expect(parentsOf(path), path).toEqual(['location:default/top']);
    for (const path of ['tools/x/catalog-info.yaml', 'services/web/catalog-info.json', 'team-c.yaml', 'services/.hidden/catalog-info.yaml']) {
      expect(parentsOf(path), path).toEqual([expect.stringMatching(/^location:default\/generated-/)]);
    }
  });

  it('skips a target whose braces would expand to too many patterns, and still follows a normal brace target', () => {
    // 2^17 patterns; brace expansion alone stops at 100,000, so the first of them used to match.
    const explosive = `./${'{a,b}'.repeat(17)}.yaml`;
    const top = { entity: entity('Location', 'top', { targets: [explosive, './{x,y}.yaml'] }), source: 'url:https://github.com/acme/shop.git#main:catalog-info.yaml' };
    const at = (path: string) => ({ entity: entity('Component', path.replace(/[^a-z]/g, '-')), source: `url:https://github.com/acme/shop.git#main:${path}` });
    const parentsOf = (path: string) => entityAncestry(at(path), location, [top]).items[0]!.parentEntityRefs;
    for (let asked = 0; asked < 3; asked++) {
      expect(parentsOf(`${'a'.repeat(17)}.yaml`)).toEqual([expect.stringMatching(/^location:default\/generated-/)]);
      expect(parentsOf('y.yaml')).toEqual(['location:default/top']);
    }
  });
});
