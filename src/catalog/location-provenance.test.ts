import { describe, expect, it } from 'vitest';
import type { Entity } from '../core/entity.js';
import type { LocationContent } from './ingest/read-location.js';
import { annotateProvenance } from './location-provenance.js';

const content = (annotations: Record<string, string>): LocationContent =>
  ({ entities: [{ entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'a', annotations: { ...annotations } }, spec: {} } as Entity, source: 'file:/x', document: 0 }], errors: [], files: 1 }) as unknown as LocationContent;

describe('annotateProvenance', () => {
  it('writes the template, the task and who ran it into every entity a golden path registered', () => {
    const read = content({ 'backstage.io/source-template': 'template:default/old' });
    annotateProvenance(read, { template: 'template:default/service', templateVersion: '2.0.0', task: 't-1', createdBy: 'user:default/jane' });
    expect(read.entities[0]!.entity.metadata.annotations).toEqual({ 'backstage.io/source-template': 'template:default/service', 'pave.dev/source-template-version': '2.0.0', 'pave.dev/created-by-task': 't-1', 'pave.dev/created-by': 'user:default/jane' });
  });

  it('drops who-ran-it claims a file makes for itself, keeping what Backstage templates write', () => {
    const read = content({ 'pave.dev/created-by': 'user:default/ceo', 'pave.dev/created-by-task': 'forged', 'pave.dev/source-template-version': '9.9.9', 'backstage.io/source-template': 'template:default/service' });
    annotateProvenance(read, undefined);
    expect(read.entities[0]!.entity.metadata.annotations).toEqual({ 'backstage.io/source-template': 'template:default/service' });
  });
});
