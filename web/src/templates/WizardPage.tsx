import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, createTask, getParameterSchema, getTemplate } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { ErrorState, Loading, Spinner } from '../components/States';
import { SchemaForm, fieldId } from '../components/schema-form/SchemaForm';
import { checkPage, defaultsOf, errorsByPointer, isEmpty, orderedProperties, schemaAt, typeOf, type Errors, type JsonSchema, type Values } from '../components/schema-form/schema';
import './templates.css';

export default function WizardPage() {
  const { namespace = 'default', name = '' } = useParams();
  const navigate = useNavigate();
  const data = useAsync(async (signal) => {
    const [t, s] = await Promise.all([getTemplate(namespace, 'template', name, signal), getParameterSchema(namespace, 'template', name, signal)]);
    return { summary: t.summary, schema: s };
  }, [namespace, name]);
  useDocumentTitle(data.data ? `Create: ${data.data.schema.title}` : 'Create');
  const pages = useMemo(() => (data.data?.schema.steps ?? []).map((s) => s.schema as JsonSchema), [data.data]);
  const [search] = useSearchParams();
  // `?values={…}` opens the form prefilled (a scorecard's "Fix it" link computes them from the entity).
  const [values, setValues] = useState<Values>(() => prefilled(search.get('values')));
  const [step, setStep] = useState(0);
  const [errors, setErrors] = useState<Errors>({});
  const [submitError, setSubmitError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (!pages.length) return;
    setValues((v) => pages.reduce((acc, p) => defaultsOf(p, acc), { ...v }));
  }, [pages]);

  const reviewIndex = pages.length;
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

  function next() {
    const page = pages[step]!;
    const errs = checkPage(page, values);
    setErrors(errs);
    if (Object.keys(errs).length) return focusFirstError(errs);
    goTo(step + 1);
  }

  async function submit() {
    setBusy(true);
    setSubmitError(undefined);
    try {
      const { id } = await createTask(summary.ref, values);
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
  function change(next: Values) {
    const changed = new Set([...Object.keys(next), ...Object.keys(values)].filter((k) => JSON.stringify(next[k]) !== JSON.stringify(values[k])));
    setValues(next);
    if (changed.size) setErrors((errs) => Object.fromEntries(Object.entries(errs).filter(([p]) => !changed.has(p.split('/')[1] ?? ''))));
  }

  const pageTitles = [...(schema.steps.map((s) => s.title)), 'Review'];
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
          {pageTitles.map((t, i) => (
            <li key={i} aria-current={i === step ? 'step' : undefined} className={i < step ? 'done' : undefined}>
              {i + 1}. {t}
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
            if (onPage) next();
            else void submit();
          }}
        >
          {onPage ? (
            <SchemaForm schema={pages[step]!} values={values} onChange={change} errors={errors} />
          ) : (
            <Review pages={pages} titles={schema.steps.map((s) => s.title)} values={values} onEdit={goTo} />
          )}
          {!onPage && submitError ? <ErrorState error={submitError} /> : null}
          {unplaced.length ? (
            <ul className="field-errors block">
              {unplaced.map(([p, msgs]) => msgs.map((m, i) => <li key={`${p}${i}`}>{p !== '/' ? <span className="mono small">{p}: </span> : null}{m}</li>))}
            </ul>
          ) : null}
          <div className="tpl-actions">
            <button type="button" className="btn" disabled={step === 0 || busy} onClick={() => goTo(step - 1)}>
              Back
            </button>
            {onPage ? (
              <button type="submit" className="btn primary">
                {step + 1 === reviewIndex ? 'Review' : 'Next'}
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

function show(v: unknown, s: JsonSchema): string {
  if (isEmpty(v)) return '—';
  if (Array.isArray(v)) return v.map(String).join(', ');
  if (typeOf(s) === 'boolean') return v ? 'Yes' : 'No';
  if (s.enum && s.enumNames) {
    const i = s.enum.indexOf(v);
    if (i >= 0 && s.enumNames[i]) return s.enumNames[i]!;
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function Review({ pages, titles, values, onEdit }: { pages: JsonSchema[]; titles: string[]; values: Values; onEdit: (i: number) => void }) {
  return (
    <div data-testid="wizard-review">
      {pages.map((p, i) => (
        <div key={i}>
          <h3>
            {titles[i]}{' '}
            <button type="button" className="btn small" onClick={() => onEdit(i)} aria-label={`Edit ${titles[i]}`}>
              Edit
            </button>
          </h3>
          <dl className="tpl-review">
            {orderedProperties(p).map(([k, s]) => (
              <div key={k} style={{ display: 'contents' }}>
                <dt>{s.title ?? k}</dt>
                <dd className={isEmpty(values[k]) ? 'muted' : undefined}>{show(values[k], s)}</dd>
              </div>
            ))}
          </dl>
        </div>
      ))}
    </div>
  );
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
