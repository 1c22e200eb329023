/**
 * A location removed or pointed at another target while a refresh reads it (a slow clone, say): the refresh writes
 * nothing of what it read — answered 404 when the location is gone, read again at the new target when it moved —
 * instead of entities of a location that no longer exists, the old target's entities back, or a raw foreign-key error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';

const placeholderComponent = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  description: { $text: ./description.txt }
spec:
  type: service
  lifecycle: production
  owner: team-a
`;

await catalogOnEachStore('a refresh whose read ends after its location was removed or moved', { folder: 'pave-location-moved-' }, on => {
  it('leaves no entity of the removed location behind', async () => {
    mkdirSync(join(on.dir, 'loc'));
    // A placeholder makes the file one a refresh cannot skip, and records no location_files row (whose foreign key
    // would otherwise make the refresh fail with a database error instead).
    writeFileSync(join(on.dir, 'loc', 'description.txt'), 'payments');
    writeFileSync(join(on.dir, 'loc', 'catalog-info.yaml'), placeholderComponent);
    const { location } = await on.catalog.locations.register({ type: 'file', target: join(on.dir, 'loc', 'catalog-info.yaml') });
    // The removal runs while the refresh reads (a slow git clone, say): it has begun and not yet taken the write turn.
    const refresh = on.catalog.locations.refresh(location.id, { onFile: () => on.catalog.locations.remove(location.id) });
    await refresh.catch(() => undefined);
    expect((await on.catalog.locations.list()).map(listed => listed.id)).not.toContain(location.id);
    const left = await on.store.db.selectFrom('entities').select(['ref', 'location_id']).where('location_id', '=', location.id).execute();
    expect(left).toEqual([]);
  });

  it('keeps the entities of the new target when a refresh that read the old one ends after the location was moved', async () => {
    mkdirSync(join(on.dir, 'old'));
    mkdirSync(join(on.dir, 'new'));
    writeFileSync(join(on.dir, 'old', 'catalog-info.yaml'), placeholderComponent.replace('name: payments', 'name: old-one'));
    writeFileSync(join(on.dir, 'old', 'description.txt'), 'old');
    writeFileSync(join(on.dir, 'new', 'catalog-info.yaml'), placeholderComponent.replace('name: payments', 'name: new-one'));
    writeFileSync(join(on.dir, 'new', 'description.txt'), 'new');
    const { location } = await on.catalog.locations.register({ type: 'file', target: join(on.dir, 'old', 'catalog-info.yaml') });
    // The location is pointed at another target while a refresh reads the old one.
    await on.catalog.locations.refresh(location.id, { onFile: async () => void (await on.catalog.locations.update(location.id, { type: 'file', target: join(on.dir, 'new', 'catalog-info.yaml') })) }).catch(() => undefined);
    const names = (await on.store.db.selectFrom('entities').select('name').where('location_id', '=', location.id).execute()).map(row => row.name);
    expect(names).toEqual(['new-one']);
  });

  it('answers a refresh whose location was removed while it read 404, not a database error', async () => {
    mkdirSync(join(on.dir, 'plain'));
    writeFileSync(join(on.dir, 'plain', 'catalog-info.yaml'), placeholderComponent.replace('{ $text: ./description.txt }', 'plain'));
    const { location } = await on.catalog.locations.register({ type: 'file', target: join(on.dir, 'plain', 'catalog-info.yaml') });
    writeFileSync(join(on.dir, 'plain', 'catalog-info.yaml'), placeholderComponent.replace('{ $text: ./description.txt }', 'changed'));
    const refresh = on.catalog.locations.refresh(location.id, { onFile: () => on.catalog.locations.remove(location.id) });
    await expect(refresh).rejects.toMatchObject({ status: 404 });
    expect(await on.store.db.selectFrom('entities').select('ref').where('location_id', '=', location.id).execute()).toEqual([]);
  });
});
