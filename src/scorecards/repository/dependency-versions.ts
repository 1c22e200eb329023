// Only the functions used: the collectors load with the scorecard kind, which every command (even --help) reads.
import coerce from 'semver/functions/coerce.js';
import minVersion from 'semver/ranges/min-version.js';
import validRange from 'semver/ranges/valid.js';
import { parseAllDocumentsWithUniqueKeys } from '../../core/yaml-unique-keys.js';
import type { FileEntry, RepositoryFiles } from './repository-files.js';

/** The runtime and database versions a repository declares, each as written and as a number to compare. */
export interface DependencyVersions {
  /** Node.js as declared (package.json engines.node, .nvmrc, .node-version, .tool-versions, a Dockerfile's node image). */
  nodeVersion: string | null;
  /** The lowest Node.js major version the declaration allows. */
  nodeMajor: number | null;
  /** Java as declared (pom.xml, build.gradle(.kts), .java-version, .tool-versions). */
  javaVersion: string | null;
  /** Its feature release (`1.8` is 8). */
  javaMajor: number | null;
  /** Go as declared by go.mod's `go` line (or .tool-versions). */
  goVersion: string | null;
  /** Its minor release (`1.22` is 22): Go has stayed 1.x. */
  goMinor: number | null;
  /** Python as declared (.python-version, pyproject.toml requires-python, runtime.txt, Pipfile, .tool-versions). */
  pythonVersion: string | null;
  /** Its lowest 3.x minor release allowed (`>=3.11` is 11). */
  pythonMinor: number | null;
  /** PostgreSQL as a compose file's postgres image tag (or .tool-versions) declares it. */
  postgresVersion: string | null;
  postgresMajor: number | null;
}

const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/**
 * Reads the versions a repository declares from the files at its root, the first declaration found winning
 * in the order each field's description gives. A version that cannot be read as one (`lts/*`, `latest`)
 * is kept as written with a null number.
 */
export async function dependencyVersions(files: RepositoryFiles, root: readonly FileEntry[]): Promise<DependencyVersions> {
  const present = new Set(root.filter(entry => entry.type === 'file').map(entry => entry.name));
  const read = async (name: string) => (present.has(name) ? ((await files.read(name)) ?? '') : '');
  const toolVersions = parseToolVersions(await read('.tool-versions'));
  const first = async (...candidates: Array<() => Promise<string | undefined> | string | undefined>) => {
    for (const candidate of candidates) {
      const found = (await candidate())?.trim();
      if (found) return found;
    }
    return null;
  };

  const node = await first(
    async () => engineOf(await read('package.json')),
    async () => (await read('.nvmrc')).split('\n')[0]?.replace(/^v/, ''),
    async () => (await read('.node-version')).split('\n')[0]?.replace(/^v/, ''),
    () => toolVersions.get('nodejs') ?? toolVersions.get('node'),
    async () => /^FROM\s+(?:\S+\/)?node:v?(\d[\w.]*)/im.exec(await read('Dockerfile'))?.[1],
  );
  const java = await first(
    async () => /<(?:maven\.compiler\.release|maven\.compiler\.source|java\.version|release)>\s*([\d.]+)\s*</.exec(await read('pom.xml'))?.[1],
    async () => gradleJava(await read('build.gradle')) ?? gradleJava(await read('build.gradle.kts')),
    async () => (await read('.java-version')).split('\n')[0],
    () => toolVersions.get('java'),
  );
  const go = await first(
    async () => /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(await read('go.mod'))?.[1],
    () => toolVersions.get('golang') ?? toolVersions.get('go'),
  );
  const python = await first(
    async () => (await read('.python-version')).split('\n')[0],
    async () => /^requires-python\s*=\s*["']([^"']+)["']/m.exec(await read('pyproject.toml'))?.[1],
    async () => /^python-(\d[\d.]*)/.exec(await read('runtime.txt'))?.[1],
    async () => /^python_version\s*=\s*["']([^"']+)["']/m.exec(await read('Pipfile'))?.[1],
    () => toolVersions.get('python'),
  );
  const compose = COMPOSE_FILES.find(name => present.has(name));
  const postgres = await first(async () => (compose ? postgresImageTag(await read(compose)) : undefined), () => toolVersions.get('postgres'));

  return {
    nodeVersion: node,
    nodeMajor: part(node, 'major'),
    javaVersion: java,
    javaMajor: java ? part(java.replace(/^1\.(\d+)/, '$1').replace(/^\D+-/, ''), 'major') : null,
    goVersion: go,
    goMinor: part(go, 'minor'),
    pythonVersion: python,
    pythonMinor: part(python, 'minor'),
    postgresVersion: postgres,
    postgresMajor: part(postgres?.replace(/-.*$/, '') ?? null, 'major'),
  };
}

/** The lowest version a declaration (a version or a range) allows, one of its parts; null when it is no version. */
function part(declared: string | null, which: 'major' | 'minor'): number | null {
  if (!declared) return null;
  const lowest = validRange(declared) ? minVersion(declared) : coerce(declared);
  return lowest ? lowest[which] : null;
}

function engineOf(text: string): string | undefined {
  try {
    const engines = (JSON.parse(text) as { engines?: { node?: unknown } }).engines;
    return typeof engines?.node === 'string' ? engines.node : undefined;
  } catch {
    return undefined;
  }
}

function gradleJava(text: string): string | undefined {
  return (/JavaLanguageVersion\.of\(\s*(\d+)\s*\)/.exec(text) ?? /(?:sourceCompatibility|targetCompatibility)\s*=\s*(?:JavaVersion\.VERSION_)?['"]?([\d._]+)/.exec(text))?.[1]?.replace(/_/g, '.');
}

/** asdf's `.tool-versions`: `<tool> <version> [more versions]` per line. */
function parseToolVersions(text: string): Map<string, string> {
  const tools = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [tool, version] = line.replace(/#.*$/, '').trim().split(/\s+/);
    if (tool && version) tools.set(tool, version);
  }
  return tools;
}

/** The tag of the first service image named postgres (official or under a registry path) in a compose file. */
function postgresImageTag(text: string): string | undefined {
  let compose: unknown;
  try {
    // One document without mistakes, as yaml's `parse` requires (its duplicate-key check is quadratic: not used).
    const documents = parseAllDocumentsWithUniqueKeys(text);
    if (documents.length !== 1 || documents[0]!.errors.length) return undefined;
    compose = documents[0]!.toJS();
  } catch {
    return undefined;
  }
  const services = (compose as { services?: Record<string, { image?: unknown }> } | null)?.services;
  for (const service of Object.values(services ?? {})) {
    const match = typeof service?.image === 'string' ? /^(?:\S+\/)?postgres(?:ql)?:(\d[\w.-]*)$/.exec(service.image) : null;
    if (match) return match[1];
  }
  return undefined;
}
