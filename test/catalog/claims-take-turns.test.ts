/**
 * Writers that decide from what is stored, at once on PostgreSQL: the read they decide from must come in the
 * catalog's write turn (catalog-write-lock.ts), or the second writes over what the first did. Two locations claiming
 * one entity both saw no owner (and the second failed on the entity's unique ref); two saves of one entity at the
 * same etag both passed the check (the second lost the first's change without a word).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresFactory } from '../support/stores.js';
import type { Entity } from '../../src/core/entity.js';
import { AuditLog } from '../../src/store/audit-log.js';
import { catalogServiceOver } from '../support/catalog-service.js';
import { holdCatalogWrites, writersInTurn } from '../support/catalog-write-turn.js';
import { waitersBehind } from '../support/held-rows.js';

const pg = await postgresFactory();

const claim = (team: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
spec:
  type: service
  lifecycle: production
  owner: ${team}
`;

describe.skipIf(Boolean(pg.unavailable))('writers deciding from what is stored, at once: postgres', () => {
  it('lets the first of two locations claiming one entity keep it, and reports the second as a conflict', async () => {
    const handle = await pg.open();
    const dir = mkdtempSync(join(tmpdir(), 'pave-claims-'));
    try {
      const catalog = catalogServiceOver(handle.store);
      for (const team of ['team-a', 'team-b']) {
        mkdirSync(join(dir, team));
        writeFileSync(join(dir, team, 'catalog-info.yaml'), claim(team));
      }
      // Another writer holds the catalog, so both registrations have read their files and queue for their turn.
      const outcomes = await writersInTurn<unknown>(handle.store, [() => catalog.locations.register({ type: 'file', target: join(dir, 'team-a', 'catalog-info.yaml') }), () => catalog.locations.register({ type: 'file', target: join(dir, 'team-b', 'catalog-info.yaml') })]);
      const summaries = outcomes.map(outcome => (outcome.status === 'fulfilled' ? (outcome.value as { summary?: { created: number; conflicts: number } }).summary : undefined));
      // One created it; the other was told it is defined elsewhere (which one is PostgreSQL's order of the queue).
      expect(summaries.map(summary => summary?.created).sort()).toEqual([0, 1]);
      expect(summaries.map(summary => summary?.conflicts).sort()).toEqual([0, 1]);
      const winner = summaries.findIndex(summary => summary?.created === 1);
      const stored = await catalog.entities.byRef('component:default/payments');
      expect(stored?.spec?.owner).toBe(['team-a', 'team-b'][winner]);
    } finally {
      await handle.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the first of two saves at one etag and refuses the second', async () => {
    const handle = await pg.open();
    try {
      const catalog = catalogServiceOver(handle.store);
      const base: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'ledger' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } };
      const { entity: loaded } = await catalog.saveEntity(base);
      // Both were loaded at the same etag; each changes something else.
      const edits = [{ lifecycle: 'deprecated' }, { type: 'website' }].map(change => ({ ...loaded, spec: { ...loaded.spec, ...change } }));
      const outcomes = await writersInTurn(handle.store, edits.map(edit => () => catalog.saveEntity(edit)));
      expect(outcomes).toMatchObject([{ status: 'fulfilled' }, { status: 'rejected', reason: { status: 409 } }]);
      const stored = await catalog.entities.byRef('component:default/ledger');
      expect(stored?.spec).toMatchObject({ lifecycle: 'deprecated', type: 'service' });
    } finally {
      await handle.dispose();
    }
  });

  it('removes a location with the entity a refresh queued before it added', async () => {
    const handle = await pg.open();
    const dir = mkdtempSync(join(tmpdir(), 'pave-claims-'));
    try {
      const catalog = catalogServiceOver(handle.store);
      const file = join(dir, 'catalog-info.yaml');
      writeFileSync(file, claim('team-a'));
      const { location } = await catalog.locations.register({ type: 'file', target: file });
      writeFileSync(file, `${claim('team-a')}---\n${claim('team-a').replace('name: payments', 'name: refunds')}`);
      const writer = await holdCatalogWrites(handle.store);
      const refresh = catalog.locations.refresh(location.id);
      await expect.poll(() => waitersBehind(handle.store.db, writer.pid)).toBe(1);
      const removal = catalog.locations.remove(location.id);
      await expect.poll(() => waitersBehind(handle.store.db, writer.pid)).toBe(2);
      writer.release();
      await writer.done;
      expect((await refresh).created).toBe(1);
      await removal;
      // Nothing of the location is left: not the entity it had, nor the one its refresh added meanwhile.
      expect((await catalog.entities.query({ filter: ['kind=component'], limit: 10 })).totalItems).toBe(0);
    } finally {
      await handle.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deletes an entity once when two delete it at once, and audits one deletion', async () => {
    const handle = await pg.open();
    try {
      const catalog = catalogServiceOver(handle.store);
      const { entity } = await catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'ledger' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } });
      const outcomes = await writersInTurn<unknown>(handle.store, [() => catalog.deleteByUid(entity.metadata.uid!, { actor: 'user:default/ana' }), () => catalog.deleteByUid(entity.metadata.uid!, { actor: 'user:default/ben' })]);
      expect(outcomes.map(outcome => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(outcomes.find(outcome => outcome.status === 'rejected')).toMatchObject({ reason: { status: 404 } });
      expect((await new AuditLog(handle.store).query({ action: 'catalog.entity.delete' })).items).toHaveLength(1);
    } finally {
      await handle.dispose();
    }
  });

  // The platform's mirror saves without an etag (catalog-mirror.ts #save), and every replica mirrors every capability
  // at start (serve-command.ts: app.platform.mirrorCapabilities()): two replicas starting together write the same entity.
  it('stores the same entity saved twice at once without an etag, refusing neither', async () => {
    const handle = await pg.open();
    try {
      const catalog = catalogServiceOver(handle.store);
      const entity: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'ledger' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } };
      const outcomes = await writersInTurn<unknown>(handle.store, [() => catalog.saveEntity(entity), () => catalog.saveEntity(entity)]);
      expect(outcomes.map(outcome => (outcome.status === 'rejected' ? String(outcome.reason) : outcome.status))).toEqual(['fulfilled', 'fulfilled']);
    } finally {
      await handle.dispose();
    }
  });

  it('removes a location once when two remove it at once, and audits one removal', async () => {
    const handle = await pg.open();
    const dir = mkdtempSync(join(tmpdir(), 'pave-claims-'));
    try {
      const catalog = catalogServiceOver(handle.store);
      writeFileSync(join(dir, 'catalog-info.yaml'), claim('team-a'));
      const { location } = await catalog.locations.register({ type: 'file', target: join(dir, 'catalog-info.yaml') });
      const outcomes = await writersInTurn<unknown>(handle.store, [() => catalog.locations.remove(location.id, { actor: 'user:default/ana' }), () => catalog.locations.remove(location.id, { actor: 'user:default/ben' })]);
      expect(outcomes.map(outcome => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(outcomes.find(outcome => outcome.status === 'rejected')).toMatchObject({ reason: { status: 404 } });
      expect((await new AuditLog(handle.store).query({ action: 'catalog.location.delete' })).items).toHaveLength(1);
    } finally {
      await handle.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
