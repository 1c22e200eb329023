import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { cancelTask, getTask, getTaskEvents, taskEventStreamUrl, type Task, type TaskEvent } from '../lib/api';
import { useDocumentTitle } from '../lib/hooks';
import { entityPath, humanRef, parseRef } from '../lib/refs';
import { PulseCard } from '../insights/PulseCard';
import { ErrorState, Loading, Spinner } from '../components/States';
import { SanitizedMarkdown } from '../components/SanitizedMarkdown';
import { wizardPath } from './GalleryPage';
import './templates.css';

const FINAL = new Set(['completed', 'failed', 'cancelled']);

/** The task and its events, kept live from the event stream (SSE), falling back to polling. */
function useLiveTask(id: string) {
  const [task, setTask] = useState<Task>();
  const [events, setEvents] = useState<TaskEvent[]>([]);
  const [error, setError] = useState<Error>();
  const [live, setLive] = useState(false);
  const lastId = useRef(0);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let stopped = false;
    let source: EventSource | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    lastId.current = 0;
    setEvents([]);
    const add = (batch: TaskEvent[]) => {
      const fresh = batch.filter((e) => e.id > lastId.current);
      if (!fresh.length) return;
      lastId.current = fresh[fresh.length - 1]!.id;
      setEvents((prev) => [...prev, ...fresh]);
    };
    const refresh = async () => {
      try {
        const t = await getTask(id);
        if (!stopped) setTask(t);
        return t;
      } catch (e) {
        if (!stopped) setError(e instanceof Error ? e : new Error(String(e)));
        return undefined;
      }
    };
    const poll = async () => {
      // Without a stream (or after it broke): ask for what happened since the last event.
      try {
        add(await getTaskEvents(id, lastId.current));
      } catch {
        /* retry below */
      }
      const t = await refresh();
      if (!stopped && t && !FINAL.has(t.status)) timer = setTimeout(() => void connect(), 1500);
    };
    const connect = async () => {
      if (stopped) return;
      if (typeof EventSource === 'undefined') return void poll();
      source = new EventSource(taskEventStreamUrl(id, lastId.current));
      source.onopen = () => setLive(true);
      const onEvent = (m: MessageEvent<string>) => {
        try {
          const e = JSON.parse(m.data) as TaskEvent;
          add([e]);
          if (e.body.status || e.type !== 'log') void refresh();
          if (e.type === 'completion' || e.type === 'cancelled') {
            source?.close();
            setLive(false);
          }
        } catch {
          /* a malformed event: skip it */
        }
      };
      for (const type of ['log', 'completion', 'cancelled', 'recovered']) source.addEventListener(type, onEvent as EventListener);
      source.onerror = () => {
        // The stream ends after completion, or broke: stop EventSource's own retry (it would restart
        // from the first event) and catch up by polling, which reconnects while the task runs.
        source?.close();
        setLive(false);
        if (!stopped) void poll();
      };
    };
    void refresh().then((t) => {
      if (stopped) return;
      if (t && FINAL.has(t.status)) void poll();
      else void connect();
    });
    return () => {
      stopped = true;
      source?.close();
      if (timer) clearTimeout(timer);
    };
  }, [id, tick]);

  return { task, events, error, live, reload: () => setTick((t) => t + 1) };
}

export default function TaskPage() {
  const { taskId = '' } = useParams();
  const { task, events, error, live, reload } = useLiveTask(taskId);
  const [cancelling, setCancelling] = useState(false);
  const templateTitle = (task?.spec?.templateInfo as { entity?: { metadata?: { title?: string } } } | undefined)?.entity?.metadata?.title;
  useDocumentTitle(task ? `Task: ${templateTitle ?? humanRef(task.templateRef, 'template')}` : 'Task');

  if (error && !task) return <div className="page"><ErrorState error={error} onRetry={reload} what="task" /></div>;
  if (!task) return <div className="page"><Loading label="Loading task…" /></div>;

  const running = !FINAL.has(task.status);
  const logsOf = (stepId: string) => events.filter((e) => e.body.stepId === stepId && e.body.message);
  const general = events.filter((e) => !e.body.stepId && e.body.message);
  const links = task.output?.links ?? [];
  const texts = task.output?.text ?? [];
  return (
    <div className="page tpl-task" data-task-status={task.status}>
      <p className="muted small">
        <Link to="/create">Create</Link> / <Link to="/create/tasks">Tasks</Link> / <Link to={wizardPath(task.templateRef)}>{templateTitle ?? humanRef(task.templateRef, 'template')}</Link> / task
      </p>
      <div className="page-head">
        <div>
          <h1>{templateTitle ?? humanRef(task.templateRef, 'template')}</h1>
          <p className="muted">
            Task <span className="mono small">{task.id}</span> ·{' '}
            <strong className="tpl-status" data-status={task.status} aria-live="polite">
              {task.status}
            </strong>{' '}
            {running ? <Spinner label="Running" /> : null} {live ? <span className="small muted">· live</span> : null}
          </p>
        </div>
        {running ? (
          <button
            type="button"
            className="btn"
            disabled={cancelling}
            onClick={async () => {
              setCancelling(true);
              try {
                await cancelTask(task.id);
              } finally {
                setCancelling(false);
              }
            }}
          >
            Cancel
          </button>
        ) : null}
      </div>

      {task.status === 'completed' ? <PulseCard occasion={`task:${parseRef(task.templateRef).namespace.toLowerCase()}/${task.id.toLowerCase()}`} /> : null}
      {task.status === 'completed' && (links.length || texts.length) ? (
        <section className="card success" aria-labelledby="task-output-title">
          <h2 id="task-output-title">Done</h2>
          {links.length ? (
            <ul className="tpl-output-links">
              {links.map((l, i) => (
                <li key={i}>
                  {l.entityRef ? (
                    <Link className="btn primary" to={entityPath(l.entityRef)}>
                      {l.title ?? humanRef(l.entityRef)}
                    </Link>
                  ) : l.url && /^https?:\/\//i.test(l.url) ? (
                    <a className="btn" href={l.url} target="_blank" rel="noreferrer">
                      {l.title ?? l.url}
                    </a>
                  ) : l.url ? (
                    <span className="small">
                      {l.title ?? 'Link'}: <code className="break">{l.url}</code>
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
          {texts.map((t, i) => (
            <div key={i}>
              {t.title ? <h3>{t.title}</h3> : null}
              <SanitizedMarkdown text={t.content} className="tpl-text" />
            </div>
          ))}
        </section>
      ) : null}
      {task.status === 'failed' && task.error ? <ErrorState error={new Error(task.error.detail ?? task.error.title)} /> : null}

      <section className="card" aria-labelledby="task-steps-title">
        <h2 id="task-steps-title">Steps</h2>
        <ol className="tpl-task-steps">
          {task.steps.map((s) => {
            const logs = logsOf(s.id);
            return (
              <li key={s.id} className="tpl-task-step" data-step={s.id} data-status={s.status}>
                <div className="tpl-task-step-head">
                  <strong>{s.name}</strong>
                  <span>
                    <span className="mono small muted">{s.action}</span>{' '}
                    <span className="tpl-status" data-status={s.status}>
                      {s.status}
                    </span>
                    {s.status === 'processing' ? <Spinner label={`${s.name} running`} /> : null}
                  </span>
                </div>
                {logs.length ? (
                  <details open={s.status === 'processing' || s.status === 'failed'}>
                    <summary className="small">Log ({logs.length})</summary>
                    <pre className="tpl-log" tabIndex={0} aria-label={`Log of ${s.name}`}>
                      {logs.map((e) => `${e.createdAt.slice(11, 19)} ${e.body.message}`).join('\n')}
                    </pre>
                  </details>
                ) : null}
              </li>
            );
          })}
        </ol>
        {general.length ? (
          <details>
            <summary className="small">Task log ({general.length})</summary>
            <pre className="tpl-log" tabIndex={0} aria-label="Task log">
              {general.map((e) => `${e.createdAt.slice(11, 19)} ${e.body.message}`).join('\n')}
            </pre>
          </details>
        ) : null}
      </section>
    </div>
  );
}
