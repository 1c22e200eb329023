/**
 * Generates a synthetic but realistic Backstage catalog of a given size as YAML files: domains,
 * systems, a group hierarchy (organisation → departments → teams → squads), users with `memberOf`,
 * components wired with owner/system/providesApis/consumesApis/dependsOn, APIs with small inline
 * OpenAPI definitions, and resources. Deterministic: the same size and seed give the same bytes.
 *
 * The entities are split into files of about {@link ENTITIES_PER_FILE}, tied together by one
 * `catalog-info.yaml` holding a Location entity whose `spec.targets` names every file explicitly.
 *
 * @example
 * const catalog = await generateCatalog({ size: 10_000, dir: '/tmp/catalog' });
 * // register { type: 'file', target: catalog.locationFile }; expect catalog.totalEntities entities
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Random } from './random.js';

export const ENTITIES_PER_FILE = 500;
export const DEFAULT_SEED = 20_240_601;

export interface GenerateCatalogOptions {
  /** Number of entities in the data files (the root Location entity comes on top). */
  size: number;
  /** Folder to write into; created if missing. */
  dir: string;
  seed?: number;
}

export interface GeneratedCatalog {
  dir: string;
  /** The file to register as a `file` location. */
  locationFile: string;
  /** Data files (without the location file). */
  files: string[];
  /** Entities in the data files. */
  size: number;
  /** Entities the catalog should hold after ingestion: the data files plus the root Location. */
  totalEntities: number;
  counts: Record<string, number>;
  /** Bytes written, all files included. */
  bytes: number;
  /** Names of the generated components (for by-name lookups). */
  componentNames: string[];
  /** Names of the teams and squads that own software (for owner filters). */
  ownerNames: string[];
  /** Components with lifecycle production. */
  productionComponents: number;
  /** Words that occur in descriptions (for full-text search). */
  searchWords: string[];
}

type Doc = {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
};

const API_VERSION = 'backstage.io/v1alpha1';

/** Business words: names, descriptions, API paths and search terms come from these. */
const NOUNS = [
  'payments', 'ledger', 'invoice', 'checkout', 'inventory', 'pricing', 'catalog', 'search', 'shipping', 'orders',
  'billing', 'accounts', 'identity', 'session', 'profile', 'notification', 'email', 'sms', 'recommendation', 'review',
  'rating', 'cart', 'wishlist', 'fraud', 'risk', 'compliance', 'audit', 'reporting', 'analytics', 'metrics',
  'telemetry', 'tracing', 'logging', 'alerting', 'scheduler', 'workflow', 'pipeline', 'ingest', 'export', 'import',
  'media', 'image', 'video', 'thumbnail', 'document', 'storage', 'archive', 'backup', 'gateway', 'proxy',
  'routing', 'geo', 'location', 'map', 'weather', 'forecast', 'loyalty', 'rewards', 'coupon', 'promotion',
  'campaign', 'marketing', 'content', 'cms', 'translation', 'locale', 'currency', 'tax', 'refund', 'dispute',
  'settlement', 'payout', 'merchant', 'partner', 'vendor', 'supplier', 'warehouse', 'fulfilment', 'returns', 'tracking',
  'customer', 'support', 'ticket', 'chat', 'feedback', 'survey', 'experiment', 'feature', 'config', 'secrets',
  'token', 'consent', 'privacy', 'retention', 'quota', 'usage', 'subscription', 'plan', 'trial', 'onboarding',
] as const;

const ROLES = ['service', 'api', 'worker', 'processor', 'engine', 'hub', 'portal', 'console', 'sync', 'store', 'adapter', 'bridge'] as const;
const VERBS = ['handles', 'stores', 'computes', 'validates', 'publishes', 'aggregates', 'tracks', 'serves', 'reconciles', 'schedules', 'indexes', 'routes'];
const QUALIFIERS = ['realtime', 'batch', 'nightly', 'regional', 'global', 'internal', 'public', 'legacy', 'streaming', 'secure', 'multitenant', 'cached'];
const OBJECTS = ['events', 'records', 'requests', 'transactions', 'snapshots', 'messages', 'reports', 'jobs', 'webhooks', 'files', 'queries', 'updates'];
const TAGS = ['java', 'kotlin', 'go', 'typescript', 'python', 'rust', 'grpc', 'rest', 'graphql', 'kafka', 'postgres', 'redis', 'pci', 'gdpr', 'tier-1', 'tier-2', 'frontend', 'backend', 'mobile', 'ml'];
const FIRST_NAMES = ['ada', 'alan', 'grace', 'linus', 'margaret', 'ken', 'barbara', 'dennis', 'frances', 'edsger', 'radia', 'guido', 'anita', 'bjarne', 'hedy', 'tim', 'joan', 'john', 'katherine', 'donald', 'sophie', 'yukihiro', 'lynn', 'james', 'mary', 'niklaus', 'shafi', 'leslie', 'carol', 'rob'];
const LAST_NAMES = ['lovelace', 'turing', 'hopper', 'torvalds', 'hamilton', 'thompson', 'liskov', 'ritchie', 'allen', 'dijkstra', 'perlman', 'rossum', 'borg', 'stroustrup', 'lamarr', 'berners-lee', 'clarke', 'backus', 'johnson', 'knuth', 'wilson', 'matsumoto', 'conway', 'gosling', 'shaw', 'wirth', 'goldwasser', 'lamport', 'shaw', 'pike'];

/** Writes the catalog and describes what was written. */
export async function generateCatalog(options: GenerateCatalogOptions): Promise<GeneratedCatalog> {
  const docs = buildCatalog(options.size, options.seed ?? DEFAULT_SEED);
  await mkdir(options.dir, { recursive: true });
  const files: string[] = [];
  let bytes = 0;
  for (let i = 0; i < docs.entities.length; i += ENTITIES_PER_FILE) {
    const name = `entities-${String(files.length + 1).padStart(4, '0')}.yaml`;
    const text = docs.entities
      .slice(i, i + ENTITIES_PER_FILE)
      .map(doc => toYaml(doc))
      .join('---\n');
    await writeFile(join(options.dir, name), text);
    bytes += Buffer.byteLength(text);
    files.push(name);
  }
  const location: Doc = {
    apiVersion: API_VERSION,
    kind: 'Location',
    metadata: { name: 'bench-catalog', description: `Synthetic catalog of ${options.size} entities for the catalog benchmark` },
    spec: { type: 'file', targets: files.map(f => `./${f}`) },
  };
  const locationText = toYaml(location);
  const locationFile = join(options.dir, 'catalog-info.yaml');
  await writeFile(locationFile, locationText);
  bytes += Buffer.byteLength(locationText);

  const counts: Record<string, number> = {};
  for (const doc of docs.entities) counts[doc.kind] = (counts[doc.kind] ?? 0) + 1;
  return {
    dir: options.dir,
    locationFile,
    files: files.map(f => join(options.dir, f)),
    size: docs.entities.length,
    totalEntities: docs.entities.length + 1,
    counts,
    bytes,
    componentNames: docs.componentNames,
    ownerNames: docs.ownerNames,
    productionComponents: docs.productionComponents,
    searchWords: [...NOUNS, ...VERBS, ...QUALIFIERS, ...OBJECTS],
  };
}

/** How many entities of each kind a catalog of `size` holds; the rest are components. */
export function kindCounts(size: number): Record<'Domain' | 'System' | 'Group' | 'User' | 'API' | 'Resource' | 'Component', number> {
  if (!Number.isInteger(size) || size < 50) throw new Error(`size must be a whole number of at least 50 (got ${size})`);
  const domains = Math.max(2, Math.round(size * 0.002));
  const systems = Math.max(5, Math.round(size * 0.02));
  const groups = Math.max(6, Math.round(size * 0.03));
  const users = Math.round(size * 0.2);
  const apis = Math.round(size * 0.17);
  const resources = Math.round(size * 0.1);
  const components = size - domains - systems - groups - users - apis - resources;
  return { Domain: domains, System: systems, Group: groups, User: users, API: apis, Resource: resources, Component: components };
}

/** Builds every entity in memory, in the order they are written: people first, then software. */
export function buildCatalog(size: number, seed: number): { entities: Doc[]; componentNames: string[]; ownerNames: string[]; productionComponents: number } {
  const rng = new Random(seed);
  const count = kindCounts(size);
  const serial = (prefix: string, i: number) => `${prefix}-${i.toString(36).padStart(3, '0')}`;
  const sentence = (subject: string) =>
    `${capitalize(subject)} ${rng.pick(VERBS)} ${rng.pick(QUALIFIERS)} ${rng.pick(NOUNS)} ${rng.pick(OBJECTS)} for the ${rng.pick(NOUNS)} and ${rng.pick(NOUNS)} teams.`;

  // Groups: one organisation, departments under it, teams under departments, squads under teams.
  const departments = Math.max(2, Math.round(count.Group / 12));
  const groups: Array<{ name: string; type: string; parent?: string; children: string[]; doc?: Doc }> = [{ name: 'acme', type: 'organization', children: [] }];
  for (let i = 0; i < departments; i++) groups.push({ name: serial(`${rng.pick(NOUNS)}-dept`, i), type: 'department', parent: 'acme', children: [] });
  const teamStart = groups.length;
  for (let i = 0; groups.length < count.Group; i++) {
    const squad = i >= (count.Group - teamStart) * 0.75;
    const parent = squad ? groups[rng.int(teamStart, groups.length - 1)]!.name : groups[rng.int(1, departments)]!.name;
    groups.push({ name: serial(`${rng.pick(NOUNS)}-${squad ? 'squad' : 'team'}`, i), type: squad ? 'squad' : 'team', parent, children: [] });
  }
  const byName = new Map(groups.map(g => [g.name, g]));
  for (const group of groups) if (group.parent) byName.get(group.parent)!.children.push(group.name);
  const teams = groups.filter(g => g.type === 'team' || g.type === 'squad').map(g => g.name);
  const departmentNames = groups.filter(g => g.type === 'department').map(g => g.name);

  const entities: Doc[] = [];
  const domainNames: string[] = [];
  for (let i = 0; i < count.Domain; i++) {
    const topic = rng.pick(NOUNS);
    const name = serial(`${topic}-domain`, i);
    domainNames.push(name);
    entities.push({
      apiVersion: API_VERSION,
      kind: 'Domain',
      metadata: { name, title: `${capitalize(topic)} domain ${i}`, description: sentence(`the ${topic} domain`), tags: rng.sample(TAGS, 1) },
      spec: { owner: `group:${rng.pick(departmentNames)}` },
    });
  }

  for (const group of groups) {
    entities.push({
      apiVersion: API_VERSION,
      kind: 'Group',
      metadata: { name: group.name, description: sentence(`the ${group.name.split('-')[0]} ${group.type}`) },
      spec: {
        type: group.type,
        profile: { displayName: titleOf(group.name), email: `${group.name}@acme.example` },
        ...(group.parent ? { parent: group.parent } : {}),
        children: group.children,
      },
    });
  }

  for (let i = 0; i < count.User; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const name = `${first}.${last}.${i.toString(36)}`;
    entities.push({
      apiVersion: API_VERSION,
      kind: 'User',
      metadata: { name, description: `${capitalize(first)} works on ${rng.pick(NOUNS)} and ${rng.pick(NOUNS)}.` },
      spec: {
        profile: { displayName: `${capitalize(first)} ${capitalize(last)}`, email: `${name}@acme.example` },
        memberOf: rng.sample(teams, rng.weighted([[1, 8], [2, 2]])),
      },
    });
  }

  const systems: Array<{ name: string; owner: string }> = [];
  for (let i = 0; i < count.System; i++) {
    const topic = rng.pick(NOUNS);
    const name = serial(`${topic}-system`, i);
    const owner = rng.pick(teams);
    systems.push({ name, owner });
    entities.push({
      apiVersion: API_VERSION,
      kind: 'System',
      metadata: { name, title: `${capitalize(topic)} platform ${i}`, description: sentence(`the ${topic} system`), tags: rng.sample(TAGS, rng.int(0, 2)) },
      spec: { owner: `group:${owner}`, domain: rng.pick(domainNames) },
    });
  }

  const resourceNames: string[] = [];
  for (let i = 0; i < count.Resource; i++) {
    const system = rng.pick(systems);
    const type = rng.weighted([['database', 4], ['s3-bucket', 2], ['kafka-topic', 2], ['redis-cache', 1], ['queue', 1]] as const);
    const topic = rng.pick(NOUNS);
    const name = serial(`${topic}-${type}`, i);
    resourceNames.push(name);
    entities.push({
      apiVersion: API_VERSION,
      kind: 'Resource',
      metadata: { name, description: sentence(`the ${topic} ${type.replace('-', ' ')}`), tags: rng.sample(TAGS, rng.int(0, 2)) },
      spec: { type, owner: `group:${system.owner}`, system: system.name },
    });
  }

  // Components are named up front so that APIs can be given providers and components dependencies.
  const components = Array.from({ length: count.Component }, (_, i) => {
    const topic = rng.pick(NOUNS);
    return {
      name: serial(`${topic}-${rng.pick(ROLES)}`, i),
      topic,
      system: rng.pick(systems),
      provides: [] as string[],
    };
  });

  const apiNames: string[] = [];
  for (let i = 0; i < count.API; i++) {
    const provider = components[rng.int(0, components.length - 1)]!;
    const topic = rng.chance(0.7) ? provider.topic : rng.pick(NOUNS);
    const name = serial(`${topic}-api`, i);
    apiNames.push(name);
    provider.provides.push(name);
    entities.push({
      apiVersion: API_VERSION,
      kind: 'API',
      metadata: {
        name,
        title: `${capitalize(topic)} API ${i}`,
        description: sentence(`the ${topic} API`),
        tags: rng.sample(TAGS, rng.int(1, 2)),
      },
      spec: {
        type: 'openapi',
        lifecycle: rng.weighted([['production', 6], ['experimental', 3], ['deprecated', 1]] as const),
        owner: `group:${provider.system.owner}`,
        system: provider.system.name,
        definition: openApiDefinition(rng, topic, name),
      },
    });
  }

  let productionComponents = 0;
  for (const component of components) {
    const lifecycle = rng.weighted([['production', 55], ['experimental', 25], ['deprecated', 20]] as const);
    if (lifecycle === 'production') productionComponents++;
    const type = rng.weighted([['service', 6], ['website', 1.5], ['library', 2.5]] as const);
    const owner = rng.chance(0.85) ? component.system.owner : rng.pick(teams);
    const consumes = rng.sample(apiNames, rng.weighted([[0, 3], [1, 3], [2, 2], [3, 1]]));
    const dependsOn = [
      ...rng.sample(components, rng.weighted([[0, 4], [1, 3], [2, 2]])).filter(c => c !== component).map(c => `component:${c.name}`),
      ...rng.sample(resourceNames, rng.weighted([[0, 3], [1, 4], [2, 2]])).map(r => `resource:${r}`),
    ];
    const slug = `acme/${component.name}`;
    entities.push({
      apiVersion: API_VERSION,
      kind: 'Component',
      metadata: {
        name: component.name,
        title: titleOf(component.name),
        description: sentence(`the ${component.topic} ${type}`),
        tags: rng.sample(TAGS, rng.int(1, 3)),
        labels: { tier: String(rng.int(1, 3)) },
        annotations: {
          'github.com/project-slug': slug,
          'backstage.io/techdocs-ref': 'dir:.',
          ...(rng.chance(0.4) ? { 'pagerduty.com/service-id': `P${rng.int(100000, 999999)}` } : {}),
        },
        links: [{ url: `https://github.com/${slug}`, title: 'Repository', icon: 'github' }],
      },
      spec: {
        type,
        lifecycle,
        owner: `group:${owner}`,
        system: component.system.name,
        ...(component.provides.length ? { providesApis: component.provides } : {}),
        ...(consumes.length ? { consumesApis: consumes } : {}),
        ...(dependsOn.length ? { dependsOn } : {}),
      },
    });
  }

  return { entities, componentNames: components.map(c => c.name), ownerNames: teams, productionComponents };
}

/** A small OpenAPI 3 document (as YAML text, the way API entities usually carry it). */
function openApiDefinition(rng: Random, topic: string, name: string): string {
  const resources = rng.sample(OBJECTS, rng.int(1, 3));
  const paths: Record<string, unknown> = {};
  for (const resource of resources) {
    paths[`/${resource}`] = {
      get: {
        summary: `List ${topic} ${resource}`,
        operationId: `list${capitalize(resource)}`,
        parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } }],
        responses: { '200': { description: `A page of ${resource}` } },
      },
      ...(rng.chance(0.5)
        ? { post: { summary: `Create ${topic} ${resource.replace(/s$/, '')}`, operationId: `create${capitalize(resource)}`, responses: { '201': { description: 'Created' } } } }
        : {}),
    };
  }
  return toYaml({
    openapi: '3.0.3',
    info: { title: titleOf(name), version: `${rng.int(1, 4)}.${rng.int(0, 12)}.0` },
    servers: [{ url: `https://${name}.internal.acme.example/v1` }],
    paths,
  });
}

/**
 * A block-style YAML emitter for the plain data this generator builds (objects, arrays, strings,
 * numbers, booleans). Much faster than a general serializer, which matters at 100k entities: strings
 * are written plain when that is unambiguous, as block literals when multi-line, else double-quoted.
 */
export function toYaml(value: unknown): string {
  const out: string[] = [];
  writeNode(value, '', out);
  return out.join('');
}

const PLAIN = /^[A-Za-z/][A-Za-z0-9 .,_/@:+()'-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n)$/i;

function scalar(value: unknown, indent: string): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  const text = String(value);
  if (text.includes('\n')) {
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    return `${text.endsWith('\n') ? '|' : '|-'}\n${body.split('\n').map(line => (line ? indent + '  ' + line : '')).join('\n')}`;
  }
  const plain = PLAIN.test(text) && !RESERVED.test(text) && !text.includes(': ') && !text.includes(' #') && !text.endsWith(':') && !text.endsWith(' ');
  return plain ? text : JSON.stringify(text);
}

function isCollection(value: unknown): value is object {
  return typeof value === 'object' && value !== null && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0);
}

function writeNode(value: unknown, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isCollection(item) && !Array.isArray(item)) {
        // The first key goes on the dash line, the rest under it.
        const lines: string[] = [];
        writeNode(item, indent + '  ', lines);
        out.push(indent + '- ' + lines.join('').slice(indent.length + 2));
      } else if (isCollection(item)) {
        out.push(`${indent}-\n`);
        writeNode(item, indent + '  ', out);
      } else out.push(`${indent}- ${emptyOr(item, indent)}\n`);
    }
    return;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const name = scalar(key, indent);
    if (isCollection(child)) {
      out.push(`${indent}${name}:\n`);
      writeNode(child, Array.isArray(child) ? indent + '  ' : indent + '  ', out);
    } else out.push(`${indent}${name}: ${emptyOr(child, indent)}\n`);
  }
}

function emptyOr(value: unknown, indent: string): string {
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object' && value !== null) return '{}';
  return scalar(value, indent);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function titleOf(name: string): string {
  return name.split('-').slice(0, -1).map(capitalize).join(' ') || name;
}
