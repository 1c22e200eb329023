import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ANNOTATION_SOURCE_LOCATION, withSourceLocation } from './source-location.js';

const PAGE = 'http://pave.test/repositories/acme/api/';
const annotationsOf = (text: string) => parseAllDocuments(text).map(d => (d.toJS() as { metadata: { annotations?: Record<string, string> } }).metadata.annotations);

describe('withSourceLocation', () => {
  it('adds the annotation to every entity without one, keeping comments and other annotations', () => {
    const text = [
      '# The API and its component',
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: api # keep me',
      '  annotations:',
      '    backstage.io/techdocs-ref: dir:.',
      '---',
      'kind: API',
      'metadata:',
      '  name: api-spec',
      '  annotations:',
      '',
    ].join('\n');
    const out = withSourceLocation(text, PAGE)!;
    expect(out).toContain('# The API and its component');
    expect(out).toContain('name: api # keep me');
    expect(annotationsOf(out)).toEqual([
      { 'backstage.io/techdocs-ref': 'dir:.', [ANNOTATION_SOURCE_LOCATION]: `url:${PAGE}` },
      { [ANNOTATION_SOURCE_LOCATION]: `url:${PAGE}` },
    ]);
  });

  it('leaves an entity that says where its source is, and changes nothing when none is left', () => {
    const own = 'kind: Component\nmetadata:\n  name: a\n  annotations:\n    backstage.io/source-location: url:https://example.test/a/\n';
    expect(withSourceLocation(own, PAGE)).toBeUndefined();
    const mixed = withSourceLocation(`${own}---\nkind: Component\nmetadata:\n  name: b\n`, PAGE)!;
    expect(annotationsOf(mixed).map(a => a?.[ANNOTATION_SOURCE_LOCATION])).toEqual(['url:https://example.test/a/', `url:${PAGE}`]);
  });

  it('does not touch a file that is not valid YAML, or documents that are not entities', () => {
    expect(withSourceLocation('kind: [unclosed\n', PAGE)).toBeUndefined();
    expect(withSourceLocation('just text\n', PAGE)).toBeUndefined();
    expect(withSourceLocation('kind: A\nmetadata:\n  annotations: not-a-map\n', PAGE)).toBeUndefined();
    expect(withSourceLocation('', PAGE)).toBeUndefined();
  });
});
