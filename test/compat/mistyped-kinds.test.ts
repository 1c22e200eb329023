/**
 * Entity files with the kinds and apiVersions people mistype, read as a location reads them: each such
 * document is refused with the spelling meant (and loads nothing), while custom kinds under an
 * organisation's own apiVersion load.
 */
import { afterAll, expect, it } from 'vitest';
import { join } from 'node:path';
import { readLocation } from '../../src/catalog/ingest/read-location.js';
import { TempDirs, writeFiles } from '../api/support.js';

const temp = new TempDirs();
afterAll(() => temp.cleanup());

const doc = (apiVersion: string, kind: string, name: string, spec: string) => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const COMPONENT_SPEC = '  type: service\n  lifecycle: production\n  owner: team-a\n';

it('refuses typo’d kinds and apiVersions from real files, saying what was meant, and loads the rest', async () => {
  const dir = temp.make();
  const text = [
    doc('backstage.io/v1alpha1', 'component', 'lower-case-kind', COMPONENT_SPEC),
    doc('backstage.io/v1alpha1', 'Api', 'title-case-api', "  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition: 'openapi: 3.0.0'\n"),
    doc('backstage.io/v1', 'Component', 'short-version', COMPONENT_SPEC),
    doc('v1alpha1', 'Component', 'bare-version', COMPONENT_SPEC),
    doc('backstage.io/v1beta2', 'Template', 'old-template', '  type: service\n  owner: team-a\n  steps: []\n'),
    doc('backstage.io/v1alpha1', 'Component', 'spelt-right', COMPONENT_SPEC),
    doc('acme.com/v1', 'Environment', 'staging', '  region: eu-west-1\n'),
  ].join('---\n');
  writeFiles(dir, { 'catalog-info.yaml': text });
  // Each document is apiVersion, kind, metadata, name: the line a problem names, counted back from the name.
  const lines = text.split('\n');
  const lineOf = (name: string, field: 'kind' | 'apiVersion') => lines.indexOf(`  name: ${name}`) + 1 - (field === 'kind' ? 2 : 3);
  const content = await readLocation({ type: 'file', target: join(dir, 'catalog-info.yaml') }, { allowedRoots: [], maxDocumentBytes: 1 << 20, maxFileBytes: 1 << 20 });
  expect(content.entities.map(e => e.entity.metadata.name)).toEqual(['spelt-right', 'staging']);
  expect(content.errors.map(e => [e.entityRef, e.pointer, e.line, e.detail.replace(/^.*; /, '')])).toEqual([
    ['component:default/lower-case-kind', '/kind', lineOf('lower-case-kind', 'kind'), 'did you mean Component?'],
    ['api:default/title-case-api', '/kind', lineOf('title-case-api', 'kind'), 'did you mean API?'],
    ['component:default/short-version', '/apiVersion', lineOf('short-version', 'apiVersion'), 'did you mean backstage.io/v1alpha1?'],
    ['component:default/bare-version', '/apiVersion', lineOf('bare-version', 'apiVersion'), 'did you mean backstage.io/v1alpha1?'],
    ['template:default/old-template', '/apiVersion', lineOf('old-template', 'apiVersion'), 'did you mean scaffolder.backstage.io/v1beta3?'],
  ]);
});
