import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { invalidInput, type FieldError } from '../core/problem.js';
import { isObject } from '../core/is-object.js';

/**
 * Reads the documents of a YAML file (capabilities, destinations, requests). A capability's `module`
 * steps may name their code by `path` (relative to the YAML file, and inside its folder); the file is
 * read in as `source`, so the published revision holds the code it runs.
 * @example const [capability] = await readDocuments('demo/platform/capabilities/redis.yaml');
 */
export async function readDocuments(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8').catch(error => {
    throw invalidInput(`Could not read ${file}: ${(error as Error).message}`);
  });
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [];
  const errors: FieldError[] = [];
  const values: unknown[] = [];
  list.forEach((document, i) => {
    if (document.errors.length) {
      for (const error of document.errors) errors.push({ pointer: '', detail: error.message.split('\n')[0] ?? 'invalid YAML', source: file, document: i, rule: 'yaml' });
      return;
    }
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) values.push(value);
  });
  if (errors.length) throw invalidInput(`${file} is not valid YAML`, errors);
  for (const value of values) await inlineModules(value, dirname(resolve(file)), file);
  return values;
}

async function inlineModules(document: unknown, baseDir: string, file: string): Promise<void> {
  if (!isObject(document) || document.kind !== 'Capability' || !isObject(document.spec) || !isObject(document.spec.workflows)) return;
  for (const steps of Object.values(document.spec.workflows)) {
    if (!Array.isArray(steps)) continue;
    for (const step of steps) {
      if (!isObject(step) || step.type !== 'module' || typeof step.path !== 'string' || step.source !== undefined) continue;
      const full = resolve(baseDir, step.path);
      const rel = relative(baseDir, full);
      if (rel.startsWith('..') || isAbsolute(rel)) {
        throw invalidInput(`${file}: module path ${step.path} leaves the capability's folder`, [{ pointer: '', detail: `module path ${step.path} must stay inside ${baseDir}`, source: file }]);
      }
      step.source = await readFile(full, 'utf8').catch(error => {
        throw invalidInput(`${file}: could not read module ${step.path}: ${(error as Error).message}`, [{ pointer: '', detail: `could not read ${step.path}`, source: file }]);
      });
    }
  }
}
