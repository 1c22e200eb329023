import { describe, expect, it } from 'vitest';
import { joinPointer, pointerSegment } from './problem.js';

describe('JSON pointers', () => {
  it('escapes ~ and / in a segment (RFC 6901), ~ first, and leaves other segments as they are', () => {
    expect(pointerSegment('a~/b/~1')).toBe('a~0~1b~1~01');
    expect(pointerSegment('backstage.io/techdocs-ref')).toBe('backstage.io~1techdocs-ref');
    expect(pointerSegment('ünï cødé')).toBe('ünï cødé');
    expect(pointerSegment(3)).toBe('3');
    expect(joinPointer('metadata', 'annotations', 'a/b', 0)).toBe('/metadata/annotations/a~1b/0');
    expect(joinPointer()).toBe('');
  });
});
