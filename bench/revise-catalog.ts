/**
 * Changes a generated catalog's files in place so that a refresh of its location really writes: every entity of a
 * changed file gets a new `metadata.description` (its old one with ` Revision <n>.` added), so its stored JSON, etag,
 * search rows and search document all change. The generator writes each entity's description as one plain line at
 * the document's top level (`  description: …` under `metadata:`); nothing else in a file is at that indent with that key.
 * @example const changed = await reviseCatalog(catalog, { revision: 2, share: 1 }); // then refresh the location
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { GeneratedCatalog } from './generate-catalog.js';

const DESCRIPTION_LINE = /^ {2}description: (.*)$/gm;

export interface Revision {
  /** Files rewritten. */
  files: number;
  /** Entities whose description changed. */
  entities: number;
}

/** Rewrites `share` (0–1) of the catalog's data files, spread evenly over them. */
export async function reviseCatalog(catalog: Pick<GeneratedCatalog, 'files'>, options: { revision: number; share: number }): Promise<Revision> {
  const chosen = catalog.files.filter((_, i) => Math.floor(i * options.share) !== Math.floor((i + 1) * options.share));
  let entities = 0;
  for (const file of chosen) {
    const text = await readFile(file, 'utf8');
    const revised = text.replace(DESCRIPTION_LINE, (_, value: string) => {
      entities++;
      // The generator quotes a description only when plain YAML would misread it; none of its sentences needs that.
      const description = value.startsWith('"') ? (JSON.parse(value) as string) : value;
      return `  description: ${JSON.stringify(`${description} Revision ${options.revision}.`)}`;
    });
    await writeFile(file, revised);
  }
  return { files: chosen.length, entities };
}
