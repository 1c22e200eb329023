/**
 * An announcement from the platform team: a short Markdown note shown on the portal's home page to everyone or
 * to some teams, until it expires or is withdrawn.
 */
import { fieldChecks } from '../core/field-checks.js';
import type { FieldError } from '../core/problem.js';
import { stringifyEntityRef, tryParseEntityRef } from '../core/entity-ref.js';

export interface Announcement {
  id: string;
  title: string;
  /** Markdown (the portal renders it sanitized). */
  text: string;
  /** Group refs it is shown to; empty for everyone. */
  audience: string[];
  publishedAt: string;
  /** After this instant it is no longer shown; absent: until withdrawn. */
  expiresAt?: string;
  /** Who published it (a principal). */
  author: string;
}

export interface AnnouncementInput {
  title: string;
  text: string;
  audience?: string[];
  expiresAt?: string;
}

export const MAX_TITLE = 120;
export const MAX_TEXT = 10_000;
export const MAX_AUDIENCE = 50;

/** Every mistake of an announcement about to be published, each at its field; `audience` comes back canonical. */
export function announcementErrors(input: AnnouncementInput, now: Date): FieldError[] {
  const title = input.title.trim();
  const expires = input.expiresAt === undefined ? undefined : Date.parse(input.expiresAt);
  return fieldChecks(check => {
    check(title.length > 0, '/title', 'must not be empty');
    check(title.length <= MAX_TITLE, '/title', `must be at most ${MAX_TITLE} characters`);
    check(input.text.trim().length > 0, '/text', 'must not be empty');
    check(input.text.length <= MAX_TEXT, '/text', `must be at most ${MAX_TEXT} characters`);
    check((input.audience ?? []).length <= MAX_AUDIENCE, '/audience', `must name at most ${MAX_AUDIENCE} groups`);
    (input.audience ?? []).forEach((ref, index) => check(tryParseEntityRef(ref, { defaultKind: 'group' })?.kind.toLowerCase() === 'group', `/audience/${index}`, `must be a group ref such as group:default/payments (got "${ref}")`));
    if (expires !== undefined) {
      check(!Number.isNaN(expires), '/expiresAt', 'must be a date and time (ISO 8601)');
      check(Number.isNaN(expires) || expires > now.getTime(), '/expiresAt', 'must be in the future');
    }
  });
}

/** The audience as canonical group refs (`group:default/payments`), without repeats. */
export function canonicalAudience(audience: readonly string[] | undefined): string[] {
  return [...new Set((audience ?? []).map(ref => stringifyEntityRef(tryParseEntityRef(ref, { defaultKind: 'group' })!)))];
}

/** Whether `announcement` is shown, at `now`, to someone in `groups` (canonical refs, ancestors included). */
export function isShownTo(announcement: Announcement, groups: readonly string[], now: Date): boolean {
  if (announcement.expiresAt && Date.parse(announcement.expiresAt) <= now.getTime()) return false;
  if (announcement.audience.length === 0) return true;
  const mine = new Set(groups.map(group => group.toLowerCase()));
  return announcement.audience.some(group => mine.has(group));
}
