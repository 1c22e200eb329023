import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import type { CatalogConfig } from './catalog-config.js';
import { defaultKindRegistry, type KindRegistry } from './model/index.js';

/** Pave's version, read once: a new Pave may parse, validate or annotate differently. */
let paveVersion: string | undefined;

/**
 * What a file's reading depends on besides its bytes: Pave's version, the catalog settings (limits, roots)
 * and the kinds and apiVersions validated. A file skipped as unchanged (`location-files.ts`) is skipped only
 * under the fingerprint it was read under, so an upgrade or a stricter setting reaches every file.
 * @example ingestionFingerprint(config.catalog) // 'a3f…'
 */
export function ingestionFingerprint(config: CatalogConfig, kinds: KindRegistry = defaultKindRegistry): string {
  paveVersion ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  const validated = kinds.list().map(policy => [policy.kind, [...policy.apiVersions]]);
  return createHash('sha256').update(JSON.stringify([paveVersion, config, validated])).digest('hex');
}
