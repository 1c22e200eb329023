/**
 * Brace globs (`{a,b}`) in location targets, registered and nested, in a folder and in a git repository:
 * the files they name load, the others do not, and an entity's ancestry leads through the nested Location
 * whose brace glob named its file up to the registered location.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPave } from '../support/pave-server.js';
import { TempDirs, component, entityYaml, json, makeRepo, registerLocation, removeLocation, startApiPave, writeFiles } from './support.js';

const temp = new TempDirs();
let pave: RunningPave;
beforeAll(async () => {
  pave = await startApiPave();
});
afterAll(async () => {
  await pave?.close();
  temp.cleanup();
});

const FILES = (prefix: string) => ({
  'catalog-info.yaml': entityYaml('Location', `${prefix}-teams`, { targets: ['./{team-a,team-b}/*.{yaml,yml}'] }),
  'extra.yaml': component(`${prefix}-extra`),
  'ignored.yaml': component(`${prefix}-ignored`),
  'team-a/a.yaml': component(`${prefix}-a`),
  'team-b/b.yml': component(`${prefix}-b`),
  'team-b/b.json': '{}',
  'team-c/c.yaml': component(`${prefix}-c`),
});

const ancestry = async (name: string) =>
  (await json<{ items: Array<{ entity: { metadata: { name: string } }; parentEntityRefs: string[] }> }>(await fetch(`${pave.url}/api/catalog/entities/by-name/component/default/${name}/ancestry`))).items.map(
    item => [item.entity.metadata.name.replace(/^generated-.*/, 'generated'), item.parentEntityRefs.map(ref => ref.replace(/generated-.*/, 'generated'))],
  );

describe('brace globs in location targets', () => {
  it.each([
    ['file', (dir: string) => join(dir, '{catalog-info,extra}.yaml')],
    ['url', (dir: string) => `${dir}#main:{catalog-info,extra}.yaml`],
  ] as const)('%s: loads what the braces name, and ancestry follows them', async (type, target) => {
    const dir = temp.make();
    if (type === 'file') writeFiles(dir, FILES(type));
    else makeRepo(dir, FILES(type));
    const { location, errors, entities } = await registerLocation(pave.url, type, target(dir));
    expect(errors).toEqual([]);
    expect(entities.map(e => e.metadata.name).sort()).toEqual([`${type}-a`, `${type}-b`, `${type}-extra`, `${type}-teams`]);
    expect(await ancestry(`${type}-b`)).toEqual([
      [`${type}-b`, [`location:default/${type}-teams`]],
      [`${type}-teams`, ['location:default/generated']],
      ['generated', []],
    ]);
    await removeLocation(pave.url, location.id);
  });
});
