import { describe, expect, it } from 'vitest';
import { dependencyNames, findCycle, findReferences, resolveReferences } from './references.js';

describe('output references', () => {
  const spec = { host: '${requests.db.outputs.host}', url: 'postgres://${requests.db.outputs.host}:${requests.db.outputs.port}/app', list: [{ ns: '${requests.team-ns.outputs.namespace}' }], port: '${requests.db.outputs.port}' };

  it('finds each reference with the pointer of its string', () => {
    expect(findReferences(spec).map(r => `${r.pointer} ${r.request}.${r.key}`)).toEqual([
      '/spec/host db.host',
      '/spec/url db.host',
      '/spec/url db.port',
      '/spec/list/0/ns team-ns.namespace',
      '/spec/port db.port',
    ]);
    expect(dependencyNames(spec)).toEqual(['db', 'team-ns']);
  });

  it('keeps the JSON type of a whole reference and interpolates inside text', () => {
    const { value, missing } = resolveReferences(spec, { db: { host: 'db-rw', port: 5432 }, 'team-ns': { namespace: 'checkout' } });
    expect(missing).toEqual([]);
    expect(value).toEqual({ host: 'db-rw', url: 'postgres://db-rw:5432/app', list: [{ ns: 'checkout' }], port: 5432 });
  });

  it('reports references without a value and leaves them as written', () => {
    const { value, missing } = resolveReferences({ a: '${requests.db.outputs.nested.key}' }, { db: { nested: {} } });
    expect(value).toEqual({ a: '${requests.db.outputs.nested.key}' });
    expect(missing).toEqual([{ request: 'db', key: 'nested.key', pointer: '/spec/a' }]);
  });

  it('finds dependency cycles', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toBeUndefined();
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['x', ['x']]]))).toEqual(['x', 'x']);
  });
});
