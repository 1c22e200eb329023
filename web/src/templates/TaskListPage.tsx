import { useId } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { listTasks, listTemplates, type ListTasksRequest, type TaskSummary } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { humanRef } from '../lib/refs';
import { useAccount } from '../components/Account';
import { ScrollTable } from '../components/ScrollTable';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { wizardPath } from './GalleryPage';
import './templates.css';

const STATES: ReadonlyArray<TaskSummary['status']> = ['open', 'processing', 'completed', 'failed', 'cancelled'];
const PAGE_SIZE = 50;

/**
 * Golden-path runs, newest first: mine by default, or every task the server lets me read (everyone's for
 * admins: the API decides, task by task). Filters and the page live in the URL, so a view can be shared.
 */
export default function TaskListPage() {
  useDocumentTitle('Tasks');
  const { identity, loaded } = useAccount();
  // Who "me" is decides the first question: wait for it rather than list everyone's first.
  if (!loaded) return <div className="page"><Loading label="Loading tasks…" /></div>;
  return <TaskList me={identity && identity.principal !== 'anonymous' ? identity.principal : undefined} />;
}

function TaskList({ me }: { me: string | undefined }) {
  const formId = useId();
  const [params, setParams] = useSearchParams();
  const everyone = params.get('who') === 'all' || !me;
  const state = params.get('state') ?? '';
  const template = params.get('template') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const filter: ListTasksRequest = {
    ...(everyone ? {} : { createdBy: me }),
    ...(state ? { status: [state as TaskSummary['status']] } : {}),
    ...(template ? { templateRef: template } : {}),
    limit: PAGE_SIZE,
    ...(offset ? { offset } : {}),
  };
  const key = JSON.stringify(filter);
  const tasks = useAsync((signal) => listTasks(filter, signal), [key]);
  const templates = useAsync((signal) => listTemplates(signal), []);

  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== 'offset') next.delete('offset');
    setParams(next);
  };
  const titleOf = (ref: string) => templates.data?.items.find((t) => t.ref === ref)?.title ?? humanRef(ref, 'template');

  return (
    <div className="page tpl-task-list">
      <p className="muted small">
        <Link to="/create">Create</Link> / tasks
      </p>
      <div className="page-head">
        <div>
          <h1>Tasks</h1>
          <p className="muted">Golden paths that were run: their state, and a link to each run's steps, log and output.</p>
        </div>
        <button type="button" className="btn" onClick={tasks.reload} disabled={tasks.loading}>
          {tasks.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <form className="card tpl-task-filters" aria-label="Filter the tasks" onSubmit={(e) => e.preventDefault()}>
        {me ? (
          <div className="field">
            <label htmlFor={`${formId}-who`}>Created by</label>
            <select id={`${formId}-who`} value={everyone ? 'all' : 'me'} onChange={(e) => set('who', e.target.value === 'all' ? 'all' : '')}>
              <option value="me">Me</option>
              <option value="all">Anyone (the tasks I may read)</option>
            </select>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${formId}-state`}>State</label>
          <select id={`${formId}-state`} value={state} onChange={(e) => set('state', e.target.value)}>
            <option value="">Any state</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${formId}-template`}>Template</label>
          <select id={`${formId}-template`} value={template} onChange={(e) => set('template', e.target.value)}>
            <option value="">Any template</option>
            {(templates.data?.items ?? []).map((t) => (
              <option key={t.ref} value={t.ref}>
                {t.title}
              </option>
            ))}
            {template && templates.data && !templates.data.items.some((t) => t.ref === template) ? <option value={template}>{humanRef(template, 'template')}</option> : null}
          </select>
        </div>
      </form>
      {tasks.error ? (
        <ErrorState error={tasks.error} onRetry={tasks.reload} what="tasks" />
      ) : !tasks.data ? (
        <Loading label="Loading tasks…" />
      ) : tasks.data.tasks.length === 0 ? (
        <EmptyState title={state || template || offset ? 'No tasks match.' : 'No tasks yet.'}>
          <p>
            Run a golden path from the <Link to="/create">gallery</Link>: its task shows here.
          </p>
        </EmptyState>
      ) : (
        <ScrollTable label="Tasks" caption="Tasks, newest first" columns={['Template', 'State', 'Created by', 'Created', 'Task']} loading={tasks.loading} className="tpl-task-table">
          {tasks.data.tasks.map((t) => (
            <tr key={t.id} data-task={t.id} data-status={t.status}>
              <td>
                <Link to={wizardPath(t.templateRef)}>{titleOf(t.templateRef)}</Link>
              </td>
              <td>
                <span className="tpl-status" data-status={t.status}>
                  {t.status}
                </span>
              </td>
              <td>{t.createdBy ? humanRef(t.createdBy, 'user') : <span className="muted">—</span>}</td>
              <td>
                <time dateTime={t.createdAt}>{t.createdAt.slice(0, 16).replace('T', ' ')} UTC</time>
              </td>
              <td>
                <Link to={`/create/tasks/${encodeURIComponent(t.id)}`} aria-label={`Task ${t.id}`} className="mono small">
                  {t.id}
                </Link>
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
      {tasks.data && tasks.data.totalTasks > PAGE_SIZE ? (
        <div className="pager">
          <span className="muted small">
            {offset + 1}–{offset + tasks.data.tasks.length} of {tasks.data.totalTasks}
          </span>
          <button type="button" className="btn" onClick={() => set('offset', String(Math.max(offset - PAGE_SIZE, 0)))} disabled={offset === 0}>
            Newer
          </button>
          <button type="button" className="btn" onClick={() => set('offset', String(offset + PAGE_SIZE))} disabled={offset + PAGE_SIZE >= tasks.data.totalTasks}>
            Older
          </button>
        </div>
      ) : null}
    </div>
  );
}
