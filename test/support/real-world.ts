import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireAll } from './require-all.js';

/**
 * A folder of the shared real-world corpus (Backstage catalog files and templates from public
 * repositories): `PAVE_REAL_WORLD_DIR`, else `shared/data/real-world` beside the checkout, else the
 * workplace's copy. Undefined when none exists (the suites then skip), unless PAVE_REQUIRE_ALL=1 (CI),
 * where a missing corpus fails the run.
 * @example const dir = realWorldDir('catalog');
 */
export function realWorldDir(part: 'catalog' | 'templates'): string | undefined {
  const candidates = [
    ...(process.env.PAVE_REAL_WORLD_DIR ? [join(process.env.PAVE_REAL_WORLD_DIR, part)] : []),
    fileURLToPath(new URL(`../../../shared/data/real-world/${part}`, import.meta.url)),
    `/work/shared/data/real-world/${part}`,
  ];
  const found = candidates.find(dir => existsSync(dir));
  if (!found && requireAll) throw new Error(`The real-world corpus is required (PAVE_REQUIRE_ALL=1) but none of ${candidates.join(', ')} exists; set PAVE_REAL_WORLD_DIR`);
  return found;
}
