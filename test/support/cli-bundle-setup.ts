/**
 * Vitest global set-up: bundles the `pave` command once per run, as `npm run build` does, so the tests that
 * start it as a process run what users run (and each start costs a bundle's load, not tsx compiling Pave's
 * sources). Each run bundles into its own folder inside the package, where the bundle's few external packages
 * resolve from node_modules, and removes it at the end.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleCli } from '../../scripts/bundle-cli.js';
import { packageRoot } from '../../src/core/package-root.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The bundled CLI's entry script (see test/support/pave-cli.ts). */
    paveCli: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const parent = join(packageRoot(), 'test-output');
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, 'cli-'));
  await bundleCli(dir);
  project.provide('paveCli', join(dir, 'main.js'));
  return () => rm(dir, { recursive: true, force: true });
}
