import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { invalidInput, type FieldError } from '../core/problem.js';
import { isObject } from '../core/is-object.js';

/**
 * Reads the documents of a YAML file (capabilities, destinations, requests, Score files). A capability's
 * `module` steps may name their code by `path` (relative to the YAML file, and inside its folder); the file is
 * read in as `source`, so the published revision holds the code it runs. A Score file's container `files`
 * naming a `source` get its text as their `content` the same way.
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
  for (const value of values) {
    await inlineModules(value, dirname(resolve(file)), file);
    await inlineScoreFiles(value, dirname(resolve(file)), file);
  }
  return values;
}

async function inlineModules(document: unknown, baseDir: string, file: string): Promise<void> {
  if (!isObject(document) || document.kind !== 'Capability' || !isObject(document.spec) || !isObject(document.spec.workflows)) return;
  for (const steps of Object.values(document.spec.workflows)) {
    if (!Array.isArray(steps)) continue;
    for (const step of steps) {
      if (!isObject(step) || step.type !== 'module' || typeof step.path !== 'string' || step.source !== undefined) continue;
      step.source = await readBeside(baseDir, step.path, file, 'module');
    }
  }
}

async function inlineScoreFiles(document: unknown, baseDir: string, file: string): Promise<void> {
  if (!isObject(document) || document.apiVersion !== 'score.dev/v1b1' || !isObject(document.containers)) return;
  for (const container of Object.values(document.containers)) {
    if (!isObject(container) || !Array.isArray(container.files)) continue;
    for (const entry of container.files) {
      if (!isObject(entry) || typeof entry.source !== 'string' || entry.content !== undefined) continue;
      entry.content = await readBeside(baseDir, entry.source, file, 'file');
      delete entry.source;
    }
  }
}

/** A file named by a document, relative to its folder and never outside it. */
async function readBeside(baseDir: string, path: string, file: string, what: string): Promise<string> {
  const full = resolve(baseDir, path);
  const rel = relative(baseDir, full);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw invalidInput(`${file}: ${what} path ${path} leaves the folder of ${file}`, [{ pointer: '', detail: `${what} path ${path} must stay inside ${baseDir}`, source: file }]);
  }
  return readFile(full, 'utf8').catch(error => {
    throw invalidInput(`${file}: could not read ${what} ${path}: ${(error as Error).message}`, [{ pointer: '', detail: `could not read ${path}`, source: file }]);
  });
}
