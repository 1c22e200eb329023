/**
 * The announcements module's table. It joins the store's `Database` by declaration merging; every file that
 * queries it imports this file, for types only.
 */

declare module '../store/schema.js' {
  interface Database {
    announcements: AnnouncementsTable;
  }
}

/** One published announcement; withdrawing deletes the row (the audit log keeps what it said). */
export interface AnnouncementsTable {
  id: string;
  title: string;
  /** Markdown. */
  text: string;
  /** JSON list of canonical group refs; `[]` for everyone. */
  audience: string;
  published_at: string;
  expires_at: string | null;
  author: string;
}
