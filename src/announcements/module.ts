/** Announcements from the platform team on the portal's home page, as a Pave module. */
import { defineModule } from '../pave-module.js';
import { announcementsMigration } from './migrations/0025-announcements.js';
import type { AnnouncementsService } from './announcements-service.js';
import { announcementCommands } from '../cli/announcement-commands.js';

export const announcementsModule = defineModule({
  name: 'announcements',
  description: "Announcements from the platform team, shown on the home page to everyone or to some teams until they expire or are withdrawn",
  requires: ['auth'],
  permissions: [
    { action: 'announcements.announcement.read', description: 'See the announcements meant for you' },
    { action: 'announcements.announcement.manage', description: 'Publish and withdraw announcements, and see every one' },
  ],
  eventTypes: [
    { type: 'announcements.announcement.published', description: 'An announcement was published (payload: id, title, audience)', read: { action: 'announcements.announcement.read' } },
    { type: 'announcements.announcement.withdrawn', description: 'An announcement was withdrawn (payload: id)', read: { action: 'announcements.announcement.read' } },
  ],
  migrations: [announcementsMigration],
  defaultRules: auth => [
    { id: 'default.announcements-read', description: 'Everyone signed in sees the announcements meant for them', effect: 'allow', actions: ['announcements.announcement.read'], subjects: ['role:signed-in'] },
    { id: 'default.announcements-manage', description: `Members of ${auth.platformGroup} publish and withdraw announcements`, effect: 'allow', actions: ['announcements.announcement.manage'], subjects: [auth.platformGroup] },
  ],
  create: async ({ store, eventLog, audit, app }): Promise<AnnouncementsService> =>
    new (await import('./announcements-service.js')).AnnouncementsService({ store, log: eventLog, audit, permissions: app.auth.permissions }),
  async routes(api, announcements) {
    const { announcementsRoutes } = await import('../api/routes/announcements-routes.js');
    await api.register(announcementsRoutes, { prefix: '/announcements', announcements });
  },
  cli: ({ output, globals }) => [announcementCommands(output, globals)],
});
