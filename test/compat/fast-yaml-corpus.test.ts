/**
 * The fast YAML parser against yaml on real files: every file of the real-world corpus and every file of the
 * catalog benchmark's generated catalog, read as the parse worker reads them (`plainYamlDocuments`: js-yaml where it
 * gives yaml's values, else yaml) and by yaml alone, must give the same documents, values, indexes and problems; the
 * generated catalog's API definitions (read for their search terms) the same values too.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENTITIES_PER_FILE, buildCatalog, toYaml } from '../../bench/generate-catalog.js';
import { parseYamlDocuments, plainYamlDocuments, type PlainYamlDocument } from '../../src/catalog/ingest/yaml-documents.js';
import { fastYamlValues } from '../../src/core/yaml-fast-values.js';
import { realWorldDir } from '../support/real-world.js';

const LIMITS = { maxDocumentBytes: 1 << 20 };

/** What yaml alone reads from a file, as plain data. */
function byYamlAlone(text: string, source: string): PlainYamlDocument[] {
  return [...parseYamlDocuments(text, source, LIMITS)].map(parsed => ('errors' in parsed ? parsed : { index: parsed.document.index, value: parsed.document.value }));
}

/** JSON that tells -0, NaN and the infinities apart. */
const exactJson = (value: unknown) => JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' && (!Number.isFinite(item) || Object.is(item, -0)) ? `number:${Object.is(item, -0) ? '-0' : item}` : item));

/** The API definitions written in documents (`spec.definition` as text). */
function definitionsOf(documents: PlainYamlDocument[]): string[] {
  return documents.flatMap(doc => {
    const definition = 'value' in doc ? (doc.value as { spec?: { definition?: unknown } } | null)?.spec?.definition : undefined;
    return typeof definition === 'string' ? [definition] : [];
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const corpus = ['catalog', 'templates'].map(part => realWorldDir(part as 'catalog' | 'templates'));

describe.skipIf(corpus.some(dir => !dir))('the fast YAML parser on the real-world corpus', () => {
  const files = corpus.flatMap(dir => filesUnder(dir!)).filter(file => /\.ya?ml$/.test(file)).sort();

  it('reads every file as yaml does, documents, indexes and problems alike', () => {
    let fastDocuments = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(plainYamlDocuments(text, file, LIMITS), file).toStrictEqual(byYamlAlone(text, file));
      fastDocuments += text.split(/^---/m).filter(chunk => fastYamlValues(chunk, 64)?.length === 1).length;
      for (const definition of definitionsOf(plainYamlDocuments(text, file, LIMITS))) {
        const fast = fastYamlValues(definition, 64);
        if (fast?.length !== 1) continue;
        expect(exactJson(fast[0]), file).toBe(exactJson(parse(definition, { maxAliasCount: 100 })));
      }
    }
    expect(files.length).toBeGreaterThan(60);
    // Most real files take the fast path, so the comparison above holds it, not only yaml against itself.
    expect(fastDocuments).toBeGreaterThan(100);
  });
});

describe('the fast YAML parser on the catalog benchmark', () => {
  it('reads every file of the generated 15.7k catalog and its API definitions as yaml does, and every document the fast way', () => {
    const { entities } = buildCatalog(15_700, 20_240_601);
    for (let i = 0; i < entities.length; i += ENTITIES_PER_FILE) {
      const text = entities.slice(i, i + ENTITIES_PER_FILE).map(doc => toYaml(doc)).join('---\n');
      const plain = plainYamlDocuments(text, `entities-${i}.yaml`, LIMITS);
      // As text (numbers yaml cannot write in JSON spelled out): a deep comparison of 15.7k entities takes seconds.
      expect(exactJson(plain)).toBe(exactJson(byYamlAlone(text, `entities-${i}.yaml`)));
      // API definitions are read as YAML too (their search terms): the same value both ways.
      for (const definition of definitionsOf(plain)) expect(exactJson(fastYamlValues(definition, 64))).toBe(exactJson([parse(definition, { maxAliasCount: 100 })]));
      // The comparison holds the fast path: every document of a file takes it (checked on the first, to save time).
      if (i === 0) for (const chunk of text.split(/^---\n/m)) expect(fastYamlValues(chunk, 64)).toHaveLength(1);
    }
  });
});
