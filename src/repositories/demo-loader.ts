import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Logger } from '../core/logger.js';
import { ensureBareRepository } from '../git/bare-repository.js';
import type { RepositoryService } from './repository-service.js';

/** The folder (owner) the demo's repositories are hosted in: the organisation's Group. */
export const DEMO_REPOSITORY_OWNER = 'larkspur';
const CATALOG_FILE = 'catalog-info.yaml';
const SOURCE_LOCATION = 'backstage.io/source-location';

/**
 * The demo's hosted repositories (`demo/repositories/<name>/`): each folder becomes, once, the repository
 * `larkspur/<name>` with one commit of its files (its catalog file's entities pointed at the repository's page
 * with `backstage.io/source-location`, as `publish:git` does), and its catalog file is registered as a location
 * with `register` (the catalog's, which refreshes a location registered already). Loading again creates nothing.
 * Returns the repositories' names.
 * @example await loadRepositoriesDemo(repositories, registerOrRefresh, { demoDir: 'demo/repositories' });
 */
export async function loadRepositoriesDemo(
  repositories: RepositoryService,
  register: (target: string) => Promise<{ errors: readonly unknown[] }>,
  options: { demoDir: string; logger?: Logger },
): Promise<string[]> {
  const names = (await readdir(options.demoDir, { withFileTypes: true })).filter(entry => entry.isDirectory()).map(entry => entry.name).sort();
  for (const name of names) {
    const folder = join(options.demoDir, name);
    const files: Record<string, string> = {};
    for (const file of (await readdir(folder, { withFileTypes: true })).filter(entry => entry.isFile())) files[file.name] = await readFile(join(folder, file.name), 'utf8');
    const page = repositories.urls({ owner: DEMO_REPOSITORY_OWNER, repo: name }).page;
    if (files[CATALOG_FILE]) files[CATALOG_FILE] = withSourceLocation(files[CATALOG_FILE], `url:${page}/`);
    const url = await ensureBareRepository(join(repositories.root, DEMO_REPOSITORY_OWNER, `${name}.git`), 'main', files);
    if (!files[CATALOG_FILE]) continue;
    const { errors } = await register(`${url}#main:${CATALOG_FILE}`);
    if (errors.length) options.logger?.warn({ repository: name, errors }, `demo repository ${name}: its catalog file was not all loaded`);
  }
  options.logger?.info({ repositories: names.length }, 'demo repositories loaded');
  return names;
}

/** The catalog file with every entity's source location set to `location`. */
function withSourceLocation(text: string, location: string): string {
  return parseAllDocuments(text)
    .map(document => {
      document.setIn(['metadata', 'annotations', SOURCE_LOCATION], location);
      return document.toString();
    })
    .join('---\n');
}
