import { newId } from '../core/ids.js';
import type { Authorizer } from '../auth/authorizer.js';
import { systemClock, type Clock } from '../core/clock.js';
import { invalidInput, notFound } from '../core/problem.js';
import type { AuditContext, AuditLog } from '../store/audit-log.js';
import type { EventLog } from '../store/event-log.js';
import type { Store } from '../store/store.js';
import type { Identity } from '../auth/identity.js';
import type { PaveApp } from '../app.js';
import type { Evidence, EvidenceProvider, WantedEvidence } from './evidence-provider.js';
import { assessmentErrors, type Assessment, type AssessmentInput, type EvidenceReport } from './assessment.js';
import { ASPECTS, MODEL_CREDIT, type AspectId } from './maturity-model.js';
import { suggestLevel } from './suggest-level.js';
import { reportHtml, reportMarkdown } from './maturity-report.js';
import type {} from './maturity-tables.js';

export interface MaturityServiceOptions {
  store: Store;
  log: EventLog;
  audit: AuditLog;
  permissions: Authorizer;
  /** What the evidence providers read (the services of the modules before this one). */
  app: PaveApp;
  providers: readonly EvidenceProvider[];
  wanted: readonly WantedEvidence[];
  chromiumPath: string;
  clock?: Clock;
}

export type ReportFormat = 'md' | 'html' | 'pdf';

/**
 * The CNCF Platform Engineering Maturity Model as a guided self-assessment: evidence computed from Pave's own
 * data by the evidence providers (each with its source), a suggested level per aspect, the assessor's levels
 * and notes kept with the evidence of the day, history, and reports (Markdown, HTML, PDF).
 */
export class MaturityService {
  readonly #o: MaturityServiceOptions;
  readonly #clock: Clock;

  constructor(options: MaturityServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** The evidence as it stands and the level it suggests for each aspect; what is missing, by aspect. */
  async evidence(caller: Identity): Promise<EvidenceReport> {
    await this.#o.permissions.authorize(caller, 'maturity.assessment.read');
    return this.#evidence();
  }

  async #evidence(): Promise<EvidenceReport> {
    const now = this.#clock.now();
    const collected: Evidence[] = [];
    for (const provider of this.#o.providers) {
      const evidence = await provider.collect(this.#o.app, now).catch(error => {
        this.#o.app.logger.warn({ provider: provider.id, err: error }, 'maturity evidence could not be computed');
        return undefined;
      });
      if (evidence) collected.push(evidence);
    }
    const present = new Set(collected.map(e => e.id));
    const absent = [
      ...this.#o.wanted.filter(w => !present.has(w.id)),
      ...this.#o.providers.filter(p => !present.has(p.id)).map(p => ({ id: p.id, aspect: p.aspect, title: p.title, from: 'no data yet in Pave' })),
    ];
    return {
      at: now.toISOString(),
      aspects: ASPECTS.map(aspect => {
        const evidence = collected.filter(e => e.aspect === aspect.id);
        const suggested = suggestLevel(evidence);
        return { aspect: aspect.id, ...(suggested ? { suggested } : {}), evidence, missing: absent.filter(w => w.aspect === aspect.id) };
      }),
      credit: MODEL_CREDIT,
    };
  }

  /** Records an assessment: every aspect with a level of the model (422 naming what is missing or unknown). */
  async assess(caller: Identity, input: AssessmentInput, context?: AuditContext): Promise<Assessment> {
    await this.#o.permissions.authorize(caller, 'maturity.assessment.write');
    const now = this.#clock.now().toISOString();
    const errors = assessmentErrors(input, now);
    if (errors.length) throw invalidInput(`The assessment has ${errors.length} mistake(s)`, errors);
    const evidence = await this.#evidence();
    const assessment: Assessment = {
      id: newId(),
      assessedAt: input.assessedAt ? new Date(input.assessedAt).toISOString() : now,
      recordedAt: now,
      assessor: caller.principal,
      ...(input.note ? { note: input.note } : {}),
      aspects: evidence.aspects.map(a => {
        const answer = input.aspects[a.aspect as AspectId];
        return { aspect: a.aspect, level: answer.level, ...(a.suggested ? { suggested: a.suggested } : {}), overridden: !!a.suggested && a.suggested !== answer.level, ...(answer.note ? { note: answer.note } : {}), evidence: a.evidence, missing: a.missing };
      }),
      credit: MODEL_CREDIT,
    };
    await this.#o.store.transaction(async trx => {
      await trx.insertInto('maturity_assessments').values({ id: assessment.id, assessed_at: assessment.assessedAt, recorded_at: now, assessor: caller.principal, body: JSON.stringify(assessment) }).execute();
      await this.#o.log.append(trx, { type: 'maturity.assessment.recorded', subject: `maturity-assessment:${assessment.id}`, actor: caller.principal, payload: { id: assessment.id, levels: Object.fromEntries(assessment.aspects.map(a => [a.aspect, a.level])) } });
      await this.#o.audit.record({ actor: caller, action: 'maturity.assessment.write', entityRef: `maturity-assessment:${assessment.id}`, after: assessment, context }, trx);
    });
    return assessment;
  }

  /** Every assessment, newest first. */
  async list(caller: Identity): Promise<Assessment[]> {
    await this.#o.permissions.authorize(caller, 'maturity.assessment.read');
    return this.#all();
  }

  async get(caller: Identity, id: string): Promise<Assessment> {
    await this.#o.permissions.authorize(caller, 'maturity.assessment.read');
    const found = (await this.#all()).find(a => a.id === id);
    if (!found) throw notFound(`No maturity assessment ${id}`);
    return found;
  }

  /**
   * The report of an assessment (the latest when no id) against the one before it: Markdown, the HTML page,
   * or that page printed to PDF by Chromium.
   */
  async report(caller: Identity, query: { id?: string; format: ReportFormat }): Promise<{ contentType: string; body: string | Buffer; fileName: string }> {
    await this.#o.permissions.authorize(caller, 'maturity.assessment.read');
    const all = await this.#all();
    const index = query.id ? all.findIndex(a => a.id === query.id) : 0;
    const current = all[index];
    if (!current) throw notFound(query.id ? `No maturity assessment ${query.id}` : 'No maturity assessment yet: record one first (pave maturity assess)', [{ pointer: '/id', detail: 'names no assessment', rule: 'exists' }]);
    const previous = all[index + 1];
    const fileName = `maturity-${current.assessedAt.slice(0, 10)}`;
    if (query.format === 'md') return { contentType: 'text/markdown; charset=utf-8', body: reportMarkdown(current, previous), fileName: `${fileName}.md` };
    const html = reportHtml(current, previous);
    if (query.format === 'html') return { contentType: 'text/html; charset=utf-8', body: html, fileName: `${fileName}.html` };
    return { contentType: 'application/pdf', body: await (await import('./report-pdf.js')).renderPdf(html, this.#o.chromiumPath), fileName: `${fileName}.pdf` };
  }

  /** The newest assessment, for the dashboard. Internal. */
  async latest(): Promise<Assessment | undefined> {
    return (await this.#all())[0];
  }

  async #all(): Promise<Assessment[]> {
    const rows = await this.#o.store.db.selectFrom('maturity_assessments').select('body').orderBy('assessed_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(r => JSON.parse(r.body) as Assessment);
  }
}
