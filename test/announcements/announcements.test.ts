import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPave, ADMIN, type DemoPave } from '../security/demo-org.js';
import { runCli } from '../support/run-cli.js';
import { tokenFor } from '../auth/support.js';
import type { Announcement } from '../../src/announcements/announcement.js';

/** The ids of the announcements a list answer holds. */
async function ids(response: Response): Promise<string[]> {
  return ((await response.json()) as { items: Announcement[] }).items.map(a => a.id);
}

describe('announcements from the platform team', () => {
  let demo: DemoPave;
  beforeAll(async () => {
    demo = await startDemoPave();
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('shows an announcement to its teams only, audits it, and withdraws it from every home page', async () => {
    const published = await demo.admin('/api/announcements', { method: 'POST', body: { title: 'Checkout freeze', text: 'No deploys on **Friday**.', audience: ['checkout-team'] } });
    expect(published.status).toBe(201);
    const announcement = (await published.json()) as Announcement;
    expect(announcement).toMatchObject({ title: 'Checkout freeze', audience: ['group:default/checkout-team'], author: ADMIN });

    // The developer is in checkout-team; the admin is not, and sees it only when asking for every one.
    expect(await ids(await demo.developer('/api/announcements'))).toContain(announcement.id);
    expect(await ids(await demo.admin('/api/announcements'))).not.toContain(announcement.id);
    expect(await ids(await demo.admin('/api/announcements?all=true'))).toContain(announcement.id);

    const audit = await demo.pave.app.audit.query({ action: 'announcements.announcement.publish' });
    expect(audit.items[0]).toMatchObject({ actor: ADMIN, entityRef: `announcement:${announcement.id}` });
    const events = await demo.pave.app.eventLog.read({ types: ['announcements.*'] });
    expect(events.map(event => event.type)).toContain('announcements.announcement.published');

    expect((await demo.admin(`/api/announcements/${announcement.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await ids(await demo.developer('/api/announcements'))).not.toContain(announcement.id);
    expect((await demo.admin(`/api/announcements/${announcement.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('publishes, lists and withdraws from the CLI, with one-line JSON errors', async () => {
    // The CLI against the running server, signed in as a platform-team member with a token.
    const env = { PAVE_SERVER: demo.pave.url, PAVE_TOKEN: await tokenFor(demo.pave.app, ADMIN), HOME: demo.demoDir };
    const cli = (args: string[]) => runCli(args, { cwd: demo.demoDir, env });
    const published = await cli(['--json', 'announcement', 'publish', '--title', 'Maintenance', '--text', 'Git is read-only at 18:00.']);
    expect(published.code, published.stderr).toBe(0);
    const { id } = JSON.parse(published.stdout);
    const listed = await cli(['announcement', 'list']);
    expect(listed.stdout).toMatch(/Maintenance\s+everyone/);
    const bad = await cli(['--json', 'announcement', 'publish', '--title', 'Soon', '--text', 'x', '--expires', 'tomorrow']);
    expect(bad.code).not.toBe(0);
    expect(JSON.parse(bad.stderr.trim())).toMatchObject({ status: 422, errors: [{ pointer: '/expiresAt' }] });
    expect((await cli(['announcement', 'withdraw', id])).code).toBe(0);
  });
});
