/**
 * /metrics as Prometheus scrapes it, from a real server on 127.0.0.1: HTTP requests by route pattern, the job
 * queue, catalog entities by kind, consumer lag, the work this process recorded in the event log, and git
 * pushes timed by the git layer.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPave } from '../api/support.js';
import type { RunningPave } from '../support/pave-server.js';
import { pushWithRebase } from '../../src/git/push.js';

let pave: RunningPave;
const scratch = mkdtempSync(join(tmpdir(), 'pave-metrics-'));

/** One sample's value from the exposition, or undefined when the series is absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(m => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

async function scrape(): Promise<string> {
  const response = await fetch(`${pave.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

beforeAll(async () => {
  pave = await startApiPave();
  writeFileSync(
    join(scratch, 'catalog-info.yaml'),
    ['apiVersion: backstage.io/v1alpha1', 'kind: Component', 'metadata: { name: counted-one }', 'spec: { type: service, lifecycle: production, owner: team-a }', '---',
      'apiVersion: backstage.io/v1alpha1', 'kind: Component', 'metadata: { name: counted-two }', 'spec: { type: service, lifecycle: production, owner: team-a }', '---',
      'apiVersion: backstage.io/v1alpha1', 'kind: Group', 'metadata: { name: team-a }', 'spec: { type: team, children: [] }', ''].join('\n'),
  );
  await pave.app.catalog.locations.register({ type: 'file', target: join(scratch, 'catalog-info.yaml') });
});
afterAll(async () => {
  await pave.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('/metrics', () => {
  it('counts HTTP requests by route pattern, method and status, with a latency histogram', async () => {
    expect((await fetch(`${pave.url}/api/catalog/entities/by-name/component/default/counted-one`)).status).toBe(200);
    expect((await fetch(`${pave.url}/api/catalog/entities/by-name/component/default/nobody-here`)).status).toBe(404);
    const text = await scrape();
    const route = '/api/catalog/entities/by-name/:kind/:namespace/:name';
    expect(sample(text, 'pave_http_requests_total', { method: 'GET', route, status: '200' })).toBe(1);
    expect(sample(text, 'pave_http_requests_total', { method: 'GET', route, status: '404' })).toBe(1);
    expect(sample(text, 'pave_http_request_duration_seconds_count', { method: 'GET', route, status: '200' })).toBe(1);
    expect(sample(text, 'pave_http_request_duration_seconds_bucket', { method: 'GET', route, status: '200', le: '+Inf' })).toBe(1);
    // The path (and so the entity's name) is never a label.
    expect(text).not.toContain('counted-one');
  });

  it('has the process and event-loop metrics', async () => {
    const text = await scrape();
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('reads catalog entities by kind, the job queue and the event consumers’ lag at each scrape', async () => {
    const text = await scrape();
    expect(sample(text, 'pave_catalog_entities', { kind: 'component' })).toBe(2);
    expect(sample(text, 'pave_catalog_entities', { kind: 'group' })).toBe(1);
    // The location's periodic refresh waits in the queue.
    expect(sample(text, 'pave_jobs', { queue: 'catalog.refresh', state: 'ready' })).toBe(1);
    expect(sample(text, 'pave_jobs_oldest_age_seconds', { queue: 'catalog.refresh', state: 'ready' })).toBe(0);
    // The consumers are not started in this test: everything the registration appended is still to be read.
    const latest = await pave.app.eventLog.latest();
    expect(latest).toBeGreaterThan(0);
    expect(sample(text, 'pave_event_log_sequence')).toBe(latest);
    for (const consumer of pave.app.eventConsumers.names()) expect(sample(text, 'pave_event_consumer_lag_events', { consumer })).toBe(latest);
    expect(text).toContain('# TYPE pave_webhook_deliveries gauge');
  });

  it('counts refreshes, template tasks and platform runs from the events this process appends', async () => {
    await pave.app.catalog.locations.refresh((await pave.app.catalog.locations.list())[0]!.id);
    await pave.app.eventLog.append(pave.app.store.db, [
      { type: 'templates.task.completed', subject: 'task:1' },
      { type: 'templates.task.failed', subject: 'task:2' },
      { type: 'platform.run.finished', subject: 'request:a', payload: { action: 'apply', phase: 'Succeeded', seconds: 0.4 } },
      { type: 'platform.run.finished', subject: 'request:b', payload: { action: 'apply', phase: 'Failed', seconds: 2 } },
    ]);
    const text = await scrape();
    expect(sample(text, 'pave_catalog_refreshes_total', { outcome: 'ok' })).toBe(1);
    expect(sample(text, 'pave_catalog_refresh_duration_seconds_count', { outcome: 'ok' })).toBe(1);
    expect(sample(text, 'pave_template_tasks_total', { outcome: 'completed' })).toBe(1);
    expect(sample(text, 'pave_template_tasks_total', { outcome: 'failed' })).toBe(1);
    expect(sample(text, 'pave_platform_runs_total', { action: 'apply', phase: 'Succeeded' })).toBe(1);
    expect(sample(text, 'pave_platform_run_duration_seconds_sum', { action: 'apply', phase: 'Failed' })).toBe(2);
  });

  it('times git pushes', async () => {
    const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' });
    const remote = join(scratch, 'remote.git');
    const work = join(scratch, 'work');
    git(scratch, 'init', '--quiet', '--bare', '-b', 'main', remote);
    git(scratch, 'init', '--quiet', '-b', 'main', work);
    writeFileSync(join(work, 'README.md'), 'pushed\n');
    git(work, 'add', '.');
    git(work, '-c', 'user.name=t', '-c', 'user.email=t@example.test', 'commit', '--quiet', '-m', 'first');
    git(work, 'remote', 'add', 'origin', remote);
    await pushWithRebase(work, { branch: 'main' });
    const text = await scrape();
    expect(sample(text, 'pave_git_operation_duration_seconds_count', { operation: 'push', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  });
});
