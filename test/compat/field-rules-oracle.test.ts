/**
 * Differential test of the envelope and kind rules: hand-picked edge cases for every field, and
 * seeded random combinations of them, each judged by Pave's `validateEntity` and by Backstage's
 * catalog-model (see backstage-oracle.ts). Verdicts must agree, except for the deliberate
 * differences listed below.
 */
import { describe, expect, it } from 'vitest';
import { validateEntity } from '../../src/catalog/model/index.js';
import { backstageVerdict } from './backstage-oracle.js';

type Doc = Record<string, unknown>;

const MISSING = Symbol('missing');

function component(overrides: { root?: Doc; metadata?: Doc; spec?: Doc } = {}): Doc {
  return strip({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: strip({ name: 'payments', ...overrides.metadata }),
    spec: strip({ type: 'service', lifecycle: 'production', owner: 'team-a', ...overrides.spec }),
    ...overrides.root,
  });
}

/** Removes fields set to MISSING, so cases can delete a field. */
function strip(doc: Doc): Doc {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== MISSING));
}

/**
 * Deliberate differences: a predicate over the document, and why Pave differs.
 * These are the reasons to put in the README.
 */
/** The apiVersions of the built-in kinds, to say when a kind or apiVersion is a built-in one misspelt. */
const BUILTIN_VERSIONS: Record<string, string[]> = {
  ...Object.fromEntries(['Component', 'API', 'Resource', 'System', 'Domain', 'Group', 'User', 'Location'].map(k => [k, ['backstage.io/v1alpha1', 'backstage.io/v1beta1']])),
  Template: ['scaffolder.backstage.io/v1beta3'],
  Capability: ['pave.dev/v1alpha1'],
};

/**
 * A built-in kind in another case, or an apiVersion of Backstage's families (backstage.io/…,
 * scaffolder.backstage.io/…, a bare v1alpha1; a bare v1 too for a built-in kind) that the kind does not have.
 */
function mistypedKindOrVersion(doc: Doc): boolean {
  const { kind, apiVersion } = doc;
  if (typeof kind !== 'string' || typeof apiVersion !== 'string') return false;
  const meant = Object.keys(BUILTIN_VERSIONS).find(k => k.toLowerCase() === kind.toLowerCase());
  const family = /^((scaffolder\.)?backstage\.io\/.*|v\d+(alpha|beta)\d+)$/i.test(apiVersion);
  if (!meant) return family && !Object.values(BUILTIN_VERSIONS).flat().includes(apiVersion);
  const versions = BUILTIN_VERSIONS[meant]!;
  return (family || /^v\d+$/i.test(apiVersion) || versions.includes(apiVersion)) && (kind !== meant || !versions.includes(apiVersion));
}

const DELIBERATE_DIFFERENCES: Array<{ applies: (doc: Doc) => boolean; reason: string }> = [
  {
    applies: mistypedKindOrVersion,
    reason:
      'Pave refuses a built-in kind in another case (`kind: component`) and an apiVersion of Backstage\'s families ' +
      'the kind does not have (`backstage.io/v2`, a bare `v1alpha1`), naming the spelling meant. Backstage judges ' +
      'such an entity on its envelope, and its catalog then ingests nothing ("no processor recognized the entity").',
  },
  {
    applies: doc => 'relations' in doc || 'status' in doc,
    reason:
      'Pave accepts well-formed `relations` and `status` at the root (shapes from Backstage\'s own Entity ' +
      'JSON schema), because every stored Pave object, e.g. a platform Request, carries them in the same ' +
      'envelope. Backstage\'s catalog rejects them in ingested files (NoForeignRootFieldsEntityPolicy); ' +
      'Pave\'s ingestion replaces authored relations with derived ones.',
  },
];

function isDeliberate(doc: Doc): boolean {
  return DELIBERATE_DIFFERENCES.some(d => d.applies(doc));
}

const long = (n: number, c = 'a') => c.repeat(n);

const API_VERSIONS = ['backstage.io/v1alpha1', 'backstage.io/v1beta1', 'v1', '1.0', 'Backstage.io/v1', 'a/b/c', '',
  'backstage.io/', '/v1', 'back_stage.io/v1', 'backstage..io/v1', long(64), long(63), 'x-.io/v1', 'x--y.io/v1',
  `${long(63)}.${long(63)}.${long(63)}.${long(61)}/v1`, `${long(63)}.${long(63)}.${long(63)}.${long(62)}/v1`, 5, null, MISSING];
const KINDS = ['Component', 'component', 'Api', 'API', '9abc', long(63, 'A'), long(64, 'A'), 'Foo-Bar', 'Environment', '', 5, MISSING];
const NAMES = ['a', long(63), long(64), 'a b', '-a', 'a-', 'a..b', 'A_b.C-d', '_a', 'a_', 'é', '', 5, null, MISSING, 'a/b', 'a:b'];
const NAMESPACES = ['default', 'Default', 'a--b', 'a-', '', null, 5, long(63), long(64), 'a.b', 'team-a', MISSING];
const TITLES = ['', ' ', 'x', 5, null, MISSING];
const DESCRIPTIONS = ['', 'text', 5, null, MISSING];
const LABELS = [{ a: '' }, { a: 'b c' }, { 'a/b/c': 'x' }, { 'example.com/x': 'y' }, { 'Example.com/x': 'y' }, { '': 'x' },
  { a: null }, { a: 5 }, null, [], 'x', { [long(64)]: 'y' }, { a: long(64) }, { '-a': 'b' }, { 'a.b_c': 'A.b-C' },
  { '/a': 'b' }, { 'a/': 'b' }, MISSING];
const ANNOTATIONS = [{ 'backstage.io/techdocs-ref': 'dir:.' }, { a: '' }, { a: 5 }, { 'a b': 'c' },
  { 'github.com/project-slug': 'a/b' }, null, [], { a: 'anything at all: ${{ x }}' }, { 'x.y/z/w': 'v' }, MISSING];
const TAGS = [['java'], ['c++'], ['c#'], ['a:b'], ['Java'], ['a_b'], ['a--b'], ['-a'], [''], [5], [null], 'java', null,
  [long(64)], [long(63)], [], ['go', 'go 1.15'], MISSING];
const LINKS = [[{ url: 'https://x.example' }], [{ url: 'x' }], [{ url: '' }], [{}], [{ url: 'mailto:a@b.c' }],
  [{ url: 'https://x.example', title: ' ' }], [{ url: 'https://x.example', title: '' }],
  [{ url: 'https://x.example', icon: ' ' }], [{ url: 'https://x.example', type: '' }],
  [{ url: 'https://x.example', type: ' ' }], [{ url: 'https://x.example', extra: 1 }], ['x'], [null], {}, null,
  [{ url: 'https://x.example', title: null }], [{ url: 5 }], [{ url: 'https://' }], MISSING];

describe('edge cases agree with Backstage', () => {
  const cases: Array<[string, Doc]> = [];
  for (const v of API_VERSIONS) cases.push([`apiVersion ${String(v)}`, component({ root: { apiVersion: v } })]);
  for (const v of KINDS) cases.push([`kind ${String(v)}`, component({ root: { kind: v } })]);
  for (const v of NAMES) cases.push([`name ${String(v)}`, component({ metadata: { name: v } })]);
  for (const v of NAMESPACES) cases.push([`namespace ${String(v)}`, component({ metadata: { namespace: v } })]);
  for (const v of TITLES) cases.push([`title ${String(v)}`, component({ metadata: { title: v } })]);
  for (const v of DESCRIPTIONS) cases.push([`description ${String(v)}`, component({ metadata: { description: v } })]);
  for (const v of ['', 'x', 5, MISSING]) cases.push([`uid ${String(v)}`, component({ metadata: { uid: v, etag: v } })]);
  for (const v of LABELS) cases.push([`labels ${JSON.stringify(v)}`, component({ metadata: { labels: v } })]);
  for (const v of ANNOTATIONS) cases.push([`annotations ${JSON.stringify(v)}`, component({ metadata: { annotations: v } })]);
  for (const v of TAGS) cases.push([`tags ${JSON.stringify(v)}`, component({ metadata: { tags: v } })]);
  for (const v of LINKS) cases.push([`links ${JSON.stringify(v)}`, component({ metadata: { links: v } })]);
  cases.push(
    ['extra metadata field', component({ metadata: { owner: 'me' } })],
    ['metadata array', component({ root: { metadata: [] } })],
    ['metadata string', component({ root: { metadata: 'x' } })],
    ['metadata null', component({ root: { metadata: null } })],
    ['metadata missing', component({ root: { metadata: MISSING } })],
    ['foreign root field', component({ root: { links: [] } })],
    ['spec array', component({ root: { spec: [] } })],
    ['spec null', component({ root: { spec: null } })],
    ['spec missing', component({ root: { spec: MISSING } })],
    ['custom kind without spec', component({ root: { kind: 'Environment', spec: MISSING } })],
    ['custom kind with spec', component({ root: { kind: 'Environment', spec: { anything: [1, 2] } } })],
    ['component at an unknown apiVersion with a bad spec', component({ root: { apiVersion: 'backstage.io/v2', spec: {} } })],
    ['component v1beta1 with a bad spec', component({ root: { apiVersion: 'backstage.io/v1beta1', spec: {} } })],
    ['component type missing', component({ spec: { type: MISSING } })],
    ['component owner empty', component({ spec: { owner: '' } })],
    ['component owner number', component({ spec: { owner: 5 } })],
    ['component system number', component({ spec: { system: 5 } })],
    ['component subcomponentOf empty', component({ spec: { subcomponentOf: '' } })],
    ['component providesApis string', component({ spec: { providesApis: 'x' } })],
    ['component consumesApis with empty', component({ spec: { consumesApis: [''] } })],
    ['component dependsOn numbers', component({ spec: { dependsOn: [5] } })],
    ['component dependsOn objects', component({ spec: { dependsOn: [{ component: 'x' }] } })],
    ['component dependencyOf string', component({ spec: { dependencyOf: 'component:x' } })],
    ['component dependencyOf junk', component({ spec: { dependencyOf: [5, {}] } })],
    ['component with unknown spec fields', component({ spec: { partOf: ['x'], apiConsumedBy: 1 } })],
    ['component with empty spec', component({ root: { spec: {} } })],
  );
  const kind = (k: string, spec: unknown): Doc => ({ apiVersion: 'backstage.io/v1alpha1', kind: k, metadata: { name: 'x' }, spec });
  cases.push(
    ['API valid', kind('API', { type: 'openapi', lifecycle: 'production', owner: 'a', definition: 'openapi: 3.0.0' })],
    ['API without definition', kind('API', { type: 'openapi', lifecycle: 'production', owner: 'a' })],
    ['API with object definition', kind('API', { type: 'openapi', lifecycle: 'p', owner: 'a', definition: { $text: 'x' } })],
    ['API with empty definition', kind('API', { type: 'openapi', lifecycle: 'p', owner: 'a', definition: '' })],
    ['API system number', kind('API', { type: 'openapi', lifecycle: 'p', owner: 'a', definition: 'd', system: 5 })],
    ['Resource valid', kind('Resource', { type: 'database', owner: 'a', dependsOn: ['resource:b'], system: 's' })],
    ['Resource without type', kind('Resource', { owner: 'a' })],
    ['Resource dependsOn string', kind('Resource', { type: 'db', owner: 'a', dependsOn: 'x' })],
    ['System valid', kind('System', { owner: 'a', domain: 'd', type: 't' })],
    ['System without owner', kind('System', { domain: 'd' })],
    ['System domain empty', kind('System', { owner: 'a', domain: '' })],
    ['Domain valid', kind('Domain', { owner: 'a', subdomainOf: 'b' })],
    ['Domain subdomainOf number', kind('Domain', { owner: 'a', subdomainOf: 5 })],
    ['Domain without owner', kind('Domain', {})],
    ['Group valid', kind('Group', { type: 'team', children: [], members: ['u'], parent: 'p', profile: { email: 'a@b' } })],
    ['Group without children', kind('Group', { type: 'team' })],
    ['Group without type', kind('Group', { children: [] })],
    ['Group members string', kind('Group', { type: 'team', children: [], members: 'u' })],
    ['Group profile string', kind('Group', { type: 'team', children: [], profile: 'x' })],
    ['Group profile empty email', kind('Group', { type: 'team', children: [], profile: { email: '' } })],
    ['Group profile extra field', kind('Group', { type: 'team', children: [], profile: { slack: '#x' } })],
    ['User valid', kind('User', { memberOf: [] })],
    ['User without memberOf', kind('User', { profile: { displayName: 'A' } })],
    ['User memberOf string', kind('User', { memberOf: 'team-a' })],
    ['User profile picture number', kind('User', { memberOf: [], profile: { picture: 5 } })],
    ['Location empty spec', kind('Location', {})],
    ['Location valid', kind('Location', { type: 'url', target: 'https://x', targets: ['./a.yaml'], presence: 'optional' })],
    ['Location presence bad', kind('Location', { presence: 'maybe' })],
    ['Location targets with empty', kind('Location', { targets: [''] })],
    ['Location target number', kind('Location', { target: 5 })],
    ['Location without spec', { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'x' } }],
  );

  it.each(cases)('%s', async (_name, doc) => {
    const pave = validateEntity(doc).errors.length === 0;
    // Where Backstage judges the envelope alone, Pave refuses a misspelt built-in kind (see DELIBERATE_DIFFERENCES).
    if (mistypedKindOrVersion(doc)) return expect(pave).toBe(false);
    const backstage = await backstageVerdict(doc);
    expect({ pave, reasons: validateEntity(doc).errors }).toMatchObject({ pave: backstage.valid });
  });
});

describe('deliberate differences from Backstage', () => {
  it('accepts well-formed relations and status at the root', async () => {
    const doc = component({
      root: {
        relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a', target: { kind: 'group', namespace: 'default', name: 'team-a' } }],
        status: { items: [{ type: 'x', level: 'info', message: 'ok', error: { name: 'Error', message: 'm' } }] },
      },
    });
    expect(validateEntity(doc).errors).toEqual([]);
    expect((await backstageVerdict(doc)).valid).toBe(false);
    expect(isDeliberate(doc)).toBe(true);
  });

  it('still rejects malformed relations and status, as Backstage does', async () => {
    for (const root of [
      { relations: 'x' },
      { relations: [{ type: 'a-b', targetRef: 'x' }] },
      { relations: [{ type: 'a', targetRef: '' }] },
      { relations: [{ type: 'a', targetRef: 'x', extra: 1 }] },
      { relations: [{ type: 'a', targetRef: 'x', target: { kind: 'a', namespace: 'b' } }] },
      { status: [] },
      { status: { items: [{ type: 'x', level: 'fatal', message: 'm' }] } },
      { status: { items: [{ type: 'x', level: 'info' }] } },
      { status: { items: [{ type: 'x', level: 'info', message: 'm', error: { message: 'no name' } }] } },
    ]) {
      const doc = component({ root });
      expect(validateEntity(doc).errors.length, JSON.stringify(root)).toBeGreaterThan(0);
      expect((await backstageVerdict(doc)).valid).toBe(false);
    }
  });
});

describe('random combinations agree with Backstage', () => {
  /** mulberry32: a small seeded PRNG so failures reproduce. */
  function rng(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('on 3000 generated documents', async () => {
    const random = rng(20240601);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    // Mostly valid values, so that a single bad field decides the verdict often.
    const maybe = <T>(good: T, pool: readonly T[]): T => (random() < 0.75 ? good : pick(pool));
    const SPECS = [
      { type: 'service', lifecycle: 'production', owner: 'team-a' },
      { type: 'service', lifecycle: 'production' },
      { type: 'service', lifecycle: 'production', owner: 'team-a', providesApis: ['x'], dependsOn: ['component:y'] },
      { owner: 'a' },
      { type: 'team', children: [] },
      { memberOf: [] },
      {},
      { type: 'db', owner: 'a', definition: 'x', lifecycle: 'l', memberOf: ['g'], children: ['c'] },
    ];
    const mismatches: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const doc = strip({
        apiVersion: maybe<unknown>('backstage.io/v1alpha1', API_VERSIONS),
        kind: random() < 0.5 ? pick(['Component', 'API', 'Resource', 'System', 'Domain', 'Group', 'User', 'Location']) : pick(KINDS),
        metadata: strip({
          name: maybe<unknown>('payments', NAMES),
          namespace: maybe<unknown>(MISSING, NAMESPACES),
          title: maybe<unknown>(MISSING, TITLES),
          description: maybe<unknown>(MISSING, DESCRIPTIONS),
          labels: maybe<unknown>(MISSING, LABELS),
          annotations: maybe<unknown>(MISSING, ANNOTATIONS),
          tags: maybe<unknown>(MISSING, TAGS),
          links: maybe<unknown>(MISSING, LINKS),
        }),
        spec: random() < 0.9 ? pick(SPECS) : pick<unknown>([MISSING, null, [], 'x']),
      });
      if (isDeliberate(doc)) continue;
      const pave = validateEntity(doc);
      const backstage = await backstageVerdict(doc);
      if ((pave.errors.length === 0) !== backstage.valid) {
        mismatches.push(`${JSON.stringify(doc)} → Pave ${JSON.stringify(pave.errors)} / Backstage ${backstage.reason ?? 'valid'}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
