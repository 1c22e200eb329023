/**
 * Compatibility with real catalog files: every document of every file in
 * shared/data/real-world/catalog gets the same verdict (valid or not) from Pave's
 * `validateEntity` as from Backstage's own catalog-model, and relations derived from a few real
 * files match what Backstage's BuiltinKindsEntityProcessor emits (worked out by hand from each
 * spec, since the processor lives in another package).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { deriveRelations, deriveRelationsWithErrors, validateEntity } from '../../src/catalog/model/index.js';
import type { Entity } from '../../src/core/entity.js';
import { backstageVerdict, type BackstageVerdict } from './backstage-oracle.js';
import { realWorldDir } from '../support/real-world.js';

const CATALOG_DIR = realWorldDir('catalog');

/**
 * Documents on which Pave deliberately disagrees with Backstage, keyed `file#index`, with the
 * reason. Empty: on this corpus Pave and Backstage agree everywhere. (Pave's deliberate
 * differences, e.g. accepting `relations`/`status` at the root, are exercised in
 * field-rules-oracle.test.ts; none of these files triggers them.)
 */
const ALLOWED_DIFFERENCES: Record<string, string> = {};

type Outcome =
  | { file: string; index: number; kind: 'yaml-error'; message: string }
  | { file: string; index: number; kind: 'empty' }
  | { file: string; index: number; kind: 'not-an-object'; type: string }
  | {
      file: string;
      index: number;
      kind: 'entity';
      raw: Record<string, unknown>;
      pave: ReturnType<typeof validateEntity>;
      backstage: BackstageVerdict;
    };

const outcomes: Outcome[] = [];
const files = CATALOG_DIR ? readdirSync(CATALOG_DIR).filter(f => !f.startsWith('.')).sort() : [];

function entityAt(file: string, index: number): Entity {
  const o = outcomes.find(x => x.file === file && x.index === index);
  if (o?.kind !== 'entity' || !o.pave.entity) throw new Error(`${file}#${index} is not a valid entity`);
  return o.pave.entity;
}

beforeAll(async () => {
  for (const file of files) {
    const text = readFileSync(join(CATALOG_DIR!, file), 'utf8');
    const documents = Array.from(parseAllDocuments(text));
    for (const [index, doc] of documents.entries()) {
      if (doc.errors.length > 0) {
        outcomes.push({ file, index, kind: 'yaml-error', message: doc.errors[0]?.message ?? '' });
        continue;
      }
      const json: unknown = doc.toJSON();
      if (json === null || json === undefined) outcomes.push({ file, index, kind: 'empty' });
      else if (typeof json !== 'object' || Array.isArray(json)) {
        outcomes.push({ file, index, kind: 'not-an-object', type: Array.isArray(json) ? 'array' : typeof json });
      } else {
        const raw = json as Record<string, unknown>;
        outcomes.push({ file, index, kind: 'entity', raw, pave: validateEntity(raw), backstage: await backstageVerdict(raw) });
      }
    }
  }
});

describe.skipIf(!CATALOG_DIR)('real-world catalog files', () => {
  it('reads every file in the corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(58);
    expect(new Set(outcomes.map(o => o.file))).toEqual(new Set(files));
  });

  it('agrees with Backstage on every entity document', () => {
    const mismatches: string[] = [];
    const allowedButAgreeing: string[] = [];
    for (const o of outcomes) {
      if (o.kind !== 'entity') continue;
      const key = `${o.file}#${o.index}`;
      const paveValid = o.pave.errors.length === 0;
      if (paveValid === o.backstage.valid) {
        if (key in ALLOWED_DIFFERENCES) allowedButAgreeing.push(key);
        continue;
      }
      if (key in ALLOWED_DIFFERENCES) continue;
      mismatches.push(
        `${key} (${String(o.raw.kind)}): Pave says ${paveValid ? 'valid' : 'invalid'}` +
          (paveValid ? '' : ` [${o.pave.errors.map(e => `${e.pointer} ${e.detail}`).join('; ')}]`) +
          `, Backstage says ${o.backstage.valid ? 'valid' : `invalid [${o.backstage.reason}]`}`,
      );
    }
    expect(mismatches).toEqual([]);
    // An allow-list entry that no longer differs is stale.
    expect(allowedButAgreeing).toEqual([]);
  });

  it('records the documents that are not entities instead of crashing', () => {
    const notEntities = outcomes.filter(o => o.kind !== 'entity').map(o => `${o.file}#${o.index} ${o.kind}`);
    // 065 is an unrendered Jinja skeleton; the empty documents come from stray `---` separators.
    expect(notEntities).toContain('065.yaml#0 yaml-error');
    expect(notEntities.filter(n => n.endsWith('empty')).length).toBeGreaterThan(0);
    expect(notEntities.every(n => n.endsWith('empty') || n.endsWith('yaml-error') || n.endsWith('not-an-object'))).toBe(true);
  });

  it('covers every built-in catalog kind and a custom one', () => {
    const kinds = new Set(outcomes.flatMap(o => (o.kind === 'entity' ? [String(o.raw.kind)] : [])));
    for (const kind of ['Component', 'API', 'Resource', 'System', 'Domain', 'Group', 'User', 'Location', 'Environment']) {
      expect(kinds).toContain(kind);
    }
  });

  it('explains each invalid document precisely', () => {
    const errorsOf = (file: string, index = 0) => {
      const o = outcomes.find(x => x.file === file && x.index === index);
      return o?.kind === 'entity' ? o.pave.errors.map(e => `${e.pointer} ${e.rule}`) : undefined;
    };
    // The name has a space, and so does the second tag.
    expect(errorsOf('001.yaml')).toEqual(['/metadata/name name', '/metadata/tags/1 tag']);
    // `links` written at the root instead of under metadata.
    expect(errorsOf('019.yaml')).toEqual(['/links unknown-field']);
    // A GitLab CI catalog, not an entity.
    expect(errorsOf('024.yaml')).toEqual(['/apiVersion required', '/kind required', '/metadata required']);
    // A Location without spec.
    expect(errorsOf('025.yaml', 1)).toEqual(['/spec required']);
    // `definition: {$text: …}` is a placeholder the ingestion step substitutes; raw, it is not a string.
    expect(errorsOf('063.yaml')).toEqual(['/spec/definition type']);
  });

  it('accepts the custom Environment kind on its envelope alone', () => {
    const o = outcomes.find(x => x.file === '006.yaml');
    expect(o?.kind === 'entity' && o.pave.errors).toEqual([]);
    expect(o?.kind === 'entity' && o.backstage.kindValidated).toBe(false);
  });

  it('defaults the namespace and changes nothing else', () => {
    const o = outcomes.find(x => x.file === '004.yaml');
    if (o?.kind !== 'entity' || !o.pave.entity) throw new Error('004.yaml should be valid');
    const { namespace, ...metadata } = o.pave.entity.metadata;
    expect(namespace).toBe('default');
    expect({ ...o.pave.entity, metadata }).toEqual(o.raw);
  });
});

describe('relations derived from real files (expected: Backstage BuiltinKindsEntityProcessor, by hand)', () => {
  it('Component in another namespace with namespaced refs (032)', () => {
    const self = 'component:devex/one-platform-api-catalog-service';
    expect(deriveRelations(entityAt('032.yaml', 0))).toEqual([
      { source: self, type: 'ownedBy', target: 'group:redhat/one-platform-devs' },
      { source: 'group:redhat/one-platform-devs', type: 'ownerOf', target: self },
      { source: self, type: 'dependsOn', target: 'resource:devex/native-apps-mongodb' },
      { source: 'resource:devex/native-apps-mongodb', type: 'dependencyOf', target: self },
      { source: self, type: 'dependencyOf', target: 'component:devex/one-platform-api-gateway' },
      { source: 'component:devex/one-platform-api-gateway', type: 'dependsOn', target: self },
      { source: self, type: 'partOf', target: 'system:devex/one-platform' },
      { source: 'system:devex/one-platform', type: 'hasPart', target: self },
    ]);
  });

  it('Component with subcomponentOf and a kind-less dependsOn (059)', () => {
    const self = 'component:default/sage-docs-site';
    const { relations, errors } = deriveRelationsWithErrors(entityAt('059.yaml', 0));
    expect(relations).toEqual([
      { source: self, type: 'ownedBy', target: 'group:default/design-system-services' },
      { source: 'group:default/design-system-services', type: 'ownerOf', target: self },
      { source: self, type: 'partOf', target: 'component:default/sage-lib' },
      { source: 'component:default/sage-lib', type: 'hasPart', target: self },
      { source: self, type: 'partOf', target: 'system:default/sage' },
      { source: 'system:default/sage', type: 'hasPart', target: self },
    ]);
    // Backstage's dependsOn has no default kind: `sage-packs` cannot be resolved (Backstage's
    // processor throws on it; Pave skips it and says why).
    expect(errors.map(e => e.pointer)).toEqual(['/spec/dependsOn/0']);
  });

  it('Component providing an API, and that API in a system (016)', () => {
    expect(deriveRelations(entityAt('016.yaml', 0))).toEqual([
      { source: 'component:default/g', type: 'ownedBy', target: 'group:default/aura' },
      { source: 'group:default/aura', type: 'ownerOf', target: 'component:default/g' },
      { source: 'component:default/g', type: 'providesApi', target: 'api:default/g' },
      { source: 'api:default/g', type: 'apiProvidedBy', target: 'component:default/g' },
    ]);
    expect(deriveRelations(entityAt('016.yaml', 1))).toEqual([
      { source: 'api:default/g', type: 'ownedBy', target: 'group:default/aura' },
      { source: 'group:default/aura', type: 'ownerOf', target: 'api:default/g' },
      { source: 'api:default/g', type: 'partOf', target: 'system:default/g' },
      { source: 'system:default/g', type: 'hasPart', target: 'api:default/g' },
    ]);
  });

  it('Component with dependsOn a resource, ignoring unknown spec fields (046)', () => {
    const self = 'component:default/heroes-api';
    expect(deriveRelations(entityAt('046.yaml', 0))).toEqual([
      { source: self, type: 'ownedBy', target: 'group:default/0gis0' },
      { source: 'group:default/0gis0', type: 'ownerOf', target: self },
      { source: self, type: 'dependsOn', target: 'resource:default/heroes-db' },
      { source: 'resource:default/heroes-db', type: 'dependencyOf', target: self },
      { source: self, type: 'partOf', target: 'system:default/tour-of-heroes' },
      { source: 'system:default/tour-of-heroes', type: 'hasPart', target: self },
    ]);
  });

  it('System, Component with dependencyOf, and Resource (052)', () => {
    expect(deriveRelations(entityAt('052.yaml', 0))).toEqual([
      { source: 'system:default/catalog', type: 'ownedBy', target: 'group:default/chipmunks' },
      { source: 'group:default/chipmunks', type: 'ownerOf', target: 'system:default/catalog' },
    ]);
    const frontend = 'component:default/catalog-frontend';
    expect(deriveRelations(entityAt('052.yaml', 4))).toEqual([
      { source: frontend, type: 'ownedBy', target: 'group:default/chipmunks' },
      { source: 'group:default/chipmunks', type: 'ownerOf', target: frontend },
      { source: frontend, type: 'dependencyOf', target: 'component:default/catalog-backend' },
      { source: 'component:default/catalog-backend', type: 'dependsOn', target: frontend },
      { source: frontend, type: 'partOf', target: 'system:default/catalog' },
      { source: 'system:default/catalog', type: 'hasPart', target: frontend },
    ]);
    const db = 'resource:default/catalog-database';
    expect(deriveRelations(entityAt('052.yaml', 3))).toEqual([
      { source: db, type: 'ownedBy', target: 'group:default/chipmunks' },
      { source: 'group:default/chipmunks', type: 'ownerOf', target: db },
      { source: db, type: 'partOf', target: 'system:default/catalog' },
      { source: 'system:default/catalog', type: 'hasPart', target: db },
    ]);
  });

  it('Group with parent, empty children and members; User memberOf (002, 023)', () => {
    expect(deriveRelations(entityAt('002.yaml', 0))).toEqual([
      { source: 'group:default/team-a', type: 'childOf', target: 'group:default/backstage' },
      { source: 'group:default/backstage', type: 'parentOf', target: 'group:default/team-a' },
    ]);
    expect(deriveRelations(entityAt('002.yaml', 1))).toEqual([
      { source: 'user:default/breanna.davison', type: 'memberOf', target: 'group:default/team-a' },
      { source: 'group:default/team-a', type: 'hasMember', target: 'user:default/breanna.davison' },
    ]);
    const members = ['dhuber', 'gphelps', 'dpena', 'msoltow', 'hplata', 'mloureiro', 'jortega'];
    const group = entityAt('023.yaml', 7);
    const self = `group:default/${group.metadata.name}`;
    expect(deriveRelations(group)).toEqual([
      { source: self, type: 'childOf', target: 'group:default/technology' },
      { source: 'group:default/technology', type: 'parentOf', target: self },
      ...members.flatMap(m => [
        { source: self, type: 'hasMember', target: `user:default/${m}` },
        { source: `user:default/${m}`, type: 'memberOf', target: self },
      ]),
    ]);
  });

  it('Domain and custom kinds (017, 006)', () => {
    expect(deriveRelations(entityAt('017.yaml', 0))).toEqual([
      { source: 'domain:default/ecommerce', type: 'ownedBy', target: 'group:default/platform-admins' },
      { source: 'group:default/platform-admins', type: 'ownerOf', target: 'domain:default/ecommerce' },
    ]);
    expect(deriveRelations(entityAt('006.yaml', 0))).toEqual([]);
  });

  it('derives relations for every valid real document without errors except kind-less dependsOn refs', () => {
    const problems: string[] = [];
    for (const o of outcomes) {
      if (o.kind !== 'entity' || !o.pave.entity) continue;
      for (const e of deriveRelationsWithErrors(o.pave.entity).errors) problems.push(`${o.file}#${o.index} ${e.pointer}`);
    }
    expect(problems).toEqual(['059.yaml#0 /spec/dependsOn/0']);
  });
});
