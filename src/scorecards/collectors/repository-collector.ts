import { defineCollector, type FactValue } from '../fact-collector.js';
import { dependencyVersions } from '../repository/dependency-versions.js';
import type { FileEntry, RepositoryFiles } from '../repository/repository-files.js';
import { withSourceRepository } from '../repository/source-repository.js';

const LOCKFILES = /^(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb|go\.sum|Cargo\.lock|poetry\.lock|Pipfile\.lock|uv\.lock|Gemfile\.lock|composer\.lock|gradle\.lockfile|packages\.lock\.json)$/;
const DOCKERFILE = /^(Dockerfile|Containerfile)(\..+)?$/;
const LICENSE = /^(LICEN[CS]E|COPYING)(\.(md|txt))?$/i;
const README = /^readme(\.(md|markdown|txt|rst))?$/i;
const CI_FILES = /^(\.gitlab-ci\.yml|Jenkinsfile|azure-pipelines\.yml|\.travis\.yml|bitbucket-pipelines\.yml)$/;
const CI_FOLDERS = ['.github/workflows', '.circleci', '.buildkite'];
const TEST_FOLDERS = /^(test|tests|__tests__|spec|specs|e2e)$/;
const NUMBER_OR_NULL = ['integer', 'null'];
const TEXT_OR_NULL = ['string', 'null'];

/**
 * Repository facts: files found in the entity's source repository and the runtime versions it declares, read
 * with the git CLI at the default branch (or the ref its location names) — through the repositories service
 * for a repository Pave hosts, through a shallow clone under the reading allow-list for any other git URL.
 * Expensive next to the others, so collected as a deferred job per entity (many changes make one run) and
 * again every hour.
 */
export const repositoryCollector = defineCollector({
  id: 'repository',
  description: 'Files in the entity’s source repository and the versions it declares (hosted by Pave, or any git URL on the reading allow-list)',
  kinds: ['component', 'api', 'resource', 'system'],
  triggers: { everySeconds: 3600 },
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The repository: owner/repo when hosted by Pave, else its URL' },
      readme: { type: 'boolean', description: 'A README at the root' },
      codeowners: { type: 'boolean', description: 'A CODEOWNERS file (root, .github/ or docs/)' },
      lockfile: { type: 'boolean', description: 'A dependency lockfile at the root (npm, yarn, pnpm, Go, Cargo, Poetry, …)' },
      dockerfile: { type: 'boolean', description: 'A Dockerfile or Containerfile at the root' },
      ci: { type: 'boolean', description: 'A CI configuration (.github/workflows, .gitlab-ci.yml, Jenkinsfile, …)' },
      license: { type: 'boolean', description: 'A LICENSE file at the root' },
      tests: { type: 'boolean', description: 'A test folder at the root (test, tests, __tests__, spec, e2e)' },
      nodeVersion: { type: TEXT_OR_NULL, description: 'Node.js as declared (package.json engines.node, .nvmrc, .node-version, .tool-versions, Dockerfile), or null' },
      nodeMajor: { type: NUMBER_OR_NULL, description: 'The lowest Node.js major version declared, e.g. 20' },
      javaVersion: { type: TEXT_OR_NULL, description: 'Java as declared (pom.xml, build.gradle, .java-version, .tool-versions), or null' },
      javaMajor: { type: NUMBER_OR_NULL, description: 'Its feature release, e.g. 17 (1.8 is 8)' },
      goVersion: { type: TEXT_OR_NULL, description: 'Go as go.mod declares it, or null' },
      goMinor: { type: NUMBER_OR_NULL, description: 'Its minor release, e.g. 22 for 1.22' },
      pythonVersion: { type: TEXT_OR_NULL, description: 'Python as declared (.python-version, pyproject.toml, runtime.txt, Pipfile, .tool-versions), or null' },
      pythonMinor: { type: NUMBER_OR_NULL, description: 'Its lowest 3.x minor release, e.g. 12 for 3.12' },
      postgresVersion: { type: TEXT_OR_NULL, description: 'PostgreSQL as a compose file’s postgres image tag declares it, or null' },
      postgresMajor: { type: NUMBER_OR_NULL, description: 'Its major version, e.g. 16' },
    },
  },
  collect: (entity, context) => withSourceRepository(entity, context, repositoryFacts),
});

async function repositoryFacts(repository: RepositoryFiles): Promise<Record<string, FactValue>> {
  const root = await repository.entries('');
  const files = root.filter(entry => entry.type === 'file').map(entry => entry.name);
  const folders = new Set(root.filter(entry => entry.type === 'folder').map(entry => entry.name));
  const inFolder = async (folder: string, test: (entry: FileEntry) => boolean) => folders.has(folder.split('/')[0]!) && (await repository.entries(folder)).some(test);
  const codeowners = files.includes('CODEOWNERS') || (await inFolder('.github', entry => entry.name === 'CODEOWNERS')) || (await inFolder('docs', entry => entry.name === 'CODEOWNERS'));
  let ci = files.some(file => CI_FILES.test(file));
  for (const folder of CI_FOLDERS) if (!ci) ci = await inFolder(folder, () => true);
  return {
    name: repository.name,
    readme: files.some(file => README.test(file)),
    codeowners,
    lockfile: files.some(file => LOCKFILES.test(file)),
    dockerfile: files.some(file => DOCKERFILE.test(file)),
    ci,
    license: files.some(file => LICENSE.test(file)),
    tests: [...folders].some(folder => TEST_FOLDERS.test(folder)),
    ...(await dependencyVersions(repository, root)),
  };
}
