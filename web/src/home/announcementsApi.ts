/**
 * Typed calls to the platform team's announcements (`/api/announcements`). Shapes are the server's own
 * (type-only imports: nothing of src/ is bundled); errors are `ApiError` problems.
 */
import { apiRequest } from '../lib/api';
import type { Announcement, AnnouncementInput } from '../../../src/announcements/announcement.js';
export type { Announcement, AnnouncementInput };

/** The ones shown to the caller now; with `all`, every one, expired and for other teams too (for those who manage them). */
export function listAnnouncements(all: boolean, signal?: AbortSignal): Promise<{ items: Announcement[] }> {
  return apiRequest(all ? '/api/announcements?all=true' : '/api/announcements', { signal });
}

export function publishAnnouncement(input: AnnouncementInput): Promise<Announcement> {
  return apiRequest('/api/announcements', { method: 'POST', json: input });
}

export function withdrawAnnouncement(id: string): Promise<Announcement> {
  return apiRequest(`/api/announcements/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
