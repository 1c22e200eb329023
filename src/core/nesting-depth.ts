/**
 * How deeply input may nest. Recursive code (validation, serialization, relation walks) must never meet
 * data deep enough to overflow the stack, so every door checks depth before that code runs: JSON bodies
 * (api/server.ts), YAML documents and placeholders (catalog/ingest). Real entities, templates and
 * requests stay far below this; an attacker's `[[[[…]]]]` does not.
 */
export const MAX_NESTING_DEPTH = 64;

/**
 * The nesting depth of JSON text (objects and arrays), found by scanning it once without parsing, so a
 * deep body is refused before the parser or anything recursive sees it. Stops counting past `limit`.
 * @example jsonTextDepth('{"a":[1,{"b":2}]}', MAX_NESTING_DEPTH) // 3
 */
export function jsonTextDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return max;
}

/**
 * The nesting depth of a parsed value (objects and arrays count; scalars are 0), walked without
 * recursion. Stops counting past `limit`, so a value that refers to itself (YAML aliases can) ends too.
 * @example valueDepth({ a: [1, { b: 2 }] }, MAX_NESTING_DEPTH) // 3
 */
export function valueDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const here = depth + 1;
    if (here > max) {
      max = here;
      if (max > limit) return max;
    }
    for (const child of Array.isArray(node) ? node : Object.values(node as Record<string, unknown>)) stack.push([child, here]);
  }
  return max;
}
