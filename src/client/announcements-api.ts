import type { Announcement, AnnouncementInput } from '../announcements/announcement.js';
import type { ApiConnection } from './api-connection.js';

/** Announcements from the platform team under /api/announcements. */
export class AnnouncementsApi {
  constructor(private readonly api: ApiConnection) {}

  /** The ones shown to the caller now; with `all`, every one (for those who manage them). */
  async list(query: { all?: boolean } = {}): Promise<Announcement[]> {
    return (await this.api.json<{ items: Announcement[] }>({ method: 'GET', path: '/api/announcements', query: { ...(query.all ? { all: 'true' } : {}) } })).items;
  }

  publish(input: AnnouncementInput): Promise<Announcement> {
    return this.api.json({ method: 'POST', path: '/api/announcements', body: input });
  }

  withdraw(id: string): Promise<Announcement> {
    return this.api.json({ method: 'DELETE', path: `/api/announcements/${encodeURIComponent(id)}` });
  }
}
