import { useEffect, useId, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ScrollTable } from '../components/ScrollTable';
import { EmptyState, Loading } from '../components/States';
import { ApiError, type FieldError } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { FormField } from '../components/FormField';
import { SectionError } from './SectionError';
import { errorsAt } from '../lib/fieldErrors';
import { auditExportUrl, queryAudit, type AuditEntry, type AuditFilters } from './adminApi';
import { useMayDo } from '../lib/useMayDo';

const PAGE_SIZE = 50;
const FILTERS = ['actor', 'action', 'entityRef', 'since', 'until'] as const satisfies readonly (keyof AuditFilters)[];
const EXPORT = ['audit.log.export'];
const AUDIT_COLUMNS = ['Time', 'Actor', 'Action', 'Entity', 'Before', 'After', 'From', 'Detail'];

type Draft = Record<(typeof FILTERS)[number], string>;

/** `datetime-local` speaks local wall time; the URL and the server speak UTC ISO-8601. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return '';
  return new Date(time.getTime() - time.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function fromLocalInput(local: string): string {
  return local ? new Date(local).toISOString() : '';
}

/**
 * The audit log, newest first: filters and the page cursor live in the URL (shareable, and the back
 * button pages back); "Refresh" asks again without reloading the portal.
 */
export function AuditSection() {
  const [params, setParams] = useSearchParams();
  const filters: AuditFilters = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? undefined]).filter(([, v]) => v));
  const cursor = params.get('cursor') ?? undefined;
  const key = params.toString();
  const entries = useAsync((signal) => queryAudit({ ...filters, limit: PAGE_SIZE, cursor }, signal), [key]);
  const may = useMayDo(EXPORT);

  const draftOf = (): Draft => ({ ...Object.fromEntries(FILTERS.map((k) => [k, filters[k] ?? ''])), since: toLocalInput(filters.since), until: toLocalInput(filters.until) }) as Draft;
  const [draft, setDraft] = useState<Draft>(draftOf);
  // The URL changed under the form (back button, a shared link): show what is applied.
  useEffect(() => setDraft(draftOf()), [key]); // eslint-disable-line react-hooks/exhaustive-deps

  const formId = useId();
  const fieldErrors: FieldError[] = entries.error instanceof ApiError && entries.error.status === 400 ? (entries.error.problem.errors ?? []) : [];

  function apply(event: React.FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const k of FILTERS) {
      const value = k === 'since' || k === 'until' ? fromLocalInput(draft[k]) : draft[k].trim();
      if (value) next.set(k, value);
    }
    setParams(next);
  }

  function page(to: string | undefined) {
    const next = new URLSearchParams(params);
    if (to) next.set('cursor', to);
    else next.delete('cursor');
    setParams(next);
  }

  const field = (k: keyof Draft, label: string, hint?: string) => (
    <FormField id={`${formId}-${k}`} label={label} hint={hint} errors={errorsAt(fieldErrors, `/${k}`)}>
      {(props) => (
        <input
          {...props}
          type={k === 'since' || k === 'until' ? 'datetime-local' : 'text'}
          name={k}
          value={draft[k]}
          onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
          spellCheck={false}
        />
      )}
    </FormField>
  );

  // Without the permission, filters and paging would only distract from what to ask for.
  if (entries.error instanceof ApiError && entries.error.status === 403) {
    return (
      <section className="card" aria-labelledby="audit-title">
        <h2 id="audit-title">Audit log</h2>
        <SectionError error={entries.error} action="audit.log.query" toWhat="the audit log" />
      </section>
    );
  }

  return (
    <section className="card" aria-labelledby="audit-title">
      <div className="card-head">
        <h2 id="audit-title">Audit log</h2>
        <div className="row">
          <button type="button" className="btn" onClick={entries.reload} disabled={entries.loading}>
            {entries.loading ? 'Refreshing…' : 'Refresh'}
          </button>
          {may?.['audit.log.export'] ? (
            <a className="btn" href={auditExportUrl(filters)} download="pave-audit.jsonl">
              Export JSON lines
            </a>
          ) : null}
        </div>
      </div>
      <p className="muted">Every write, sign-in and token change: who, what, which entity, when and from where, with SHA-256 hashes of the object before and after.</p>
      <form className="audit-filters" onSubmit={apply} noValidate aria-label="Filter the audit log">
        <div className="field-row three">
          {field('actor', 'Actor', 'e.g. user:default/jane')}
          {field('action', 'Action', 'An action or a glob, e.g. auth.*')}
          {field('entityRef', 'Entity ref', 'e.g. component:default/payments or rule:<id>')}
        </div>
        <div className="field-row three">
          {field('since', 'From (inclusive)')}
          {field('until', 'Until (exclusive)')}
          <div className="form-actions audit-filter-actions">
            <button type="submit" className="btn primary">
              Apply filters
            </button>
            <button type="button" className="btn" onClick={() => setParams(new URLSearchParams())} disabled={key === ''}>
              Clear
            </button>
          </div>
        </div>
      </form>
      {entries.error ? (
        <SectionError error={entries.error} onRetry={entries.reload} action="audit.log.query" toWhat="the audit log" />
      ) : !entries.data ? (
        <Loading label="Loading audit entries…" />
      ) : entries.data.items.length === 0 ? (
        <EmptyState title={cursor ? 'No older entries.' : 'No audit entries match.'}>{key ? <p>Change or clear the filters.</p> : null}</EmptyState>
      ) : (
        <AuditTable items={entries.data.items} loading={entries.loading} />
      )}
      <div className="pager">
        <span className="muted small">{entries.data ? `${entries.data.items.length} entries on this page, newest first` : ''}</span>
        <button type="button" className="btn" onClick={() => page(undefined)} disabled={!cursor}>
          Newest
        </button>
        <button type="button" className="btn" onClick={() => page(entries.data?.nextCursor)} disabled={!entries.data?.nextCursor}>
          Older entries
        </button>
      </div>
    </section>
  );
}

/** The whole hash for screen readers and copying; the stylesheet shows its start. */
function Hash({ value }: { value?: string }) {
  if (!value) return <span className="muted">none</span>;
  return (
    <code className="hash" title={value}>
      {value}
    </code>
  );
}

function AuditTable({ items, loading }: { items: AuditEntry[]; loading: boolean }) {
  return (
    <ScrollTable label="Audit entries" caption="Audit entries, newest first" loading={loading} className="audit-table" columns={AUDIT_COLUMNS}>
      {items.map((entry) => (
        <tr key={entry.id} data-audit-id={entry.id}>
          <td>
            <time dateTime={entry.at} title={entry.at}>
              {new Date(entry.at).toLocaleString()}
            </time>
          </td>
          <td className="mono">{entry.actor}</td>
          <td className="mono">{entry.action}</td>
          <td className="mono">{entry.entityRef ?? <span className="muted">none</span>}</td>
          <td>
            <Hash value={entry.beforeHash} />
          </td>
          <td>
            <Hash value={entry.afterHash} />
          </td>
          <td className="small">
            {entry.ip ?? ''}
            {entry.userAgent ? <span className="muted user-agent">{entry.userAgent}</span> : null}
          </td>
          <td className="small mono">{entry.detail ? JSON.stringify(entry.detail) : ''}</td>
        </tr>
      ))}
    </ScrollTable>
  );
}
