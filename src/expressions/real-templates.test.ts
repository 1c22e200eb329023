/**
 * Compatibility with real Backstage templates: every string in each template's steps and
 * output must check cleanly, the steps must render with plausible parameters, and the
 * skeleton files must render (and still be valid YAML where they are YAML).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { FieldError } from '../core/problem.js';
import { checkTemplate, evaluateCondition, renderFile, renderValue } from './index.js';

/** The shared data folder sits beside the repository (in CI: beside the fresh clone). */
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIR =
  [join(REPO_ROOT, '..', 'shared', 'data', 'real-world', 'templates'), '/work/shared/data/real-world/templates'].find(existsSync) ??
  '/nonexistent';
const available = existsSync(DIR);

interface TemplateDoc {
  apiVersion?: string;
  metadata?: { name?: string };
  spec?: {
    parameters?: unknown;
    steps?: Array<{ id?: string; if?: unknown; action?: string; input?: Record<string, unknown> }>;
    output?: unknown;
  };
}

function loadTemplates(): Array<{ file: string; index: number; doc: TemplateDoc }> {
  if (!available) return [];
  const out: Array<{ file: string; index: number; doc: TemplateDoc }> = [];
  for (const file of readdirSync(DIR).filter(f => f.endsWith('.yaml')).sort()) {
    parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).forEach((document, index) => {
      if (!('toJS' in document)) return;
      const doc = document.toJS() as TemplateDoc | null;
      if (doc?.spec) out.push({ file, index, doc });
    });
  }
  return out;
}

/** Every string in a value with its JSON pointer. */
function strings(value: unknown, pointer: string, out: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof value === 'string') out.push([pointer, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${pointer}/${i}`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
  return out;
}

/** Collects `properties` of every parameter page (or of a single parameters object). */
function parameterProperties(parameters: unknown): Array<[string, Record<string, unknown>]> {
  const pages = Array.isArray(parameters) ? parameters : parameters ? [parameters] : [];
  const out: Array<[string, Record<string, unknown>]> = [];
  for (const page of pages as Array<{ properties?: Record<string, Record<string, unknown>> }>) {
    for (const [name, schema] of Object.entries(page.properties ?? {})) out.push([name, schema]);
  }
  return out;
}

const ENTITY_REFS: Record<string, string> = {
  owner: 'group:default/team-a',
  domain: 'domain:default/finance-ops',
  system: 'system:default/payments',
  dataProductOwner: 'user:default/jo',
  devGroup: 'group:default/devs',
};

/** Plausible form input for a template's parameters. */
function plausibleParameters(doc: TemplateDoc): Record<string, unknown> {
  const text = JSON.stringify(doc.spec?.parameters ?? {});
  const host = text.includes('gitlab.com') ? 'gitlab.com' : 'github.com';
  const params: Record<string, unknown> = {};
  for (const [name, schema] of parameterProperties(doc.spec?.parameters)) {
    if (schema['default'] !== undefined) params[name] = schema['default'];
    else if (Array.isArray(schema['enum'])) params[name] = schema['enum'][0];
    else if (schema['type'] === 'boolean') params[name] = true;
    else if (schema['type'] === 'array') params[name] = ['alpha', 'beta'];
    else if (schema['type'] === 'object') params[name] = { minimal: true };
    else if (name === 'repoUrl') params[name] = `${host}?owner=acme&repo=demo`;
    else if (name in ENTITY_REFS) params[name] = ENTITY_REFS[name];
    else if (name === 'component_id') params[name] = 'my-service';
    else if (/name/i.test(name)) params[name] = 'My Service';
    else params[name] = `${name}-value`;
  }
  return params;
}

function plausibleContext(doc: TemplateDoc, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const steps: Record<string, unknown> = {};
  for (const step of doc.spec?.steps ?? []) {
    if (!step.id) continue;
    steps[step.id] = {
      output: {
        remoteUrl: 'https://github.com/acme/demo',
        repoContentsUrl: 'https://github.com/acme/demo/tree/main',
        entityRef: 'component:default/demo',
        mergeRequestUrl: 'https://gitlab.com/acme/demo/-/merge_requests/1',
        entities: Array.from({ length: 4 }, (_, i) => ({ metadata: { name: `e${i}`, title: `Entity ${i}` } })),
      },
    };
  }
  return {
    parameters: { ...plausibleParameters(doc), ...overrides },
    secrets: { USER_OAUTH_TOKEN: 'token' },
    user: { entity: { spec: { profile: { displayName: 'Jo Doe', email: 'jo@example.com' } } } },
    steps,
  };
}

const templates = loadTemplates();

describe.skipIf(!available)('real templates: checkTemplate on steps and output', () => {
  it('found the templates', () => {
    expect(templates.length).toBeGreaterThanOrEqual(10);
  });

  it.each(templates.map(t => [`${t.file}#${t.index} ${t.doc.metadata?.name ?? ''}`, t.doc] as const))('%s', (_name, doc) => {
    const errors: FieldError[] = [];
    for (const [pointer, value] of [
      ...strings(doc.spec?.steps, '/spec/steps'),
      ...strings(doc.spec?.output, '/spec/output'),
    ]) {
      errors.push(...checkTemplate(value, { pointer }));
    }
    expect(errors).toEqual([]);
  });
});

describe.skipIf(!available)('real templates: steps and output render with plausible parameters', () => {
  const rendered = new Map<string, { steps: Array<Record<string, unknown> | undefined>; output: unknown }>();
  it.each(templates.map(t => [`${t.file}#${t.index}`, t.doc] as const))('%s', (name, doc) => {
    const context = plausibleContext(doc);
    const steps = (doc.spec?.steps ?? []).map(step => {
      expect(typeof evaluateCondition(step.if, context)).toBe('boolean');
      return renderValue(step.input ?? {}, context) as Record<string, unknown>;
    });
    const output = renderValue(doc.spec?.output ?? {}, context);
    rendered.set(name, { steps, output });
  });

  it('gives the results Backstage gives', () => {
    const input = (name: string, step: number) => rendered.get(name)?.steps[step] ?? {};
    // 001: a single expression keeps its type (parseRepoUrl gives an object)
    expect((input('001.yaml#0', 0)['values'] as Record<string, unknown>)['destination']).toEqual({ host: 'github.com', owner: 'acme', repo: 'demo' });
    expect((input('001.yaml#0', 0)['values'] as Record<string, unknown>)['http_port']).toBe(8080);
    // 002: inline if with and without else
    expect(input('002.yaml#0', 1)['targetPath']).toBe('targetPath-value');
    expect(input('002.yaml#0', 1)['description']).toBe('# New project: My Service\ndescription-value\n');
    // 003: regex literal in replace, method call on a string, {{ }} left alone
    expect(input('003.yaml#0', 1)['repoUrl']).toBe(
      'gitlab.com?owner=AgileDmbSandbox%2F{{orgname}}%2Fmesh.repository%2Fdefault/finance-ops%2Fmyservice&repo=myservice',
    );
    // 005: parseEntityRef | pick, an index into a step output, topics with quotes
    expect((input('005.yaml#0', 1)['values'] as Record<string, unknown>)['domain_name']).toBe('finance-ops');
    expect(input('005.yaml#0', 5)['secrets']).toEqual({ DEPLOYMENT_ACCOUNT_ID: 'Entity 3' });
    expect(input('005.yaml#0', 5)['topics']).toEqual(['domain:finance-ops', 'system:payments']);
    // 007: parenthesised filter result indexed with ['owner']
    expect(input('007.yaml#0', 1)['repoUrl']).toBe('https://github.com/acme/demo');
    // 009: join inside an inline if, string concatenation with +
    expect(String(input('009.yaml#0', 1)['description'])).toContain('- Register API: `No`\n\n**Integrations:**');
    const doc9 = templates.find(t => t.file === '009.yaml')?.doc as TemplateDoc;
    const withApi = plausibleContext(doc9, { registerApi: true, apiPath: 'api/openapi.yaml' });
    const description = String((renderValue(doc9.spec?.steps?.[1]?.input, withApi) as Record<string, unknown>)['description']);
    expect(description).toContain('- Register API: `Yes`');
    expect(description).toContain('- Type: openapi\n          - Path: api/openapi.yaml\n');
    expect(description).toContain('- **Tags:** `alpha, beta`');
    expect(rendered.get('009.yaml#0')?.output).toMatchObject({ links: [{}, { url: 'https://github.com/acme/demo' }, {}] });
    // 012: projectSlug
    expect(input('012.yaml#0', 1)['component']).toMatchObject({ metadata: { annotations: { 'github.com/project-slug': 'acme/demo' } } });
  });

  it('evaluates the step conditions', () => {
    const doc = templates.find(t => t.file === '012.yaml')?.doc as TemplateDoc;
    const conditions = (doc.spec?.steps ?? []).map(s => s.if);
    const dryRun = { parameters: { dryRun: true } };
    const live = { parameters: { dryRun: false } };
    expect(conditions.map(c => evaluateCondition(c, dryRun))).toEqual([true, true, false, false, true]);
    expect(conditions.map(c => evaluateCondition(c, live))).toEqual([true, true, true, true, false]);
    const doc8 = templates.find(t => t.file === '008.yaml' && t.index === 0)?.doc as TemplateDoc;
    const steps8 = doc8.spec?.steps ?? [];
    expect(evaluateCondition(steps8[1]?.if, { parameters: { includeSecurityScans: false } })).toBe(true);
    expect(evaluateCondition(steps8[1]?.if, { parameters: { includeSecurityScans: true } })).toBe(false);
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Values for a skeleton: the template's own fetch:template values rendered with plausible parameters. */
function skeletonValues(id: string): Record<string, unknown> {
  const doc = templates.find(t => t.file === `${id}.yaml`)?.doc;
  if (!doc || doc.apiVersion !== 'scaffolder.backstage.io/v1beta3') {
    // 013 is a v1beta2 (Handlebars) template: its values are not Nunjucks, so give them directly.
    return {
      name: 'docs-site',
      description: 'Docs: "quoted" and plain',
      destination: { host: 'github.com', owner: 'acme', repo: 'docs-site' },
      owner: 'group:default/team-a',
    };
  }
  const context = plausibleContext(doc, {
    identifier: 'finance.customer-data.1',
    tags: ['alpha', 'beta'],
    registerApi: true,
    apiPath: 'api/openapi.yaml',
  });
  const fetch = (doc.spec?.steps ?? []).find(s => s.action === 'fetch:template');
  return renderValue(fetch?.input?.['values'] ?? {}, context) as Record<string, unknown>;
}

const skeletons = available ? readdirSync(DIR).filter(name => name.endsWith('.skeleton')).sort() : [];

describe.skipIf(!available)('real templates: skeleton files render', () => {
  const outputs = new Map<string, string>();

  it.each(skeletons)('%s', skeleton => {
    const values = skeletonValues(skeleton.replace('.skeleton', ''));
    const root = join(DIR, skeleton);
    for (const file of filesUnder(root)) {
      const path = renderFile(relative(root, file), { values });
      expect(path).not.toContain('${{');
      const content = renderFile(readFileSync(file, 'utf8'), { values });
      expect(content).not.toContain('${{');
      expect(content).not.toContain('{%');
      if (/\.ya?ml$/.test(path) && !content.startsWith('%')) {
        const docs = parseAllDocuments(content);
        for (const doc of docs) expect('errors' in doc ? doc.errors : [], `${skeleton}/${path}`).toEqual([]);
      }
      outputs.set(`${skeleton}/${path}`, content);
    }
  });

  it('produces the expected files', () => {
    expect([...outputs.keys()]).toContain('001.skeleton/my-service.sh');
    expect(outputs.get('001.skeleton/catalog-info.yaml')).toBe(
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        '  name: "my-service"',
        '  description: "description-value"',
        '  annotations:',
        '    github.com/project-slug: acme/demo',
        '    backstage.io/techdocs-ref: dir:.',
        'spec:',
        '  type: service',
        '  lifecycle: experimental',
        '  owner: "group:default/team-a"',
        '',
      ].join('\n'),
    );
    expect(outputs.get('001.skeleton/src/main/resources/application.properties')).toContain('server.port=8080');
    const dataProduct = outputs.get('003.skeleton/catalog-info.yaml') ?? '';
    expect(dataProduct).toContain('version 1');
    expect(dataProduct).toContain('    tags: \n      - tagFQN: alpha\n');
    const catalog = outputs.get('009.skeleton/catalog-info.yaml') ?? '';
    expect(catalog).toContain('  tags:\n    - on-boarded\n    - alpha\n    - beta\n');
    expect(catalog).toContain('kind: API');
    expect(outputs.get('013.skeleton/catalog-info.yaml')).toContain('description: "Docs: \\"quoted\\" and plain"');
  });

  it('skips the optional parts when values are empty', () => {
    const content = readFileSync(join(DIR, '009.skeleton/catalog-info.yaml'), 'utf8');
    const rendered = renderFile(content, { values: { componentName: 'svc', owner: 'team', lifecycle: 'production', registerApi: false } });
    expect(rendered).not.toContain('kind: API');
    expect(rendered).not.toContain('jira/project-key');
    const docs = parseAllDocuments(rendered);
    expect(docs).toHaveLength(1);
    expect('errors' in docs[0]! ? docs[0].errors : []).toEqual([]);
    expect((docs[0] as { toJS(): unknown }).toJS()).toMatchObject({ metadata: { name: 'svc', annotations: null }, spec: { owner: 'team' } });
  });
});
