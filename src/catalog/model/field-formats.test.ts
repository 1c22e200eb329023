import { describe, expect, it } from 'vitest';
import {
  checkAnnotationKey,
  checkApiVersion,
  checkEntityLink,
  checkEntityName,
  checkKind,
  checkLabelKey,
  checkLabelValue,
  checkNamespace,
  checkTag,
  isNonEmptyString,
  isValidAnnotationKey,
  isValidAnnotationValue,
  isValidApiVersion,
  isValidDnsLabel,
  isValidDnsSubdomain,
  isValidEntityName,
  isValidKind,
  isValidLabelKey,
  isValidLabelValue,
  isValidNamespace,
  isValidObjectName,
  isValidTag,
  isValidUrl,
} from './field-formats.js';

const a = (n: number) => 'a'.repeat(n);

describe('DNS labels and subdomains', () => {
  it.each(['a', 'team-a', 'a--b', '0', a(63)])('accepts label %s', v => expect(isValidDnsLabel(v)).toBe(true));
  it.each(['', 'A', 'a-', '-a', 'a_b', 'a.b', a(64), 5])('rejects label %s', v => expect(isValidDnsLabel(v)).toBe(false));
  it.each(['backstage.io', 'a', 'x--y.example.com', `${a(63)}.${a(63)}.${a(63)}.${a(61)}`])('accepts subdomain %s', v =>
    expect(isValidDnsSubdomain(v)).toBe(true),
  );
  it.each(['', 'Backstage.io', 'a..b', '.a', 'a.', 'x-.io', `${a(63)}.${a(63)}.${a(63)}.${a(62)}`])('rejects subdomain %s', v =>
    expect(isValidDnsSubdomain(v)).toBe(false),
  );
});

describe('apiVersion', () => {
  it.each(['backstage.io/v1alpha1', 'scaffolder.backstage.io/v1beta3', 'v1', 'V1', 'pave.dev/v1alpha1', a(63)])('accepts %s', v =>
    expect(isValidApiVersion(v)).toBe(true),
  );
  it.each(['', '1.0', 'Backstage.io/v1', 'a/b/c', 'backstage.io/', '/v1', 'back_stage.io/v1', 'backstage.io/v1-beta', a(64), null, 3])(
    'rejects %s',
    v => expect(isValidApiVersion(v)).toBe(false),
  );
  it('names the rule and the failing part', () => {
    expect(checkApiVersion('Backstage.io/v1')).toMatch(/^must be \[group\/\]version where group is a DNS subdomain .*\(the prefix is not a DNS subdomain\)$/);
    expect(checkApiVersion('a/b/c')).toMatch(/found more than one "\/"/);
    expect(checkApiVersion('backstage.io/v1-x')).toMatch(/the version after the "\/" is not valid/);
    expect(checkApiVersion(5)).toBe('must be a string');
  });
});

describe('kind', () => {
  it.each(['Component', 'API', 'a', 'Api2', `A${a(62)}`])('accepts %s', v => expect(isValidKind(v)).toBe(true));
  it.each(['', '9abc', 'Foo-Bar', 'Foo_Bar', `A${a(63)}`, 'Ä'])('rejects %s', v => expect(isValidKind(v)).toBe(false));
  it('names the rule', () => expect(checkKind('9')).toBe('must match ^[a-zA-Z][a-z0-9A-Z]*$ and be at most 63 characters'));
});

describe('entity names (object names)', () => {
  it.each(['a', 'payments-api', 'A_b.C-d', 'a..b', '0', a(63)])('accepts %s', v => {
    expect(isValidEntityName(v)).toBe(true);
    expect(isValidObjectName(v)).toBe(true);
  });
  it.each(['', 'a b', '-a', 'a-', '_a', 'a_', '.a', 'é', 'a/b', 'a:b', a(64), 5, null])('rejects %s', v =>
    expect(isValidEntityName(v)).toBe(false),
  );
  it('names the rule exactly', () =>
    expect(checkEntityName('invalid component')).toBe(
      'must match ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$ and be at most 63 characters',
    ));
});

describe('namespace', () => {
  it.each(['default', 'team-a', 'a--b', a(63)])('accepts %s', v => expect(isValidNamespace(v)).toBe(true));
  it.each(['', 'Default', 'a-', 'a.b', 'a_b', a(64), null])('rejects %s', v => expect(isValidNamespace(v)).toBe(false));
  it('names the rule', () => expect(checkNamespace('X')).toBe('must match ^[a-z0-9]+(?:-+[a-z0-9]+)*$ and be at most 63 characters'));
});

describe('label and annotation keys', () => {
  it.each(['tier', 'backstage.io/custom', 'a.b_c', 'example.com/X', `example.com/${a(63)}`])('accepts %s', v => {
    expect(isValidLabelKey(v)).toBe(true);
    expect(isValidAnnotationKey(v)).toBe(true);
  });
  it.each(['', 'a b', 'Example.com/x', 'a/b/c', '/a', 'a/', '-a', a(64), 'x_y.io/z'])('rejects %s', v => {
    expect(isValidLabelKey(v)).toBe(false);
    expect(isValidAnnotationKey(v)).toBe(false);
  });
  it('says which part fails', () => {
    expect(checkLabelKey('Example.com/x')).toMatch(/the prefix is not a DNS subdomain/);
    expect(checkAnnotationKey('example.com/-x')).toMatch(/the name after the "\/" is not valid/);
  });
});

describe('label values', () => {
  it.each(['', 'a', 'A.b-C_d', a(63)])('accepts %j', v => expect(isValidLabelValue(v)).toBe(true));
  it.each(['a b', '-a', a(64), 5, null, true])('rejects %j', v => expect(isValidLabelValue(v)).toBe(false));
  it('names the rule', () => expect(checkLabelValue('a b')).toMatch(/^must be empty or match \^/));
});

describe('annotation values', () => {
  it.each(['', 'anything: ${{ x }}', 'dir:.'])('accepts %j', v => expect(isValidAnnotationValue(v)).toBe(true));
  it.each([5, true, null, {}, []])('rejects %j', v => expect(isValidAnnotationValue(v)).toBe(false));
});

describe('tags', () => {
  it.each(['java', 'c++', 'c#', 'a:b', 'a-b', '0', a(63)])('accepts %s', v => expect(isValidTag(v)).toBe(true));
  it.each(['', 'Java', 'a_b', 'a--b', '-a', 'a-', 'go 1.15', a(64), 5])('rejects %s', v => expect(isValidTag(v)).toBe(false));
  it('names the rule', () => expect(checkTag('Java')).toBe('must match ^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$ and be at most 63 characters'));
});

describe('urls and non-empty strings', () => {
  it.each(['https://example.com', 'mailto:a@b.c', 'http://localhost:3000/x?y#z'])('accepts url %s', v => expect(isValidUrl(v)).toBe(true));
  it.each(['', 'example.com', 'https://', '/relative', 5])('rejects url %s', v => expect(isValidUrl(v)).toBe(false));
  it('treats blank strings as empty', () => {
    expect(isNonEmptyString(' x ')).toBe(true);
    expect(isNonEmptyString(' \t')).toBe(false);
    expect(isNonEmptyString(5)).toBe(false);
  });
});

describe('entity links', () => {
  it('accepts a link with optional fields and extras', () => {
    expect(checkEntityLink({ url: 'https://x.example', title: 'Docs', icon: 'docs', type: 'runbook', extra: 1 })).toEqual([]);
    expect(checkEntityLink({ url: 'https://x.example', type: ' ' })).toEqual([]);
  });
  it('reports every problem of a link', () => {
    expect(checkEntityLink({ title: ' ', icon: 5, type: '' })).toEqual([
      { path: '/url', detail: 'is required', rule: 'required' },
      { path: '/title', detail: 'must not be blank', rule: 'non-empty' },
      { path: '/icon', detail: 'must be a string', rule: 'type' },
      { path: '/type', detail: 'must not be empty', rule: 'non-empty' },
    ]);
    expect(checkEntityLink({ url: 'nope' })).toEqual([{ path: '/url', detail: 'must be an absolute URL, e.g. https://example.com', rule: 'url' }]);
    expect(checkEntityLink({ url: 5 })).toEqual([{ path: '/url', detail: 'must be a string', rule: 'type' }]);
    expect(checkEntityLink({ url: 'https://x.example', title: null })).toEqual([{ path: '/title', detail: 'must be a string', rule: 'type' }]);
  });
  it.each(['x', null, [], 5])('rejects a non-object link %j', v =>
    expect(checkEntityLink(v)).toEqual([{ path: '', detail: 'must be an object with a url', rule: 'type' }]),
  );
});
