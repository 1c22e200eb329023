import type { Entity } from '../../core/entity.js';
import { repositoryOfLocation } from '../../repositories/repository-links.js';
import { formatRepositoryName } from '../../repositories/repository-name.js';
import type { RepositoryService } from '../../repositories/repository-service.js';
import { defineCollector, type FactValue } from '../fact-collector.js';

const LOCATION_ANNOTATIONS = ['backstage.io/source-location', 'backstage.io/managed-by-location'];
const LOCKFILES = /^(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb|go\.sum|Cargo\.lock|poetry\.lock|Pipfile\.lock|uv\.lock|Gemfile\.lock|composer\.lock|gradle\.lockfile|packages\.lock\.json)$/;
const DOCKERFILE = /^(Dockerfile|Containerfile)(\..+)?$/;
const LICENSE = /^(LICEN[CS]E|COPYING)(\.(md|txt))?$/i;
const README = /^readme(\.(md|markdown|txt|rst))?$/i;
const CI_FILES = /^(\.gitlab-ci\.yml|Jenkinsfile|azure-pipelines\.yml|\.travis\.yml|bitbucket-pipelines\.yml)$/;
const CI_FOLDERS = ['.github/workflows', '.circleci', '.buildkite'];
const TEST_FOLDERS = /^(test|tests|__tests__|spec|specs|e2e)$/;

/** The hosted repository (`owner/repo`) an entity's source-location or managed-by-location annotation names. */
export function hostedRepositoryOf(entity: Entity, repositories: RepositoryService): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const addresses = repositories.addresses();
  for (const key of LOCATION_ANNOTATIONS) {
    const value = annotations[key];
    const name = typeof value === 'string' ? repositoryOfLocation(value, addresses) : undefined;
    if (name) return formatRepositoryName(name);
  }
  return undefined;
}

/**
 * Repository facts: files found in the entity's source repository, for repositories Pave hosts, read with
 * the git CLI (through the repositories service) at the default branch. Expensive next to the others, so
 * collected as a deferred job per entity (many changes make one run) and again every hour.
 */
export const repositoryCollector = defineCollector({
  id: 'repository',
  description: 'Files in the entity’s source repository (hosted by Pave)',
  kinds: ['component', 'api', 'resource', 'system'],
  triggers: { everySeconds: 3600 },
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The hosted repository, owner/repo' },
      readme: { type: 'boolean', description: 'A README at the root' },
      codeowners: { type: 'boolean', description: 'A CODEOWNERS file (root, .github/ or docs/)' },
      lockfile: { type: 'boolean', description: 'A dependency lockfile at the root (npm, yarn, pnpm, Go, Cargo, Poetry, …)' },
      dockerfile: { type: 'boolean', description: 'A Dockerfile or Containerfile at the root' },
      ci: { type: 'boolean', description: 'A CI configuration (.github/workflows, .gitlab-ci.yml, Jenkinsfile, …)' },
      license: { type: 'boolean', description: 'A LICENSE file at the root' },
      tests: { type: 'boolean', description: 'A test folder at the root (test, tests, __tests__, spec, e2e)' },
    },
  },
  async collect(entity, { repositories }) {
    const name = hostedRepositoryOf(entity, repositories);
    if (!name) return undefined;
    const [owner, repo] = name.split('/') as [string, string];
    const root = await repositories.tree(owner, repo, '').catch(() => undefined);
    if (!root) return undefined;
    const names = new Set(root.entries.map(entry => entry.name));
    const files = root.entries.filter(entry => entry.type === 'blob' || entry.type === 'symlink').map(entry => entry.name);
    const folders = root.entries.filter(entry => entry.type === 'tree').map(entry => entry.name);
    const inFolder = async (folder: string, file: string) => {
      if (!names.has(folder.split('/')[0]!)) return false;
      const tree = await repositories.tree(owner, repo, folder).catch(() => undefined);
      return tree ? tree.entries.some(entry => entry.name === file) : false;
    };
    const folderHasFiles = async (folder: string) => {
      if (!names.has(folder.split('/')[0]!)) return false;
      const tree = await repositories.tree(owner, repo, folder).catch(() => undefined);
      return tree ? tree.entries.length > 0 : false;
    };
    const codeowners = names.has('CODEOWNERS') || (await inFolder('.github', 'CODEOWNERS')) || (await inFolder('docs', 'CODEOWNERS'));
    let ci = files.some(file => CI_FILES.test(file));
    for (const folder of CI_FOLDERS) if (!ci) ci = await folderHasFiles(folder);
    const facts: Record<string, FactValue> = {
      name,
      readme: files.some(file => README.test(file)),
      codeowners,
      lockfile: files.some(file => LOCKFILES.test(file)),
      dockerfile: files.some(file => DOCKERFILE.test(file)),
      ci,
      license: files.some(file => LICENSE.test(file)),
      tests: folders.some(folder => TEST_FOLDERS.test(folder)),
    };
    return facts;
  },
});
