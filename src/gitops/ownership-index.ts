import { createHash } from 'node:crypto';

/**
 * The ownership index entry a request keeps beside its folder: which request owns the folder, at which
 * generation and capability revision, and the hash of every file it wrote. It changes only when those do,
 * so writing it never makes a commit by itself.
 */
export interface OwnershipIndex {
  apiVersion: 'pave.dev/v1alpha1';
  kind: 'OwnershipIndex';
  request: { uid: string; namespace: string; kind: string; name: string };
  generation: number;
  capability: string;
  files: Array<{ path: string; sha256: string }>;
}

/** The index entry's text (stable JSON, one trailing newline). */
export function ownershipIndexText(index: Omit<OwnershipIndex, 'apiVersion' | 'kind' | 'files'>, files: ReadonlyMap<string, string>): string {
  const entry: OwnershipIndex = {
    apiVersion: 'pave.dev/v1alpha1',
    kind: 'OwnershipIndex',
    request: index.request,
    generation: index.generation,
    capability: index.capability,
    files: [...files].map(([path, content]) => ({ path, sha256: createHash('sha256').update(content).digest('hex') })),
  };
  return JSON.stringify(entry, null, 2) + '\n';
}
