import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { plainCopy } from './plain-copy.js';

describe('plainCopy', () => {
  it('copies plain data deeply, keys in order, as structuredClone does', () => {
    const value = { b: 1, a: [1, 'two', null, true, { c: -0, d: Number.NaN }], 2: 'x', '': { 'ünï/cødé~': '✓' } };
    const copy = plainCopy(value);
    expect(copy).toStrictEqual(structuredClone(value));
    expect(Object.keys(copy)).toEqual(Object.keys(value));
    expect(Object.is(copy.a[4] as { c: number }, value.a[4])).toBe(false);
    expect(Object.is((copy.a[4] as { c: number }).c, -0)).toBe(true);
  });

  it('keeps objects a YAML alias shares shared, and cycles cycles', () => {
    const value = parse('base: &b { x: [1] }\none: *b\ntwo: *b\n') as { base: object; one: object; two: object };
    const copy = plainCopy(value);
    expect(copy.one).toBe(copy.two);
    expect(copy.one).not.toBe(value.one);
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    const cycleCopy = plainCopy(cyclic);
    expect(cycleCopy.self).toBe(cycleCopy);
  });

  it('keeps an own __proto__ key a key, not the prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const copy = plainCopy(value);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ polluted: true });
    expect(copy).toStrictEqual(structuredClone(value));
  });

  it('leaves what is not plain data to structuredClone: its copies and its errors', () => {
    const dated = { at: new Date(0), list: [1, , 3] };
    expect(plainCopy(dated)).toStrictEqual(structuredClone(dated));
    expect(plainCopy(dated).at).toBeInstanceOf(Date);
    expect(2 in plainCopy({ list: [1, , 3] }).list).toBe(true);
    expect(1 in plainCopy({ list: [1, , 3] }).list).toBe(false);
    expect(() => plainCopy({ a: { f: () => 1 } })).toThrow(/could not be cloned/);
    expect(() => plainCopy({ a: [Symbol('s')] })).toThrow(/could not be cloned/);
  });

  it('copies primitives as they are', () => {
    expect(plainCopy('text')).toBe('text');
    expect(plainCopy(null)).toBe(null);
    expect(plainCopy(10n)).toBe(10n);
  });
});
