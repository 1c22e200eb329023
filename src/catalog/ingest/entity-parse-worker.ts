/**
 * A worker thread of the entity parse pool (entity-parse-pool.ts): parses entity files' YAML off the main thread
 * and sends the documents back as plain data. It is its own bundle entry (scripts/bundle-cli.ts).
 */
import { parentPort } from 'node:worker_threads';
import { plainYamlDocuments } from './yaml-documents.js';
import type { EntityParseJob, EntityParseResult } from './entity-parse-pool.js';

parentPort!.on('message', (job: EntityParseJob) => {
  const result: EntityParseResult = { id: job.id, documents: plainYamlDocuments(job.text, job.source, { maxDocumentBytes: job.maxDocumentBytes }) };
  parentPort!.postMessage(result);
});
