/** Announcements: the platform team publishes and withdraws them; everyone reads the ones meant for them. */
import { newId } from '../core/ids.js';
import { systemClock, type Clock } from '../core/clock.js';
import { invalidInput, notFound } from '../core/problem.js';
import type { AuditContext, AuditLog } from '../store/audit-log.js';
import type { EventLog } from '../store/event-log.js';
import type { Store } from '../store/store.js';
import type { Identity } from '../auth/identity.js';
import type { Authorizer } from '../auth/authorizer.js';
import { announcementErrors, canonicalAudience, isShownTo, type Announcement, type AnnouncementInput } from './announcement.js';
import type { AnnouncementsTable } from './announcements-tables.js';

export interface AnnouncementsServiceOptions {
  store: Store;
  log: EventLog;
  audit: AuditLog;
  permissions: Authorizer;
  clock?: Clock;
}

export interface AnnouncementQuery {
  /** Every announcement, expired and for other teams too (for those who manage them). */
  all?: boolean;
}

/** At most this many are kept visible at once: a home page is not a news feed. */
const MAX_LISTED = 200;

export class AnnouncementsService {
  readonly #o: AnnouncementsServiceOptions;
  readonly #clock: Clock;

  constructor(options: AnnouncementsServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** The announcements shown to the caller now, newest first; with `all`, every one (managers only). */
  async list(caller: Identity, query: AnnouncementQuery = {}): Promise<Announcement[]> {
    await this.#o.permissions.authorize(caller, query.all ? 'announcements.announcement.manage' : 'announcements.announcement.read');
    const now = this.#clock.now();
    let select = this.#o.store.db.selectFrom('announcements').selectAll();
    // Expired ones are left out by the database, so they never take the places of current ones under the cap.
    if (!query.all) select = select.where(eb => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.toISOString())]));
    const rows = await select.orderBy('published_at', 'desc').orderBy('id').limit(MAX_LISTED).execute();
    const announcements = rows.map(fromRow);
    return query.all ? announcements : announcements.filter(announcement => isShownTo(announcement, caller.groups, now));
  }

  async publish(caller: Identity, input: AnnouncementInput, context?: AuditContext): Promise<Announcement> {
    await this.#o.permissions.authorize(caller, 'announcements.announcement.manage');
    const now = this.#clock.now();
    const errors = announcementErrors(input, now);
    if (errors.length) throw invalidInput(`The announcement has ${errors.length} mistake(s)`, errors);
    const announcement: Announcement = {
      id: newId(),
      title: input.title.trim(),
      text: input.text,
      audience: canonicalAudience(input.audience),
      publishedAt: now.toISOString(),
      ...(input.expiresAt ? { expiresAt: new Date(input.expiresAt).toISOString() } : {}),
      author: caller.principal,
    };
    await this.#o.store.transaction(async trx => {
      await trx.insertInto('announcements').values(toRow(announcement)).execute();
      await this.#o.log.append(trx, { type: 'announcements.announcement.published', subject: `announcement:${announcement.id}`, actor: caller.principal, payload: { id: announcement.id, title: announcement.title, audience: announcement.audience } });
      await this.#o.audit.record({ actor: caller, action: 'announcements.announcement.publish', entityRef: `announcement:${announcement.id}`, after: announcement, context }, trx);
    });
    return announcement;
  }

  /** Removes an announcement from every home page; the audit log keeps what it said. */
  async withdraw(caller: Identity, id: string, context?: AuditContext): Promise<Announcement> {
    await this.#o.permissions.authorize(caller, 'announcements.announcement.manage');
    return this.#o.store.transaction(async trx => {
      // What the deletion removed, not what a read before it saw: a second withdrawal at once finds nothing (404).
      const row = await trx.deleteFrom('announcements').where('id', '=', id).returningAll().executeTakeFirst();
      if (!row) throw notFound(`No announcement ${id}`, [{ pointer: '/id', detail: 'names no announcement', rule: 'exists' }]);
      const announcement = fromRow(row);
      await this.#o.log.append(trx, { type: 'announcements.announcement.withdrawn', subject: `announcement:${id}`, actor: caller.principal, payload: { id } });
      await this.#o.audit.record({ actor: caller, action: 'announcements.announcement.withdraw', entityRef: `announcement:${id}`, before: announcement, context }, trx);
      return announcement;
    });
  }
}

function fromRow(row: AnnouncementsTable): Announcement {
  return {
    id: row.id,
    title: row.title,
    text: row.text,
    audience: JSON.parse(row.audience) as string[],
    publishedAt: row.published_at,
    ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
    author: row.author,
  };
}

function toRow(announcement: Announcement): AnnouncementsTable {
  return {
    id: announcement.id,
    title: announcement.title,
    text: announcement.text,
    audience: JSON.stringify(announcement.audience),
    published_at: announcement.publishedAt,
    expires_at: announcement.expiresAt ?? null,
    author: announcement.author,
  };
}
