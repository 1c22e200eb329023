import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../core/logger.js';
import type { ChangeAuthor } from '../store/audit-log.js';
import { isPaveError } from '../core/problem.js';
import { ensureBareRepository } from '../git/bare-repository.js';
import { isObject } from '../core/is-object.js';
import type { PlatformService } from './platform-service.js';
import { readDocuments } from './document-files.js';

/**
 * Loads the demo platform (`demo/platform/`): its destinations, whose `{dataDir}` URLs become local bare
 * repositories created under the data folder on first start, its capabilities, published in the
 * order their `requires` need, and teams' bindings of them (`bindings/`). Loading again changes nothing; a demo
 * capability edited without a new version, or a binding whose team is not in the catalog, is reported and
 * skipped. The changes are audited as `author`'s (whoever starts Pave with the demo).
 * @example await loadPlatformDemo(app.platform, { demoDir: 'demo/platform', dataDir: '.pave', author: { actor: app.auth.localOperator() } });
 */
export async function loadPlatformDemo(
  platform: PlatformService,
  options: { demoDir: string; dataDir: string; author: ChangeAuthor; logger?: Logger },
): Promise<{ capabilities: number; destinations: number; bindings: number }> {
  const dataDir = resolve(options.dataDir);
  let destinations = 0;
  for (const document of await readDocuments(join(options.demoDir, 'destinations.yaml'))) {
    if (!isObject(document) || !isObject(document.spec) || !isObject(document.spec.git) || typeof document.spec.git.url !== 'string') continue;
    const git = document.spec.git as { url: string; branch?: string };
    if (git.url.includes('{dataDir}')) git.url = await ensureBareRepository(git.url.replace('{dataDir}', dataDir), git.branch ?? 'main');
    await platform.applyDestination(document, options.author);
    destinations++;
  }

  const pending = await documentsIn(join(options.demoDir, 'capabilities'));
  let capabilities = 0;
  // Publish those whose requirements are met first; stop when a pass makes no progress.
  while (pending.length) {
    const published = new Set((await platform.listCapabilities()).map(c => c.name));
    const ready = pending.filter(({ document }) => requirementsOf(document).every(name => published.has(name)));
    const batch = ready.length ? ready : pending.slice();
    for (const item of batch) {
      pending.splice(pending.indexOf(item), 1);
      try {
        await platform.publishCapability(item.document, options.author);
        capabilities++;
      } catch (error) {
        if (!isPaveError(error)) throw error;
        options.logger?.warn({ file: item.file, problem: error.problem }, `demo capability ${item.file} was not published: ${error.message}`);
      }
    }
  }
  let bindings = 0;
  for (const item of await documentsIn(join(options.demoDir, 'bindings'))) {
    try {
      await platform.bindings.apply(item.document, options.author);
      bindings++;
    } catch (error) {
      if (!isPaveError(error)) throw error;
      options.logger?.warn({ file: item.file, problem: error.problem }, `demo binding ${item.file} was not applied: ${error.message}`);
    }
  }
  options.logger?.info({ capabilities, destinations, bindings }, 'demo platform loaded');
  return { capabilities, destinations, bindings };
}

/** The YAML documents of a folder's files, in file-name order (none when the folder does not exist). */
async function documentsIn(folder: string): Promise<Array<{ file: string; document: Record<string, unknown> }>> {
  const files = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const found: Array<{ file: string; document: Record<string, unknown> }> = [];
  for (const file of files.filter(f => /\.ya?ml$/.test(f)).sort()) {
    for (const document of await readDocuments(join(folder, file))) if (isObject(document)) found.push({ file, document });
  }
  return found;
}

function requirementsOf(document: Record<string, unknown>): string[] {
  const requires = isObject(document.spec) && Array.isArray(document.spec.requires) ? document.spec.requires : [];
  return requires.flatMap(r => (isObject(r) && typeof r.name === 'string' ? [r.name] : []));
}
