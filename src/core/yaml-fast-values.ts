import { CORE_SCHEMA, EVENT_ID, NOT_RESOLVED, constructFromEvents, defineMappingTag, defineScalarTag, mapTag, parseEvents, type Event } from 'js-yaml';

/**
 * yaml's YAML 1.2 core schema for plain numbers (its `schema/core` int and float tags, tried in its order), so a plain
 * scalar becomes the very number yaml makes of it: js-yaml's own core tags leave a number too big for a double (`1e999`,
 * 400 digits) a string, where yaml gives Infinity.
 */
const intTag = defineScalarTag('tag:yaml.org,2002:int', {
  implicit: true,
  implicitFirstChars: ['-', '+', ...'0123456789'],
  resolve: source => {
    if (/^0o[0-7]+$/.test(source)) return parseInt(source.slice(2), 8);
    if (/^[-+]?[0-9]+$/.test(source)) return parseInt(source, 10);
    if (/^0x[0-9a-fA-F]+$/.test(source)) return parseInt(source.slice(2), 16);
    return NOT_RESOLVED;
  },
  identify: () => false,
});
const floatTag = defineScalarTag('tag:yaml.org,2002:float', {
  implicit: true,
  implicitFirstChars: ['-', '+', '.', ...'0123456789'],
  resolve: source => {
    if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(source)) {
      return source.slice(-3).toLowerCase() === 'nan' ? NaN : source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    }
    if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(source) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(source)) return parseFloat(source);
    return NOT_RESOLVED;
  },
  identify: () => false,
});
/**
 * Mappings as plain objects, refusing keys yaml writes otherwise: yaml makes a null key `''` (js-yaml `'null'`) and a
 * collection key its YAML text (js-yaml refuses those itself). Strings, numbers and booleans become `String(key)` in both.
 */
const mappingTag = defineMappingTag('tag:yaml.org,2002:map', {
  create: mapTag.create,
  addPair: (map, key, value) => (key === null ? 'a null key is left to yaml' : mapTag.addPair(map, key, value)),
  has: mapTag.has,
  keys: mapTag.keys,
  get: mapTag.get,
  identify: mapTag.identify,
});
const SCHEMA = CORE_SCHEMA.withTags(intTag, floatTag, mappingTag);

/** Below yaml's limit on an implicit key's length (1024 characters, KEY_OVER_1024_CHARS), with room for quotes and an anchor. */
const MAX_KEY_SPAN = 1000;

/**
 * Text the two parsers read apart, found by differential fuzzing against yaml and left to it wholesale (one scan,
 * cheap next to parsing): a CR not followed by LF (a line break to js-yaml, not to yaml 2.9); a tab in a line's
 * indentation or after `---` (yaml: TAB_AS_INDENT where js-yaml reads on); any `...` line (js-yaml reads content after
 * it); a BOM past the start (yaml skips it, js-yaml keeps it in a key); a block scalar header with an indentation
 * indicator (`|2`: the two count the indentation differently); any anchor (`&a:` is MISSING_CHAR in yaml, `a: &x b: c`
 * BLOCK_AS_IMPLICIT_KEY; js-yaml reads both); an indented `---` or `...` (js-yaml may take it for a marker). Each also
 * matches harmless text (`node >18`, `R &D`), which yaml then reads.
 */
const READ_APART = /\r(?!\n)|(?:^\uFEFF?|\n)[ \t]*\t|(?:^|\n)---[ \t]*\t|(?:^|\n)\.\.\.(?=[ \t\r\n]|$)|(?!^)\uFEFF|(?:^|[ \t\n\uFEFF])[|>][-+]?[0-9]|(?:^|[ \t\n\uFEFF[{,])&[^ \t\r\n,[\]{}]|(?:^\uFEFF?|\n)[ \t]+(?:---|\.\.\.)(?=[ \t\r\n]|$)/;

/**
 * The values of a YAML text's documents exactly as the `yaml` package's `parseAllDocuments(text, { uniqueKeys: true })`
 * and `toJS` give them when it finds no error, made by js-yaml (about three times faster: no CST, no document nodes),
 * or undefined wherever the two could differ or yaml would report a mistake; the caller then parses with yaml, which
 * also gives every node's line and the words of a mistake. Undefined for: anything js-yaml refuses (a syntax error, a
 * duplicate key, nesting past `maxDepth`), any tag or directive (`%YAML 1.1` changes what `yes` means), any alias
 * (yaml's limits on their expansion stay yaml's), a null key, an implicit key near yaml's length limit, and any text
 * `READ_APART` matches.
 * @example fastYamlValues('a: 1\n', 64) // [{ a: 1 }]
 */
export function fastYamlValues(text: string, maxDepth: number): unknown[] | undefined {
  if (READ_APART.test(text)) return undefined;
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth });
  } catch {
    return undefined;
  }
  if (!onlyPlainData(events)) return undefined;
  try {
    return constructFromEvents(events, { source: text, schema: SCHEMA, maxAliases: 0 });
  } catch {
    return undefined;
  }
}

/** Whether the events hold no directive, tag or alias, and no implicit key as long as yaml's limit. */
function onlyPlainData(events: Event[]): boolean {
  // Per open document or collection: -1 but for a mapping, where it counts the keys and values seen so far.
  const open: number[] = [];
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (event.directives.length) return false;
        open.push(-1);
        continue;
      case EVENT_ID.ALIAS:
        return false;
      case EVENT_ID.POP:
        open.pop();
        continue;
    }
    if (event.tagStart !== -1) return false;
    const at = open.length - 1;
    if (at >= 0 && open[at]! >= 0) {
      if (open[at]! % 2 === 0 && event.type === EVENT_ID.SCALAR && event.valueEnd - (event.anchorStart !== -1 ? event.anchorStart : event.valueStart) > MAX_KEY_SPAN) return false;
      open[at]!++;
    }
    if (event.type === EVENT_ID.MAPPING) open.push(0);
    else if (event.type === EVENT_ID.SEQUENCE) open.push(-1);
  }
  return true;
}
