/**
 * The part of kustomize that Pave's manifests use, to build them in tests without a cluster or a binary:
 * `resources` (files and folders holding a kustomization.yaml), `patches` by path (strategic merge: maps
 * merged, lists of named items merged by name, `null` removes a field, `$patch: delete` removes a resource),
 * `namespace`, and `labels` (pairs added to every resource's metadata). Anything else it meets is an error,
 * so the manifests cannot grow a feature this build would silently ignore.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: unknown };

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'patches', 'namespace', 'labels']);

/** Builds the kustomization in `dir` as `kubectl kustomize dir` would, for the fields above. */
export function kustomizeBuild(dir: string): Manifest[] {
  const kustomization = readYaml(join(dir, 'kustomization.yaml'))[0] as Record<string, unknown>;
  const unsupported = Object.keys(kustomization).filter(key => !SUPPORTED.has(key));
  if (unsupported.length) throw new Error(`${dir}/kustomization.yaml uses ${unsupported.join(', ')}, which this build does not know`);
  let resources: Manifest[] = ((kustomization.resources as string[] | undefined) ?? []).flatMap(entry => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? kustomizeBuild(path) : (readYaml(path) as Manifest[]);
  });
  for (const { path } of (kustomization.patches as Array<{ path: string }> | undefined) ?? []) {
    for (const patch of readYaml(join(dir, path)) as Array<Manifest & { $patch?: string }>) {
      const index = resources.findIndex(r => r.kind === patch.kind && r.metadata.name === patch.metadata.name);
      if (index < 0) throw new Error(`${path} patches ${patch.kind} ${patch.metadata.name}, which no resource is`);
      if (patch.$patch === 'delete') resources = resources.filter((_, i) => i !== index);
      else resources[index] = merge(resources[index], patch) as Manifest;
    }
  }
  const labels = Object.assign({}, ...((kustomization.labels as Array<{ pairs: Record<string, string> }> | undefined) ?? []).map(l => l.pairs)) as Record<string, string>;
  return resources.map(resource => ({
    ...resource,
    metadata: {
      ...resource.metadata,
      ...(Object.keys(labels).length ? { labels: { ...resource.metadata.labels, ...labels } } : {}),
      ...(kustomization.namespace ? { namespace: kustomization.namespace as string } : {}),
    },
  }));
}

/** Strategic merge: maps key by key, lists of `{name}` items by name, other lists replaced, `null` deletes. */
function merge(base: unknown, patch: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(patch) && [...base, ...patch].every(item => item && typeof item === 'object' && 'name' in item)) {
    const out = base.map(item => structuredClone(item) as { name: string });
    for (const item of patch as Array<{ name: string }>) {
      const at = out.findIndex(existing => existing.name === item.name);
      if (at >= 0) out[at] = merge(out[at], item) as { name: string };
      else out.push(item);
    }
    return out;
  }
  if (isMap(base) && isMap(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = key in base ? merge(base[key], value) : value;
    }
    return out;
  }
  return patch;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function readYaml(path: string): unknown[] {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  return parseAllDocuments(readFileSync(path, 'utf8')).map(doc => doc.toJS() as unknown).filter(doc => doc !== null);
}
