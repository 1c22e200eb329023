import { randomUUID } from 'node:crypto';
import type { Authorizer } from '../auth/authorizer.js';
import type { Identity } from '../auth/identity.js';
import { systemClock, type Clock } from '../core/clock.js';
import { conflict, forbidden, invalidInput } from '../core/problem.js';
import type { AuditContext, AuditLog } from '../store/audit-log.js';
import type { EventLog } from '../store/event-log.js';
import type { Store } from '../store/store.js';
import { occasionOf, pulseErrors, PULSE_EVENT_TYPES, PULSE_QUESTIONS, type PulseInput, type PulseOccasion, type PulseOccasionKind, type PulseQuestion, type PulseSubjectResult } from './pulse.js';
import { likertAggregate, textAggregate } from './survey-aggregates.js';
import type {} from './surveys-tables.js';

export interface PulseServiceOptions {
  store: Store;
  log: EventLog;
  audit: AuditLog;
  permissions: Authorizer;
  /** The surveys' anonymity threshold: a subject's numbers and comments show from this many answers. */
  minRespondents: () => number;
  clock?: Clock;
}

/**
 * The in-context pulse: one question after a golden path run completes or a platform request becomes Ready,
 * answered at most once per person and occasion, stored as anonymously as survey answers (no person, the
 * month only, a random id; the "has answered" marker has no time and no link). Occasions are read from the
 * event log, so surveys depends on no other module's tables: the task's creator, or a member of the team
 * owning the request may rate it (the reconciler's Ready event names no actor).
 */
export class PulseService {
  readonly #o: PulseServiceOptions;
  readonly #clock: Clock;

  constructor(options: PulseServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** The question an occasion asks the caller, and whether they answered it: what the portal shows. */
  async question(caller: Identity, occasion: string): Promise<PulseQuestion> {
    await this.#o.permissions.authorize(caller, 'surveys.response.submit');
    const found = await this.#occasion(caller, occasion);
    const answered = await this.#o.store.db.selectFrom('survey_pulse_respondents').select('occasion').where('occasion', '=', found.occasion).where('principal', '=', caller.principal).executeTakeFirst();
    return { occasion: found.occasion, kind: found.kind, subject: found.subject, question: found.question, answered: Boolean(answered) };
  }

  async answer(caller: Identity, input: PulseInput, context?: AuditContext): Promise<{ occasion: string; recorded: true }> {
    await this.#o.permissions.authorize(caller, 'surveys.response.submit');
    const errors = pulseErrors(input);
    if (errors.length) throw invalidInput(`The pulse answer has ${errors.length} mistake(s)`, errors);
    const found = await this.#occasion(caller, input.occasion);
    const comment = input.comment?.trim();
    await this.#o.store.transaction(async trx => {
      try {
        await trx.insertInto('survey_pulse_respondents').values({ occasion: found.occasion, principal: caller.principal }).execute();
      } catch {
        throw conflict(`You have rated ${found.occasion} already`, [{ pointer: '/occasion', detail: 'is rated already: one answer per person', rule: 'unique' }]);
      }
      await trx
        .insertInto('survey_pulses')
        .values({ id: randomUUID(), occasion_kind: found.kind, subject: found.subject, month: this.#clock.now().toISOString().slice(0, 7), score: input.score, comment: comment || null })
        .execute();
      // As with survey answers: the event names nobody (nor the occasion, whose events name who ran it); the audit
      // entry names the person and the occasion only.
      await this.#o.log.append(trx, { type: 'surveys.pulse.recorded', subject: found.subject, payload: { kind: found.kind } });
      await this.#o.audit.record({ actor: caller, action: 'surveys.response.submit', entityRef: found.occasion, context }, trx);
    });
    return { occasion: found.occasion, recorded: true };
  }

  /**
   * Each template's and capability's ratings of the months that have ended, numbers only from the threshold on;
   * worst-rated first. A month's ratings show from the next month on, as a survey run's results show at its close:
   * results that moved with each rating would tell whose it was to anyone who saw when a person's run completed.
   */
  async results(caller: Identity): Promise<{ minRespondents: number; items: PulseSubjectResult[] }> {
    await this.#o.permissions.authorize(caller, 'surveys.results.read');
    const min = this.#o.minRespondents();
    const thisMonth = this.#clock.now().toISOString().slice(0, 7);
    const rows = await this.#o.store.db.selectFrom('survey_pulses').select(['occasion_kind', 'subject', 'score', 'comment']).where('month', '<', thisMonth).execute();
    const groups = new Map<string, { kind: PulseOccasionKind; subject: string; scores: number[]; comments: string[] }>();
    for (const row of rows) {
      const key = `${row.occasion_kind}\u0000${row.subject}`;
      const group = groups.get(key) ?? { kind: row.occasion_kind as PulseOccasionKind, subject: row.subject, scores: [], comments: [] };
      group.scores.push(Number(row.score));
      if (row.comment) group.comments.push(row.comment);
      groups.set(key, group);
    }
    const items = [...groups.values()].map((group): PulseSubjectResult => {
      const base = { kind: group.kind, subject: group.subject, question: PULSE_QUESTIONS[group.kind], answered: group.scores.length };
      if (group.scores.length < min) return { ...base, shown: false, reason: `Fewer than ${min} people rated it: no numbers, to keep them anonymous.` };
      const { mean, favourable } = likertAggregate(group.scores);
      return { ...base, shown: true, mean, favourable, comments: textAggregate(group.comments).answers };
    });
    items.sort((a, b) => (a.mean ?? Infinity) - (b.mean ?? Infinity) || a.subject.localeCompare(b.subject));
    return { minRespondents: min, items };
  }

  /** The finished occasion by its ref, if the caller may rate it (else a problem naming /occasion). */
  async #occasion(caller: Identity, ref: string): Promise<PulseOccasion> {
    const occasion = ref.toLowerCase();
    const events = await this.#o.log.read({ subject: occasion, types: PULSE_EVENT_TYPES, limit: 1000 });
    const found = events.map(occasionOf).findLast(o => o !== undefined);
    if (!found) throw invalidInput(`${ref} has not finished: a pulse follows a golden path run that completed or a platform request that became Ready`, [{ pointer: '/occasion', detail: 'is no completed task or Ready request', rule: 'finished' }]);
    const { principal, team } = found.askedOf;
    const mayRate = caller.principal === principal || (team !== undefined && caller.groups.includes(team));
    if (!mayRate) throw forbidden(`Only the person who ran it or its team rates ${found.occasion}`, [{ pointer: '/occasion', detail: 'is not yours to rate', rule: 'owner' }]);
    return found;
  }
}
