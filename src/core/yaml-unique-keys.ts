import { Composer, YAMLParseError, parseAllDocuments, isCollection, isMap, isPair, isScalar, type CST, type Document, type Scalar, type YAMLError } from 'yaml';

/**
 * Most key comparisons yaml's own check may make for a text before it is left to the linear walk: below this, the
 * documents are composed again with `uniqueKeys: true` (~10 ms at most) so that their errors come in yaml's exact
 * order; above it, yaml would compare each key with every earlier key of its map (60k keys: minutes of CPU).
 */
const MAX_YAML_COMPARISONS = 200_000;

/**
 * The documents `new Composer({ uniqueKeys: true }).compose(tokens)` gives, in linear time: yaml checks each key
 * against every earlier key of its map (quadratic), so this composes with `uniqueKeys: false` and finds duplicate
 * keys with one Set per map. Keys compare as yaml's default check compares them: scalars by `===` of their values
 * (`1` and `1.0` are the same key, `.nan` never is; `~`, `null` and an empty key are all null), any other key (a
 * collection, an alias) only to itself, so never. Where a document has duplicates and few keys, it is composed again
 * by yaml itself, giving its errors in yaml's order; a bigger one gets a DUPLICATE_KEY error at each repeated key,
 * merged with its other errors by position (as yaml's, fuzzed; but a repeated empty key can be placed up to a line before).
 * @example const docs = composeWithUniqueKeys([...new Parser().parse('a: 1\na: 2\n')]); // docs[0].errors[0].code === 'DUPLICATE_KEY'
 */
export function composeWithUniqueKeys(tokens: CST.Token[], options: { keepSourceTokens?: boolean } = {}): Document.Parsed[] {
  return withUniqueKeys(
    [...new Composer({ ...options, uniqueKeys: false }).compose(tokens)] as Document.Parsed[],
    () => [...new Composer({ ...options, uniqueKeys: true }).compose(tokens)] as Document.Parsed[],
  );
}

/**
 * What yaml's `parseAllDocuments(text)` gives (its errors' messages name line and column), in linear time as
 * `composeWithUniqueKeys` does; an empty array where yaml gives its empty stream.
 * @example const documents = parseAllDocumentsWithUniqueKeys(text); // documents[0].errors, documents[0].toJS()
 */
export function parseAllDocumentsWithUniqueKeys(text: string): Document.Parsed[] {
  return withUniqueKeys(parseAllDocuments(text, { uniqueKeys: false }) as Document.Parsed[], () => parseAllDocuments(text) as Document.Parsed[]);
}

/** Documents composed without yaml's duplicate-key check, with its errors added: by yaml again when that is cheap. */
function withUniqueKeys(docs: Document.Parsed[], byYaml: () => Document.Parsed[]): Document.Parsed[] {
  const found = docs.map(duplicateKeys);
  if (found.every(({ repeats }) => repeats.length === 0)) return [...docs];
  if (found.reduce((sum, { comparisons }) => sum + comparisons, 0) <= MAX_YAML_COMPARISONS) return [...byYaml()];
  for (const [i, doc] of docs.entries()) {
    if (found[i]!.repeats.length) doc.errors = withRepeats(doc.errors, found[i]!.repeats);
  }
  return [...docs];
}

/**
 * A repeated key: its offset, and where yaml's composing stands when it reports it, for the order of errors: right
 * after the key in a block mapping, after the key's value in a flow mapping.
 */
interface Repeat {
  offset: number;
  reportedAt: number;
  flow: boolean;
}

/** Where a document repeats a key of the same map, and how many comparisons yaml's check makes. */
function duplicateKeys(doc: Document.Parsed): { repeats: Repeat[]; comparisons: number } {
  const repeats: Repeat[] = [];
  let comparisons = 0;
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isPair(node)) {
      stack.push(node.value, node.key);
      continue;
    }
    if (!isCollection(node)) continue;
    if (isMap(node)) {
      comparisons += (node.items.length * (node.items.length - 1)) / 2;
      const seen = new Set<unknown>();
      let previous: unknown;
      for (const { key, value } of node.items) {
        const before = previous;
        previous = value;
        if (!isScalar(key)) continue;
        // A Set finds NaN again; `===`, which yaml compares with, never does.
        if (typeof key.value === 'number' && Number.isNaN(key.value)) continue;
        if (seen.has(key.value)) {
          const offset = node.flow ? keyOffset(key) : blockKeyOffset(key, before);
          const reportedAt = node.flow ? ((value as { range?: number[] } | null)?.range?.[1] ?? key.range?.[1] ?? offset) : offset;
          repeats.push({ offset, reportedAt, flow: !!node.flow });
        }
        else seen.add(key.value);
      }
    }
    for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
  }
  return { repeats: repeats.sort((a, b) => a.reportedAt - b.reportedAt), comparisons };
}

/** What yaml reports at a key's own offset after checking it for a repeat (a missing `:`, a key too long). */
const AFTER_KEY_CHECK = new Set(['MISSING_CHAR', 'KEY_OVER_1024_CHARS']);

const keyOffset = (key: Scalar): number => key.range?.[0] ?? 0;

/**
 * Where yaml reports a repeated key of a block mapping: at the key, but for a plain key after an empty value, where
 * yaml reports it at the end of that value, on the line before (what yaml does, kept so problems stay its own).
 */
function blockKeyOffset(key: Scalar, before: unknown): number {
  const emptyBefore = isScalar(before) && before.range && before.range[0] === before.range[1] && before.range[2] < keyOffset(key);
  return emptyBefore && key.anchor === undefined && key.tag === undefined ? before.range![2] : keyOffset(key);
}

/** A document's errors with a DUPLICATE_KEY error for each repeat, where yaml would have emitted it among them. */
function withRepeats(errors: YAMLError[], repeats: Repeat[]): YAMLError[] {
  const merged: YAMLError[] = [];
  let j = 0;
  const add = () => {
    const { offset } = repeats[j++]!;
    merged.push(new YAMLParseError([offset, offset + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
  };
  for (const error of errors) {
    const at = error.pos[0];
    while (j < repeats.length && (repeats[j]!.reportedAt < at || (repeats[j]!.reportedAt === at && (repeats[j]!.flow || AFTER_KEY_CHECK.has(error.code))))) add();
    merged.push(error);
  }
  while (j < repeats.length) add();
  return merged;
}
