import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, createTask, getParameterSchema, getShownPages, getTemplate } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { ErrorState, Loading, Spinner } from '../components/States';
import { SchemaForm, fieldId } from '../components/schema-form/SchemaForm';
import type { Choices } from '../components/schema-form/alternatives';
import { resolveSchema } from '../components/schema-form/resolve-schema';
import { isSecretField, secretKeyOf, shownSecretKeys } from '../components/schema-form/secrets';
import { useFeatureFlags } from '../lib/featureFlags';
import { declaredFeatureFlags, gateByFeatureFlags } from '../../../src/templates/model/feature-flags.js';
import { checkPage, defaultsOf, errorsByPointer, followBranches, isEmpty, isRecord, orderedProperties, schemaAt, typeOf, type Errors, type JsonSchema, type Values } from '../components/schema-form/schema';
import './templates.css';

export default function WizardPage() {
  const { namespace = 'default', name = '' } = useParams();
  const navigate = useNavigate();
  const data = useAsync(async (signal) => {
    const [t, s] = await Promise.all([getTemplate(namespace, 'template', name, signal), getParameterSchema(namespace, 'template', name, signal)]);
    return { summary: t.summary, schema: s };
  }, [namespace, name]);
  useDocumentTitle(data.data ? `Create: ${data.data.schema.title}` : 'Create');
  const allPages = useMemo(() => (data.data?.schema.steps ?? []).map((s) => s.schema as JsonSchema), [data.data]);
  // Pages and fields behind a `backstage:featureFlag` the person has not turned on are not asked (nor checked by the server).
  const flagsOn = useFeatureFlags();
  const declared = useMemo(() => declaredFeatureFlags(allPages), [allPages]);
  const flags = useMemo(() => declared.filter((f) => flagsOn.includes(f)), [declared, flagsOn]);
  const gated = useMemo(() => gateByFeatureFlags(allPages, flags), [allPages, flags]);
  const pages = gated.pages;
  const [search] = useSearchParams();
  // `?values={…}` opens the form prefilled (a scorecard's "Fix it" link computes them from the entity).
  const [values, setValues] = useState<Values>(() => prefilled(search.get('values')));
  // Secret fields' values, by field name: sent as the task's secrets, never among the values.
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  // The oneOf/anyOf alternatives chosen, by pointer (the same pointer on every page: the values are one object).
  const [choices, setChoices] = useState<Choices>({});
  // Which pages are asked: a page with its own `if:` only when the server says its condition holds.
  const [shown, setShown] = useState<boolean[]>([]);
  const [step, setStep] = useState(0);
  const [errors, setErrors] = useState<Errors>({});
  const [submitError, setSubmitError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const conditional = pages.some((p) => typeof p.if === 'string');
  const askShown = async (v: Values): Promise<boolean[]> => (conditional ? (await getShownPages(namespace, 'template', name, v)).shown : pages.map(() => true));

  useEffect(() => {
    if (!pages.length) return;
    const start = pages.reduce((acc, p) => defaultsOf(p, acc), { ...values });
    setValues(start);
    setShown(pages.map((p) => typeof p.if !== 'string'));
    if (conditional) askShown(start).then(setShown, (e: unknown) => setSubmitError(e instanceof Error ? e : new Error(String(e))));
    // Only when the template's pages arrive: later values are the person's.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pages]);

  const reviewIndex = pages.length;
  const asked = pages.map((_, i) => (shown[i] ?? true) && gated.asked[i]!);
  const goTo = (i: number) => {
    setStep(i);
    requestAnimationFrame(() => headingRef.current?.focus());
  };
  const focusFirstError = (errs: Errors) => {
    const first = Object.keys(errs)[0];
    if (!first) return;
    requestAnimationFrame(() => {
      const el = document.getElementById(fieldId(first)) ?? document.getElementById(`${fieldId(first)}-owner`);
      el?.focus();
    });
  };

  if (data.error) return <div className="page"><ErrorState error={data.error} onRetry={data.reload} what="template" /></div>;
  if (!data.data) return <div className="page"><Loading label="Loading template…" /></div>;
  const { summary, schema } = data.data;

  async function next() {
    const page = pages[step]!;
    const errs = checkPage(page, values, { choices, secrets });
    setErrors(errs);
    if (Object.keys(errs).length) return focusFirstError(errs);
    setBusy(true);
    setSubmitError(undefined);
    try {
      // The answers so far may ask for a page, or skip one.
      const now = await askShown(values);
      setShown(now);
      const following = now.findIndex((yes, i) => yes && gated.asked[i] && i > step);
      goTo(following < 0 ? reviewIndex : following);
    } catch (e) {
      setSubmitError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  }

  function back() {
    const earlier = asked.slice(0, step).lastIndexOf(true);
    goTo(earlier < 0 ? 0 : earlier);
  }

  async function submit() {
    setBusy(true);
    setSubmitError(undefined);
    try {
      const { id } = await createTask(summary.ref, ...answers(pages.filter((_, i) => asked[i]), values, secrets, choices), flags);
      navigate(`/create/tasks/${encodeURIComponent(id)}`);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      setSubmitError(err);
      if (err instanceof ApiError && err.problem.errors?.length) {
        const errs = errorsByPointer(err.problem.errors, '/values');
        setErrors(errs);
        const pageIndex = Object.keys(errs).map((p) => pageOfPointer(pages, p)).filter((i) => i >= 0).sort((a, b) => a - b)[0];
        if (pageIndex !== undefined) {
          setStep(pageIndex);
          focusFirstError(errs);
        }
      }
    } finally {
      setBusy(false);
    }
  }

  // An edited field's errors go away (the next check or the server will say if it is still wrong).
  function change(edited: Values) {
    const next = followBranches(pages[step]!, values, edited, choices['']);
    const changed = new Set([...Object.keys(next), ...Object.keys(values)].filter((k) => JSON.stringify(next[k]) !== JSON.stringify(values[k])));
    setValues(next);
    if (changed.size) setErrors((errs) => Object.fromEntries(Object.entries(errs).filter(([p]) => !changed.has(p.split('/')[1] ?? ''))));
  }

  // An edited Secret field's errors go away too.
  function changeSecrets(edited: Record<string, string>) {
    const changed = new Set([...Object.keys(edited), ...Object.keys(secrets)].filter((k) => edited[k] !== secrets[k]));
    setSecrets(edited);
    if (changed.size) setErrors((errs) => Object.fromEntries(Object.entries(errs).filter(([p]) => !changed.has(secretKeyOf(p)))));
  }

  const steps = [...schema.steps.map((s, i) => ({ title: s.title, index: i })).filter((s) => asked[s.index]), { title: 'Review', index: reviewIndex }];
  const onPage = step < reviewIndex;
  const current = schema.steps[step];
  const unplaced = Object.entries(errors).filter(([p]) => pageOfPointer(pages, p) < 0);
  return (
    <div className="page tpl-wizard">
      <p className="muted small">
        <Link to="/create">Create</Link> / {schema.title}
      </p>
      <div className="page-head">
        <div>
          <h1>{schema.title}</h1>
          {schema.description ? <p className="muted">{schema.description}</p> : null}
        </div>
      </div>
      {declared.some((f) => !flags.includes(f)) ? (
        <p className="muted small tpl-flags">
          Parts of this form are kept for people who turn on a feature flag ({declared.filter((f) => !flags.includes(f)).join(', ')}): see <Link to="/settings/feature-flags">Feature flags</Link>.
        </p>
      ) : null}
      {!summary.runnable ? (
        <div className="card tpl-problems" role="alert">
          <p className="warn-text">This template cannot run yet:</p>
          <ul className="field-errors">
            {summary.problems.map((p, i) => (
              <li key={i}>{p.detail}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <nav aria-label="Wizard steps">
        <ol className="tpl-steps">
          {steps.map((s, n) => (
            <li key={s.index} aria-current={s.index === step ? 'step' : undefined} className={s.index < step ? 'done' : undefined}>
              {n + 1}. {s.title}
            </li>
          ))}
        </ol>
      </nav>
      <section className="card" aria-labelledby="wizard-step-title">
        <h2 id="wizard-step-title" ref={headingRef} tabIndex={-1}>
          {onPage ? current!.title : 'Review and create'}
        </h2>
        {onPage && current!.description ? <p className="muted">{current!.description}</p> : null}
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (onPage) void next();
            else void submit();
          }}
        >
          {onPage ? (
            <SchemaForm schema={pages[step]!} values={values} onChange={change} errors={errors} secrets={{ values: secrets, onChange: changeSecrets }} choices={{ values: choices, onChange: setChoices }} />
          ) : (
            <Review pages={pages} asked={asked} titles={schema.steps.map((s) => s.title)} values={values} secrets={secrets} choices={choices} onEdit={goTo} />
          )}
          {submitError ? <ErrorState error={submitError} /> : null}
          {unplaced.length ? (
            <ul className="field-errors block">
              {unplaced.map(([p, msgs]) => msgs.map((m, i) => <li key={`${p}${i}`}>{p !== '/' ? <span className="mono small">{p}: </span> : null}{m}</li>))}
            </ul>
          ) : null}
          <div className="tpl-actions">
            <button type="button" className="btn" disabled={step === 0 || busy} onClick={back}>
              Back
            </button>
            {onPage ? (
              <button type="submit" className="btn primary" disabled={busy}>
                {asked.findIndex((yes, i) => yes && i > step) < 0 ? 'Review' : 'Next'}
              </button>
            ) : (
              <button type="submit" className="btn primary" disabled={busy || !summary.runnable}>
                {busy ? <Spinner label="Creating" /> : null} Create
              </button>
            )}
          </div>
        </form>
      </section>
    </div>
  );
}

/** Which page shows the field a pointer names (`/name`, `/repo/owner`); -1 when none does. */
function pageOfPointer(pages: JsonSchema[], pointer: string): number {
  return pages.findIndex((p) => schemaAt(p, pointer) !== undefined);
}

/** How the review shows a value: masked for secrets and passwords (or as `ui:backstage.review.mask` says), option names for enums. */
function show(v: unknown, s: JsonSchema): string {
  const mask = s['ui:backstage']?.review?.mask;
  if (!isEmpty(v) && (mask || isSecretField(s) || s['ui:widget'] === 'password')) return mask ?? '••••••••';
  if (isEmpty(v)) return '—';
  if (Array.isArray(v)) return v.map((item) => (isRecord(item) ? JSON.stringify(item) : show(item, s.items ?? {}))).join(', ');
  if (typeOf(s) === 'boolean') return v ? 'Yes' : 'No';
  if (s.enum && s.enumNames) {
    const i = s.enum.indexOf(v);
    if (i >= 0 && s.enumNames[i]) return s.enumNames[i]!;
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** What the review lists of a page: the fields its values show, less hidden ones and those with `ui:backstage.review.show: false`. */
function reviewed(page: JsonSchema, values: Values, choices: Choices): [string, JsonSchema][] {
  return orderedProperties(resolveSchema(page, values, choices[''])).filter(([, s]) => s['ui:widget'] !== 'hidden' && s['ui:backstage']?.review?.show !== false);
}

function Review({ pages, asked, titles, values, secrets, choices, onEdit }: { pages: JsonSchema[]; asked: boolean[]; titles: string[]; values: Values; secrets: Record<string, string>; choices: Choices; onEdit: (i: number) => void }) {
  return (
    <div data-testid="wizard-review">
      {pages.map((p, i) =>
        asked[i] ? (
          <div key={i}>
            <h3>
              {titles[i]}{' '}
              <button type="button" className="btn small" onClick={() => onEdit(i)} aria-label={`Edit ${titles[i]}`}>
                Edit
              </button>
            </h3>
            <dl className="tpl-review">
              {reviewed(p, values, choices).map(([k, s]) => {
                const v = isSecretField(s) ? secrets[k] : values[k];
                return (
                  <div key={k} style={{ display: 'contents' }}>
                    <dt>{s.title ?? k}</dt>
                    <dd className={isEmpty(v) ? 'muted' : undefined} data-field={k}>{show(v, s)}</dd>
                  </div>
                );
              })}
            </dl>
          </div>
        ) : null,
      )}
    </div>
  );
}

/**
 * What a task is sent: the values of the fields the asked pages show (a skipped page's or a hidden branch's are
 * left out) and, apart, the values of the Secret fields they show, at any depth.
 */
function answers(asked: JsonSchema[], values: Values, secrets: Record<string, string>, choices: Choices): [Values, Record<string, string>] {
  const sent: Values = {};
  const secret: Record<string, string> = {};
  for (const page of asked) {
    for (const [key, s] of Object.entries(resolveSchema(page, values, choices['']).properties ?? {})) if (!isSecretField(s) && values[key] !== undefined) sent[key] = values[key];
    for (const key of shownSecretKeys(page, values, choices)) if (secrets[key] !== undefined) secret[key] = secrets[key];
  }
  return [sent, secret];
}

/** Values given in the address (`?values=` a JSON object of plain values); anything else is ignored. */
function prefilled(raw: string | null): Values {
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))) as Values;
  } catch {
    return {};
  }
}
