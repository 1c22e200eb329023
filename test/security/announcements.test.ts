/**
 * Announcements (SECURITY.md §18): only the platform group publishes or withdraws them, an announcement for some
 * teams reaches no one else (not the guest, not through `all`), and bad input is refused whole. That the portal
 * renders their Markdown without running anything in it is tested in Chromium (test/browser/home.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPave, type DemoPave } from './demo-org.js';
import type { Announcement } from '../../src/announcements/announcement.js';

describe('announcements as an attack surface', () => {
  let demo: DemoPave;
  beforeAll(async () => {
    demo = await startDemoPave();
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('refuses publishing and withdrawing to those outside the platform team, and names every mistake of a bad announcement', async () => {
    const refused = await demo.developer('/api/announcements', { method: 'POST', body: { title: 'Hi', text: 'x' } });
    expect(refused.status).toBe(403);
    expect((await demo.guest('/api/announcements', { method: 'POST', body: { title: 'Hi', text: 'x' } })).status).toBe(403);
    expect((await demo.developer('/api/announcements?all=true')).status).toBe(403);
    expect((await demo.guest('/api/announcements?all=true')).status).toBe(403);

    const bad = await demo.admin('/api/announcements', { method: 'POST', body: { title: ' ', text: '', audience: ['component:default/payments'], expiresAt: '2001-01-01T00:00:00Z' } });
    expect(bad.status).toBe(422);
    const problem = (await bad.json()) as { errors: Array<{ pointer: string }> };
    expect(problem.errors.map(e => e.pointer).sort()).toEqual(['/audience/0', '/expiresAt', '/text', '/title']);
    const unknownField = await demo.admin('/api/announcements', { method: 'POST', body: { title: 'T', text: 'B', colour: 'red' } });
    expect(unknownField.status).toBe(400);
    expect((await demo.admin('/api/announcements?all=maybe')).status).toBe(400);
  });

  it('shows an announcement for the platform team to no one else, and lets no one else withdraw it', async () => {
    const published = (await (await demo.admin('/api/announcements', { method: 'POST', body: { title: 'Platform on-call', text: 'Rota changes.', audience: ['platform-team'] } })).json()) as Announcement;
    for (const caller of [demo.developer, demo.guest]) {
      const seen = ((await (await caller('/api/announcements')).json()) as { items: Announcement[] }).items;
      expect(seen.map(a => a.id)).not.toContain(published.id);
      expect((await caller(`/api/announcements/${published.id}`, { method: 'DELETE' })).status).toBe(403);
    }
    const mine = ((await (await demo.admin('/api/announcements')).json()) as { items: Announcement[] }).items;
    expect(mine.map(a => a.id)).toContain(published.id);
  });
});
