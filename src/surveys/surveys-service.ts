import { randomUUID } from 'node:crypto';
import type { Authorizer } from '../auth/authorizer.js';
import { newId } from '../core/ids.js';
import { systemClock, type Clock } from '../core/clock.js';
import { conflict, forbidden, invalidInput, notFound, type FieldError } from '../core/problem.js';
import type { AuditContext, AuditLog } from '../store/audit-log.js';
import type { EventLog } from '../store/event-log.js';
import type { Db, Store } from '../store/store.js';
import type { Identity } from '../auth/identity.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';
import type { SurveysConfig } from './surveys-config.js';
import { answerError, questionErrors, type Question } from './question.js';
import { defaultQuestionnaire } from './default-questionnaire.js';
import { runState, type Audience, type Survey, type SurveyRun } from './survey-run.js';
import { runResults, type RunResults } from './survey-results.js';
import { surveyTrend, type QuestionTrend } from './survey-trend.js';
import { PulseService } from './pulse-service.js';
import type {} from './surveys-tables.js';

export interface SurveysServiceOptions {
  store: Store;
  log: EventLog;
  audit: AuditLog;
  permissions: Authorizer;
  /** Users' direct teams, for the team an answer counts for; audience sizes. */
  entities: EntityReader;
  config: SurveysConfig;
  clock?: Clock;
}

export interface SurveyInput {
  title: string;
  /** The default questionnaire when absent. */
  questions?: Question[];
}

export interface RunInput {
  title?: string;
  audience?: Audience;
  /** Now when absent. */
  opensAt?: string;
  closesAt: string;
}

export interface AnswerInput {
  answers: Record<string, unknown>;
  /** The team the answers count for: one of the caller's groups (default: their own team in the audience). */
  team?: string;
}

/** One closed run's response rate, for the maturity evidence. */
export interface ResponseRate {
  runId: string;
  title: string;
  closesAt: string;
  respondents: number;
  audience: number;
  rate: number;
}

const MAX_TITLE = 200;
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Developer-experience surveys: questionnaires (edited between runs, questions keep their ids), runs with an
 * audience and dates, anonymous answers, and results under the anonymity threshold.
 *
 * Anonymity: an answer is stored with its team and nothing else (no person, no time, a random id); the
 * separate marker "this person answered run X" has no time and no link to the answer; the answer's audit
 * entry names the person and the run only (no answers, no hash of them: a hash would confirm a guess); its
 * event names nobody. Results are computed by `runResults`.
 */
export class SurveysService {
  readonly #o: SurveysServiceOptions;
  readonly #clock: Clock;
  /** The one-question pulse after a golden path or a platform request, in the same anonymous store. */
  readonly pulse: PulseService;

  constructor(options: SurveysServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.pulse = new PulseService({ ...options, minRespondents: () => this.minRespondents });
  }

  get minRespondents(): number {
    return this.#o.config.minRespondents;
  }

  defaultQuestionnaire(): Question[] {
    return defaultQuestionnaire();
  }

  async listSurveys(caller: Identity): Promise<Survey[]> {
    await this.#o.permissions.authorize(caller, 'surveys.survey.read');
    const rows = await this.#o.store.db.selectFrom('surveys').selectAll().orderBy('created_at', 'asc').execute();
    return rows.map(surveyOf);
  }

  async getSurvey(caller: Identity, id: string): Promise<Survey> {
    await this.#o.permissions.authorize(caller, 'surveys.survey.read');
    return this.#survey(this.#o.store.db, id);
  }

  async createSurvey(caller: Identity, input: SurveyInput, context?: AuditContext): Promise<Survey> {
    await this.#o.permissions.authorize(caller, 'surveys.survey.manage');
    const questions = input.questions ?? defaultQuestionnaire();
    const errors = [...titleErrors(input.title), ...questionErrors(questions)];
    if (errors.length) throw invalidInput(`The survey has ${errors.length} mistake(s)`, errors);
    const now = this.#now();
    const survey: Survey = { id: newId(), title: input.title.trim(), questions, createdAt: now, updatedAt: now };
    await this.#o.store.transaction(async trx => {
      await trx.insertInto('surveys').values({ id: survey.id, title: survey.title, questions: JSON.stringify(questions), created_at: now, updated_at: now }).execute();
      await this.#o.log.append(trx, { type: 'surveys.survey.created', subject: `survey:${survey.id}`, actor: caller.principal, payload: { id: survey.id, questions: questions.length } });
      await this.#o.audit.record({ actor: caller, action: 'surveys.survey.create', entityRef: `survey:${survey.id}`, after: survey, context }, trx);
    });
    return survey;
  }

  /** Edits the questionnaire: runs already made keep the questions they were made with. */
  async updateSurvey(caller: Identity, id: string, changes: Partial<SurveyInput>, context?: AuditContext): Promise<Survey> {
    await this.#o.permissions.authorize(caller, 'surveys.survey.manage');
    const errors = [...(changes.title !== undefined ? titleErrors(changes.title) : []), ...(changes.questions !== undefined ? questionErrors(changes.questions) : [])];
    if (errors.length) throw invalidInput(`The survey change has ${errors.length} mistake(s)`, errors);
    return this.#o.store.transaction(async trx => {
      const before = await this.#survey(trx, id);
      const after: Survey = { ...before, ...(changes.title !== undefined ? { title: changes.title.trim() } : {}), ...(changes.questions ? { questions: changes.questions } : {}), updatedAt: this.#now() };
      await trx.updateTable('surveys').set({ title: after.title, questions: JSON.stringify(after.questions), updated_at: after.updatedAt }).where('id', '=', id).execute();
      await this.#o.log.append(trx, { type: 'surveys.survey.updated', subject: `survey:${id}`, actor: caller.principal, payload: { id, questions: after.questions.length } });
      await this.#o.audit.record({ actor: caller, action: 'surveys.survey.update', entityRef: `survey:${id}`, before, after, context }, trx);
      return after;
    });
  }

  /** Runs, newest first, each with its count of respondents and, for the caller, whether they answered and are asked. */
  async listRuns(caller: Identity, query: { surveyId?: string } = {}): Promise<SurveyRun[]> {
    await this.#o.permissions.authorize(caller, 'surveys.survey.read');
    let select = this.#o.store.db.selectFrom('survey_runs').selectAll().orderBy('opens_at', 'desc').orderBy('id', 'desc');
    if (query.surveyId) select = select.where('survey_id', '=', query.surveyId);
    const rows = await select.execute();
    return Promise.all(rows.map(row => this.#run(this.#o.store.db, row, caller)));
  }

  async getRun(caller: Identity, runId: string): Promise<SurveyRun> {
    await this.#o.permissions.authorize(caller, 'surveys.survey.read');
    return this.#run(this.#o.store.db, await this.#runRow(this.#o.store.db, runId), caller);
  }

  /** Opens a run of the questionnaire as it is now, for its audience, from `opensAt` (now) to `closesAt`. */
  async openRun(caller: Identity, surveyId: string, input: RunInput, context?: AuditContext): Promise<SurveyRun> {
    await this.#o.permissions.authorize(caller, 'surveys.survey.manage');
    const now = this.#now();
    const opensAt = input.opensAt ?? now;
    const audience = input.audience ?? { type: 'everyone' };
    const errors: FieldError[] = [];
    if (input.title !== undefined) errors.push(...titleErrors(input.title));
    if (!ISO.test(opensAt) || Number.isNaN(Date.parse(opensAt))) errors.push({ pointer: '/opensAt', detail: 'must be a date or time in ISO-8601, e.g. 2026-03-02T09:00:00Z', rule: 'format' });
    if (typeof input.closesAt !== 'string' || !ISO.test(input.closesAt) || Number.isNaN(Date.parse(input.closesAt))) errors.push({ pointer: '/closesAt', detail: 'must be a date or time in ISO-8601, e.g. 2026-03-16T17:00:00Z', rule: 'format' });
    else if (Date.parse(input.closesAt) <= Math.max(Date.parse(opensAt) || 0, Date.parse(now))) errors.push({ pointer: '/closesAt', detail: 'must be after the opening and in the future', rule: 'order' });
    errors.push(...audienceErrors(audience));
    if (errors.length) throw invalidInput(`The run has ${errors.length} mistake(s)`, errors);
    return this.#o.store.transaction(async trx => {
      const survey = await this.#survey(trx, surveyId);
      const row = {
        id: newId(),
        survey_id: survey.id,
        title: input.title?.trim() ?? survey.title,
        questions: JSON.stringify(survey.questions),
        audience: JSON.stringify(normalAudience(audience)),
        opens_at: new Date(opensAt).toISOString(),
        closes_at: new Date(input.closesAt).toISOString(),
        closed_at: null,
        reminded_at: null,
        created_at: now,
      };
      await trx.insertInto('survey_runs').values(row).execute();
      await this.#o.log.append(trx, { type: 'surveys.run.opened', subject: `survey-run:${row.id}`, actor: caller.principal, payload: { id: row.id, survey: survey.id, opensAt: row.opens_at, closesAt: row.closes_at } });
      await this.#o.audit.record({ actor: caller, action: 'surveys.run.open', entityRef: `survey-run:${row.id}`, after: row, context }, trx);
      return this.#run(trx, row, caller);
    });
  }

  async closeRun(caller: Identity, runId: string, context?: AuditContext): Promise<SurveyRun> {
    await this.#o.permissions.authorize(caller, 'surveys.survey.manage');
    return this.#o.store.transaction(async trx => {
      // Held until the commit: a second closing, or an answer checking the run is open, waits and sees it closed.
      const row = await this.#runRow(trx, runId, 'update');
      const now = this.#now();
      if (runState(runOf(row), now) === 'closed') throw conflict(`Run ${runId} is already closed`, [{ pointer: '/runId', detail: 'is already closed', rule: 'state' }]);
      await trx.updateTable('survey_runs').set({ closed_at: now }).where('id', '=', runId).execute();
      await this.#o.log.append(trx, { type: 'surveys.run.closed', subject: `survey-run:${runId}`, actor: caller.principal, payload: { id: runId } });
      await this.#o.audit.record({ actor: caller, action: 'surveys.run.close', entityRef: `survey-run:${runId}`, before: row, after: { ...row, closed_at: now }, context }, trx);
      return this.#run(trx, { ...row, closed_at: now }, caller);
    });
  }

  /**
   * Records the caller's answers to an open run they are asked in, once. The answers are stored without the
   * caller; the marker that refuses a second answer is stored apart, with no time.
   */
  async answer(caller: Identity, runId: string, input: AnswerInput, context?: AuditContext): Promise<{ runId: string; recorded: true }> {
    await this.#o.permissions.authorize(caller, 'surveys.response.submit');
    const row = await this.#runRow(this.#o.store.db, runId);
    this.#refuseUnlessOpen(row);
    const audience: Audience = JSON.parse(row.audience);
    if (audience.type === 'teams' && !audience.teams.some(team => caller.groups.includes(team)))
      throw forbidden(`Run ${runId} asks the members of ${audience.teams.join(', ')} only`, [{ pointer: '/runId', detail: 'does not ask you: you are in none of its teams', rule: 'audience' }]);
    const questions: Question[] = JSON.parse(row.questions);
    const errors = answerErrors(questions, input, runId);
    if (input.team !== undefined && !caller.groups.includes(input.team)) errors.push({ pointer: '/team', detail: 'must be one of your own teams', rule: 'membership' });
    if (errors.length) throw invalidInput(`The answers have ${errors.length} mistake(s)`, errors);
    const team = input.team ?? (await this.#teamOf(caller, audience));
    const answers = Object.fromEntries(questions.filter(q => input.answers[q.id] !== undefined && input.answers[q.id] !== null && !(q.type === 'text' && !String(input.answers[q.id]).trim())).map(q => [q.id, input.answers[q.id]]));
    await this.#o.store.transaction(async trx => {
      // Checked again holding the run (shared with other answers) until the commit: a closing waits for this answer.
      this.#refuseUnlessOpen(await this.#runRow(trx, runId, 'share'));
      const already = await trx.selectFrom('survey_respondents').select('run_id').where('run_id', '=', runId).where('principal', '=', caller.principal).executeTakeFirst();
      if (already) throw alreadyAnswered(runId);
      try {
        await trx.insertInto('survey_respondents').values({ run_id: runId, principal: caller.principal }).execute();
      } catch {
        throw alreadyAnswered(runId);
      }
      await trx.insertInto('survey_responses').values({ id: randomUUID(), run_id: runId, team, answers: JSON.stringify(answers) }).execute();
      // Nobody is named in the event; the audit entry names the person and the run, never the answers.
      await this.#o.log.append(trx, { type: 'surveys.response.recorded', subject: `survey-run:${runId}`, payload: { run: runId } });
      await this.#o.audit.record({ actor: caller, action: 'surveys.response.submit', entityRef: `survey-run:${runId}`, context }, trx);
    });
    return { runId, recorded: true };
  }

  /** A run's results under the anonymity rules (see `runResults`); `team` narrows what is shown, not what is hidden. */
  async results(caller: Identity, runId: string, query: { team?: string } = {}): Promise<RunResults> {
    await this.#o.permissions.authorize(caller, 'surveys.results.read');
    const row = await this.#runRow(this.#o.store.db, runId);
    return runResults({ runId, title: row.title, state: runState(runOf(row), this.#now()), questions: JSON.parse(row.questions), responses: await this.#responses(runId), min: this.minRespondents, ...(query.team ? { team: query.team } : {}) });
  }

  /** Each question's everyone-result across the survey's closed runs, matched by question id. */
  async trend(caller: Identity, surveyId: string): Promise<QuestionTrend[]> {
    await this.#o.permissions.authorize(caller, 'surveys.results.read');
    await this.#survey(this.#o.store.db, surveyId);
    const rows = await this.#o.store.db.selectFrom('survey_runs').selectAll().where('survey_id', '=', surveyId).orderBy('opens_at', 'asc').execute();
    const now = this.#now();
    const results: RunResults[] = [];
    for (const row of rows) {
      const state = runState(runOf(row), now);
      if (state === 'closed') results.push(runResults({ runId: row.id, title: row.title, state, questions: JSON.parse(row.questions), responses: await this.#responses(row.id), min: this.minRespondents }));
    }
    return surveyTrend(rows.filter(r => runState(runOf(r), now) === 'closed').map((r, i) => ({ runId: r.id, title: r.title, closesAt: r.closed_at ?? r.closes_at, results: results[i]! })));
  }

  /** Response rates of closed runs, oldest first (respondents over the people the run asked). Internal: for evidence. */
  async responseRates(): Promise<ResponseRate[]> {
    const now = this.#now();
    const rows = await this.#o.store.db.selectFrom('survey_runs').selectAll().orderBy('opens_at', 'asc').execute();
    const users = await this.#o.entities.list({ filter: ['kind=user'], fields: ['relations'] });
    const groups = await this.#o.entities.list({ filter: ['kind=group'], fields: ['metadata.name', 'metadata.namespace', 'relations'] });
    const parents = new Map(groups.map(g => [`group:${g.metadata?.namespace ?? 'default'}/${g.metadata?.name}`.toLowerCase(), (g.relations ?? []).filter(r => r.type === 'childOf').map(r => r.targetRef)]));
    // A user's groups with all their ancestors (a cycle stops where it repeats), as audiences count sub-teams.
    const groupsOf = (user: (typeof users)[number]) => {
      const seen = new Set<string>();
      const queue = (user.relations ?? []).filter(r => r.type === 'memberOf').map(r => r.targetRef);
      while (queue.length) {
        const group = queue.pop()!;
        if (seen.has(group)) continue;
        seen.add(group);
        queue.push(...(parents.get(group) ?? []));
      }
      return seen;
    };
    const rates: ResponseRate[] = [];
    for (const row of rows) {
      if (runState(runOf(row), now) !== 'closed') continue;
      const audience: Audience = JSON.parse(row.audience);
      const asked = audience.type === 'everyone' ? users.length : users.filter(u => audience.teams.some(team => groupsOf(u).has(team))).length;
      const respondents = await this.#count(row.id);
      rates.push({ runId: row.id, title: row.title, closesAt: row.closed_at ?? row.closes_at, respondents, audience: asked, rate: asked ? Math.min(1, Math.round((respondents / asked) * 1000) / 1000) : 0 });
    }
    return rates;
  }

  /**
   * Appends `surveys.run.closing-soon` once for each open run that closes within `withinHours`, so that
   * webhooks, the message bus or a chat integration can remind its audience; answers the runs reminded.
   */
  async remindClosingSoon(withinHours = 24): Promise<string[]> {
    const now = this.#now();
    const until = new Date(Date.parse(now) + withinHours * 3_600_000).toISOString();
    const due = await this.#o.store.db.selectFrom('survey_runs').select(['id', 'closes_at', 'audience']).where('closed_at', 'is', null).where('reminded_at', 'is', null).where('opens_at', '<=', now).where('closes_at', '>', now).where('closes_at', '<=', until).execute();
    const reminded: string[] = [];
    for (const run of due) {
      await this.#o.store.transaction(async trx => {
        // Claimed only while still open: a closing since the read above (another replica) leaves nothing to remind.
        const claimed = await trx.updateTable('survey_runs').set({ reminded_at: now }).where('id', '=', run.id).where('reminded_at', 'is', null).where('closed_at', 'is', null).executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) return;
        await this.#o.log.append(trx, { type: 'surveys.run.closing-soon', subject: `survey-run:${run.id}`, payload: { id: run.id, closesAt: run.closes_at, audience: JSON.parse(run.audience), respondents: await this.#count(run.id, trx) } });
        reminded.push(run.id);
      });
    }
    return reminded;
  }

  async #teamOf(caller: Identity, audience: Audience): Promise<string | null> {
    if (audience.type === 'teams') return [...audience.teams].sort().find(team => caller.groups.includes(team)) ?? null;
    const user = caller.userRef ? await this.#o.entities.byRef(caller.userRef) : undefined;
    const direct = (user?.relations ?? []).filter(r => r.type === 'memberOf').map(r => r.targetRef).sort();
    return direct[0] ?? [...caller.groups].sort()[0] ?? null;
  }

  async #responses(runId: string) {
    const rows = await this.#o.store.db.selectFrom('survey_responses').select(['team', 'answers']).where('run_id', '=', runId).execute();
    return rows.map(r => ({ team: r.team, answers: JSON.parse(r.answers) as Record<string, unknown> }));
  }

  async #count(runId: string, db: Db = this.#o.store.db): Promise<number> {
    const row = await db.selectFrom('survey_responses').select(eb => eb.fn.countAll<number | string>().as('n')).where('run_id', '=', runId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async #survey(db: Db, id: string): Promise<Survey> {
    const row = await db.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`No survey ${id}`);
    return surveyOf(row);
  }

  /** A run's row; `lock` holds it until the transaction `db` ends, on PostgreSQL (SQLite has one writer at a time). */
  async #runRow(db: Db, runId: string, lock?: 'update' | 'share') {
    const query = db.selectFrom('survey_runs').selectAll().where('id', '=', runId);
    const row = await (lock && this.#o.store.dialect === 'postgres' ? (lock === 'update' ? query.forUpdate() : query.forShare()) : query).executeTakeFirst();
    if (!row) throw notFound(`No survey run ${runId}`, [{ pointer: '/runId', detail: `names no run`, rule: 'exists' }]);
    return row;
  }

  /** Answers are taken while a run is open only (409 naming the run). */
  #refuseUnlessOpen(row: RunRow): void {
    const run = runOf(row);
    const state = runState(run, this.#now());
    if (state === 'closed') throw conflict(`Run ${run.id} closed at ${run.closedAt ?? run.closesAt}: answers are no longer taken`, [{ pointer: '/runId', detail: `is closed (since ${run.closedAt ?? run.closesAt})`, rule: 'open' }]);
    if (state === 'scheduled') throw conflict(`Run ${run.id} opens at ${run.opensAt}`, [{ pointer: '/runId', detail: `is not open yet (opens ${run.opensAt})`, rule: 'open' }]);
  }

  async #run(db: Db, row: RunRow, caller: Identity): Promise<SurveyRun> {
    const run = runOf(row);
    const audience = run.audience;
    const answered = !!(await db.selectFrom('survey_respondents').select('run_id').where('run_id', '=', row.id).where('principal', '=', caller.principal).executeTakeFirst());
    const eligible = audience.type === 'everyone' || audience.teams.some(team => caller.groups.includes(team));
    return { ...run, state: runState(run, this.#now()), respondents: await this.#count(row.id, db), answered, eligible };
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

type RunRow = { id: string; survey_id: string; title: string; questions: string; audience: string; opens_at: string; closes_at: string; closed_at: string | null; created_at: string };

function runOf(row: RunRow): Omit<SurveyRun, 'state' | 'respondents'> {
  return {
    id: row.id,
    surveyId: row.survey_id,
    title: row.title,
    questions: JSON.parse(row.questions),
    audience: JSON.parse(row.audience),
    opensAt: row.opens_at,
    closesAt: row.closes_at,
    ...(row.closed_at ? { closedAt: row.closed_at } : {}),
  };
}

function surveyOf(row: { id: string; title: string; questions: string; created_at: string; updated_at: string }): Survey {
  return { id: row.id, title: row.title, questions: JSON.parse(row.questions), createdAt: row.created_at, updatedAt: row.updated_at };
}

function titleErrors(title: unknown): FieldError[] {
  return typeof title === 'string' && title.trim() && title.length <= MAX_TITLE ? [] : [{ pointer: '/title', detail: `must be a title of 1–${MAX_TITLE} characters`, rule: 'length' }];
}

function audienceErrors(audience: Audience): FieldError[] {
  if (audience?.type === 'everyone') return [];
  if (audience?.type !== 'teams') return [{ pointer: '/audience/type', detail: 'must be "everyone" or "teams"', rule: 'enum' }];
  if (!Array.isArray(audience.teams) || !audience.teams.length) return [{ pointer: '/audience/teams', detail: 'must name at least one team, e.g. group:default/checkout-team', rule: 'minItems' }];
  return audience.teams.flatMap((team, i) => (typeof team === 'string' && /^group:[^/\s]+\/[^/\s]+$/i.test(team) ? [] : [{ pointer: `/audience/teams/${i}`, detail: 'must be a group ref, e.g. group:default/checkout-team', rule: 'format' }]));
}

function normalAudience(audience: Audience): Audience {
  return audience.type === 'everyone' ? { type: 'everyone' } : { type: 'teams', teams: [...new Set(audience.teams.map(t => t.toLowerCase()))].sort() };
}

function answerErrors(questions: Question[], input: AnswerInput, runId: string): FieldError[] {
  if (typeof input.answers !== 'object' || input.answers === null || Array.isArray(input.answers)) return [{ pointer: '/answers', detail: 'must be an object of question id → answer', rule: 'type' }];
  const byId = new Map(questions.map(q => [q.id, q]));
  const errors: FieldError[] = [];
  for (const [id, value] of Object.entries(input.answers)) {
    const question = byId.get(id);
    if (!question) errors.push({ pointer: `/answers/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`, detail: `is not a question of run ${runId}`, rule: 'question' });
    else if (value !== null) {
      const error = answerError(question, value, `/answers/${id}`);
      if (error) errors.push(error);
    }
  }
  for (const question of questions) if (question.required && (input.answers[question.id] === undefined || input.answers[question.id] === null)) errors.push({ pointer: `/answers/${question.id}`, detail: 'is required', rule: 'required' });
  return errors;
}

function alreadyAnswered(runId: string) {
  return conflict(`You have already answered run ${runId}: one answer per person`, [{ pointer: '/answers', detail: 'were already given by you for this run', rule: 'once' }]);
}
