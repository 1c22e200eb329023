import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding Pave's package.json, found from this file whether it runs from src/ (tests, tsx)
 * or from dist/ (built), so bundled assets (portal, demo) are found either way.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Pave package root not found');
    dir = parent;
  }
  return dir;
}
