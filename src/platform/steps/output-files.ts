import { parseAllDocumentsWithUniqueKeys } from '../../core/yaml-unique-keys.js';
import { unsafePathReason } from '../../gitops/repo-path.js';

export interface ProducedFile {
  step: string;
  path: string;
  content: string;
}

/**
 * Checks the files a workflow produced before anything is written: each path stays inside the request's
 * folder, no two steps write the same file, and every YAML file is plain Kubernetes YAML (each document
 * a mapping with apiVersion, kind and metadata.name). Returns the files (sorted, each ending in a newline)
 * and every problem found.
 */
export function checkOutputFiles(produced: readonly ProducedFile[]): { files: Map<string, string>; errors: string[] } {
  const errors: string[] = [];
  const byPath = new Map<string, ProducedFile>();
  for (const file of produced) {
    const reason = unsafePathReason(file.path);
    if (reason) {
      errors.push(`step ${file.step}: file path "${file.path}" ${reason}: files must stay inside the request's folder`);
      continue;
    }
    const earlier = byPath.get(file.path);
    if (earlier) {
      errors.push(`step ${file.step}: ${file.path} was already written by step ${earlier.step}`);
      continue;
    }
    byPath.set(file.path, file);
    if (/\.ya?ml$/i.test(file.path)) errors.push(...checkKubernetesYaml(file));
  }
  const files = new Map<string, string>();
  for (const path of [...byPath.keys()].sort()) {
    const content = byPath.get(path)!.content;
    files.set(path, content.endsWith('\n') || content === '' ? content : content + '\n');
  }
  return { files, errors };
}

function checkKubernetesYaml(file: ProducedFile): string[] {
  const errors: string[] = [];
  const documents = parseAllDocumentsWithUniqueKeys(file.content);
  documents.forEach((document, i) => {
    const where = `step ${file.step}: ${file.path}${documents.length > 1 ? ` (document ${i + 1})` : ''}`;
    if (document.errors.length) {
      errors.push(`${where} is not valid YAML: ${document.errors[0]!.message.split('\n')[0]}`);
      return;
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return;
    const object = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
    if (typeof value !== 'object' || Array.isArray(value) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string' || typeof object.metadata?.name !== 'string') {
      errors.push(`${where} is not a Kubernetes object: each document needs apiVersion, kind and metadata.name`);
    }
  });
  return errors;
}
