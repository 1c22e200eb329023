import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseYamlDocuments, plainYamlDocuments, type PlainYamlDocument } from './yaml-documents.js';

/**
 * The fast path (`plainYamlDocuments`, js-yaml where it gives yaml's values) against yaml alone (`parseYamlDocuments`)
 * on corner texts and seeded random mutations of them: same values, same problems, same document indexes.
 */
const limits = { maxDocumentBytes: 1 << 20 };
const byYaml = (text: string): PlainYamlDocument[] => [...parseYamlDocuments(text, 'file:x.yaml', limits)].map(p => ('document' in p ? { index: p.document.index, value: p.document.value } : p));
const byFastPath = (text: string): PlainYamlDocument[] => plainYamlDocuments(text, 'file:x.yaml', limits);

const ENTITY = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  annotations:\n    x: "y"\nspec:\n  type: service\n  owner: team\n';
const FLOW_ENTITY = '{apiVersion: backstage.io/v1alpha1, kind: Component, metadata: {name: x}, spec: {type: service, owner: o}}';
const CORNERS = [
  ENTITY,
  'a: |\n  line1\n\n  line2\n\nb: >\n  folded\n  text\n\n  more\nc: |-\n  x\nd: >+\n  y\n\n',
  'a: "esc \\t \\n \\x41 \\u263A \\U0001F600 \\/ \\N \\_ \\L \\P \\0 \\a \\e \\ "\nb: \'it\'\'s\'\n',
  'a: plain\n  continued\n\n  after blank\nb: - not a seq\n',
  '- a\n- - b\n  - c\n- {x: 1, y: [2, 3]}\n- ? complex\n  : v\n',
  'a: 1 # comment\nb: "x"#c\nc: x#y\n',
  '{a: 1, b: [x, y], "c": d, e}\n',
  '[a: 1, b, {c: d}]\n',
  'key:    value with   spaces   \nk2: \t tab\n',
  'a:\n  b:\n    c:\n      d: [1, 2.5, -3, +4, .5, 1e3, 0x1F, 0o17, .inf, -.Inf, .NaN, null, ~, true, False]\n',
  '"quoted key": 1\n\'single\': 2\n? explicit\n: value\n',
  'x: "multi\n  line\n\n  dq"\ny: \'multi\n  line sq\'\n',
  'text: >\n  a\n    indented\n  b\n',
  'lit: |2\n    two extra\n  base\n',
  '\uFEFFa: 1\n',
  'a: 1\n---\nb: 2\n...\n---\nc: 3\n',
  '--- a: 1\n',
  '--- |\n  text\n',
  'a:\n- 1\n- 2\nb: c\n',
  'a: b: c\n',
  'a: [1,2,]\n',
  'emoji: 😀\nctl: "\\x7f"\n',
  'url: http://example.com:8080/a?b=c&d=e#f\ntime: 12:30:45\n',
  'a: 2001-12-14\nb: 1_000\nc: 0b101\nd: 1:20\ne: 0.1e+5\nf: 1.\ng: -.5\nh: +.inf\n',
  'a:\t1\n',
  'a: \'\'\nb: ""\nc:\n',
  '- a: 1\n  b: 2\n-   c: 3\n    d: 4\n',
  'k: &a v\n',
  'a: b\n...\nc: d\n',
  '#c\n---\na: 1\n',
  // Each of these was read differently by the two before the fast path left them to yaml.
  ENTITY.replace(/\n/g, '\r\r\n'),
  ENTITY.replace(/\n/g, '\r'),
  `${ENTITY}  description: last line\r`,
  'a: 1\r\r\n',
  `... ${FLOW_ENTITY}\n`,
  `\t${FLOW_ENTITY}\n`,
  `--- \t${FLOW_ENTITY}\n`,
  '\tplain\n',
  '\t |\n  text\n',
  '\uFEFF\t0o_ x"',
  '&a:&{c,}\n',
  ' |2\n  x\n  base\n',
  '\n\uFEFFa: 1\n',
  '\r\n\uFEFF',
  'a: 1\n---\n\uFEFFkind: Component\n',
  'key: &a value: x\n',
  ' --- |\n>  text\n',
  ' ---\r\n- a\r\n- b',
];
/** What the mutations insert or overwrite: YAML's indicators, line breaks and the characters the two disagreed on. */
const PIECES = [' ', '\n', '\t', ':', '-', '?', '#', '"', "'", '|', '>', '[', ']', '{', '}', ',', '&', '*', '!', '%', '@', '`', '\\', '.', '0', '1', 'e', 'x', '  ', '\n  ', '\n- ', ': ', '---', '...', '\r', '\r\n', '\u00a0', '\u0085', '\u2028', '\uFEFF', 'true', 'null', '~', '0x', '+', '|2', '>1-'];

/** A deterministic pseudo-random source (a linear congruential generator): the same mutations on every run. */
function seeded(seed: number): (below: number) => number {
  let state = seed;
  return below => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % below;
  };
}

function mutate(text: string, random: (below: number) => number): string {
  for (let edits = 1 + random(3); edits > 0; edits--) {
    const at = random(text.length + 1);
    const piece = PIECES[random(PIECES.length)]!;
    const op = random(3);
    if (op === 0) text = text.slice(0, at) + piece + text.slice(at);
    else if (op === 1) text = text.slice(0, at) + text.slice(at + 1 + random(3));
    else text = text.slice(0, at) + piece + text.slice(at + piece.length);
  }
  return text;
}

describe('plainYamlDocuments against yaml', () => {
  it.each(CORNERS.flatMap(text => [text, text.replace(/\r?\n/g, '\r\n')]).map(text => [JSON.stringify(text).slice(0, 60), text]))(
    'reads %s as yaml does',
    (_name, text) => {
      expect(byFastPath(text)).toStrictEqual(byYaml(text));
    },
  );

  it('reads seeded random mutations of those texts, with LF and CR LF line ends, as yaml does', () => {
    const random = seeded(13);
    const pool = CORNERS.flatMap(text => [text, text.replace(/\r?\n/g, '\r\n')]);
    const differing: string[] = [];
    for (let i = 0; i < 2500; i++) {
      const text = mutate(pool[random(pool.length)]!, random);
      // Mutations of mutations reach further from the corners.
      if (i % 5 === 0) pool.push(text);
      if (!isDeepStrictEqual(byFastPath(text), byYaml(text))) differing.push(text);
    }
    expect(differing).toEqual([]);
  });
});
