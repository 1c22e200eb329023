import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDocuments } from '../document-files.js';
import { validateCapability } from './capability-validation.js';
import { parseDurationSeconds } from './duration.js';

const DEMO = fileURLToPath(new URL('../../../demo/platform/capabilities/', import.meta.url));

describe('capability validation', () => {
  it('accepts every demo capability, with module files read in and defaults filled', async () => {
    for (const file of ['team-namespace', 'postgresql', 'redis', 'environment', 'preview-environment']) {
      const [raw] = await readDocuments(join(DEMO, `${file}.yaml`));
      const { capability, errors } = validateCapability(raw);
      expect(errors, file).toEqual([]);
      expect(capability!.spec.placement!.mode).toBe('one');
    }
    const [redis] = (await readDocuments(join(DEMO, 'redis.yaml'))) as Array<{ spec: { workflows: { configure: Array<{ source?: string }> } } }>;
    expect(redis!.spec.workflows.configure[0]!.source).toContain('export default function redis');
  });

  it('explains a module step published without its source', () => {
    const { errors } = validateCapability({
      apiVersion: 'pave.dev/v1alpha1',
      kind: 'Capability',
      metadata: { name: 'x' },
      spec: { version: '1.0.0', api: { group: 'x.example.com', version: 'v1', kind: 'X', schema: { type: 'object' } }, workflows: { configure: [{ name: 'm', type: 'module', path: './m.mjs' }] } },
    });
    expect(errors).toEqual([expect.objectContaining({ pointer: '/spec/workflows/configure/0/source', detail: expect.stringContaining('pave capability publish -f') })]);
  });

  it('takes an owning team as an entity ref', () => {
    const withOwner = (owner: unknown) =>
      validateCapability({
        apiVersion: 'pave.dev/v1alpha1',
        kind: 'Capability',
        metadata: { name: 'x' },
        spec: { version: '1.0.0', owner, api: { group: 'x.example.com', version: 'v1', kind: 'X', schema: { type: 'object' } }, workflows: { configure: [{ name: 't', type: 'template', files: [] }] } },
      });
    expect(withOwner('platform-team').errors).toEqual([]);
    expect(withOwner('group:default/platform-team').capability!.spec.owner).toBe('group:default/platform-team');
    for (const bad of [5, '', 'group:/x', 'group:default/']) expect(withOwner(bad).errors.map(e => `${e.pointer} ${e.rule}`), String(bad)).toEqual(['/spec/owner entity-ref']);
  });

  it('reads durations', () => {
    expect(parseDurationSeconds('90s')).toBe(90);
    expect(parseDurationSeconds('1h30m')).toBe(5400);
    expect(parseDurationSeconds(30)).toBe(30);
    expect(parseDurationSeconds('soon')).toBeUndefined();
    expect(parseDurationSeconds('0s')).toBeUndefined();
  });
});
