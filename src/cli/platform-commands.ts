import { Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import { loadConfig } from '../pave-config.js';
import { invalidInput } from '../core/problem.js';
import { readDocuments } from '../platform/document-files.js';
import type { DryRunResult } from '../platform/dry-run.js';
import type { ApplyResult, RequestView } from '../platform/platform-service.js';
import type { PublishResult } from '../platform/capability-registry.js';
import { runLogText } from '../platform/run-store.js';
import type { PaveClient } from '../client/pave-client.js';
import { table, type Output } from './output.js';
import { withClient, type GlobalOptions } from './context.js';
import { platformCommand } from './platform-command.js';
import { scoreCommand } from './score-command.js';
import { describe, waitFor } from './wait-for-requests.js';

/**
 * The platform commands: `pave request …` (apply, get, list, delete, runs, logs), `pave capability …`
 * (publish, list, get), `pave destination …` (apply, list), `pave render` (a dry run that needs no
 * store and no cluster), `pave platform …` (bindings and approvals) and `pave score …` (Score workloads).
 */
export function platformCommands(output: () => Output, globals: () => GlobalOptions): Command[] {
  return [requestCommand(output, globals), capabilityCommand(output, globals), destinationCommand(output, globals), renderCommand(output), platformCommand(output, globals), scoreCommand(output, globals)];
}

/** `name`, or `namespace/name`, with `-n` as the namespace otherwise. */
function target(ref: string, namespace?: string): { namespace: string; name: string } {
  const slash = ref.indexOf('/');
  if (slash > 0) return { namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
  if (!namespace) throw invalidInput(`Say which namespace ${ref} is in: ${ref} -n <namespace>, or <namespace>/${ref}`);
  return { namespace, name: ref };
}

function requestCommand(output: () => Output, globals: () => GlobalOptions): Command {
  const request = new Command('request').description('requests for platform capabilities (databases, namespaces, caches, …)');

  request
    .command('apply')
    .description('create or update the requests in a YAML file; with --wait, follow them until they are Ready')
    .requiredOption('-f, --file <file>', 'YAML file (several documents allowed)')
    .option('--wait', 'wait until every request is Ready (or failed); on the local store this process reconciles them')
    .option('--timeout <seconds>', 'how long --wait waits', '120')
    .action(async (options: { file: string; wait?: boolean; timeout: string }) => {
      const out = output();
      const documents = await readDocuments(options.file);
      await withClient(
        globals(),
        async client => {
          const applied: ApplyResult[] = [];
          for (const document of documents) {
            const result = await client.platform.applyRequest(document);
            applied.push(result);
            out.progress(`${result.outcome} ${result.request.metadata.namespace}/${result.request.metadata.name}`);
          }
          let final = applied.map(a => a.request);
          if (options.wait) final = await waitFor(client, out, final, Number(options.timeout), 'ready');
          out.result({ items: final, outcomes: applied.map(a => a.outcome) }, () =>
            final
              .map((view, i) => `${describe(view)} — ${applied[i]!.outcome}, generation ${view.metadata.generation}${options.wait ? '' : ' (the server reconciles it; pave request get to follow)'}`)
              .join('\n'),
          );
          if (options.wait && final.some(view => view.status.phase !== 'Ready')) process.exitCode = 1;
        },
        { reconciler: Boolean(options.wait) },
      );
    });

  request
    .command('get')
    .description('show a request: phase, conditions, outputs, where its files are')
    .argument('<name>', 'name or namespace/name')
    .option('-n, --namespace <namespace>', "the owning team's namespace")
    .action(async (ref: string, options: { namespace?: string }) => {
      const out = output();
      const { namespace, name } = target(ref, options.namespace);
      await withClient(globals(), async client => {
        const view = await client.platform.request(namespace, name);
        out.result(view, () => describeInDetail(view));
      });
    });

  request
    .command('list')
    .description('list requests')
    .option('-n, --namespace <namespace>', 'only this namespace')
    .option('--kind <kind>', 'only this kind')
    .action(async (options: { namespace?: string; kind?: string }) => {
      const out = output();
      await withClient(globals(), async client => {
        const items = await client.platform.requests({ ...(options.namespace ? { namespace: options.namespace } : {}), ...(options.kind ? { kind: options.kind } : {}) });
        out.result({ items }, () =>
          items.length
            ? table(
                ['NAMESPACE', 'NAME', 'KIND', 'PHASE', 'GENERATION', 'VERSION', 'MESSAGE'],
                items.map(v => [
                  v.metadata.namespace,
                  v.metadata.name,
                  v.kind,
                  v.status.phase,
                  `${v.status.observedGeneration}/${v.metadata.generation}`,
                  v.status.capabilityVersion ?? '',
                  (v.status.message ?? '').slice(0, 80),
                ]),
              )
            : 'no requests',
        );
      });
    });

  request
    .command('delete')
    .description('delete a request: its delete steps run and its files are removed in a commit')
    .argument('<name>', 'name or namespace/name')
    .option('-n, --namespace <namespace>', "the owning team's namespace")
    .option('--wait', 'wait until the request is gone; on the local store this process reconciles it')
    .option('--timeout <seconds>', 'how long --wait waits', '120')
    .action(async (ref: string, options: { namespace?: string; wait?: boolean; timeout: string }) => {
      const out = output();
      const { namespace, name } = target(ref, options.namespace);
      await withClient(
        globals(),
        async client => {
          const view = await client.platform.deleteRequest(namespace, name);
          if (options.wait) {
            const left = await waitFor(client, out, [view], Number(options.timeout), 'gone');
            out.result({ deleted: left.length === 0, items: left }, () => (left.length ? `${describe(left[0]!)} — still there` : `deleted ${namespace}/${name}`));
            if (left.length) process.exitCode = 1;
            return;
          }
          out.result(view, () => `${describe(view)} — deletion requested`);
        },
        { reconciler: Boolean(options.wait) },
      );
    });

  request
    .command('runs')
    .description("a request's runs (what each reconcile did), newest first")
    .argument('<name>', 'name or namespace/name')
    .option('-n, --namespace <namespace>', "the owning team's namespace")
    .option('--logs', 'print the logs of each run')
    .action(async (ref: string, options: { namespace?: string; logs?: boolean }) => {
      const out = output();
      const { namespace, name } = target(ref, options.namespace);
      await withClient(globals(), async client => {
        const runs = await client.platform.runs(namespace, name);
        out.result({ items: runs }, () => {
          if (!runs.length) return `no runs of ${namespace}/${name}`;
          if (options.logs) return runs.map(runLogText).join('\n');
          return table(
            ['RUN', 'ACTION', 'GENERATION', 'VERSION', 'PHASE', 'FILES', 'COMMITS', 'STARTED', 'ERROR'],
            runs.map(run => [run.id, run.action + (run.drift ? ' (drift)' : ''), String(run.generation), run.capabilityVersion, run.phase, String(run.diff.length), run.commits.map(c => c.commit.slice(0, 12)).join(' '), run.startedAt, (run.error ?? '').slice(0, 60)]),
          );
        });
      });
    });

  request
    .command('logs')
    .description("one run's logs")
    .argument('<run>', 'run id')
    .action(async (id: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const run = await client.platform.run(id);
        out.result(run, () => runLogText(run).trimEnd());
      });
    });
  return request;
}

function capabilityCommand(output: () => Output, globals: () => GlobalOptions): Command {
  const capability = new Command('capability').description('capabilities the platform team publishes');
  capability
    .command('publish')
    .description('validate and publish the capabilities in a YAML file (module step files are read in)')
    .requiredOption('-f, --file <file>', 'YAML file (several documents allowed)')
    .action(async (options: { file: string }) => {
      const out = output();
      const documents = await readDocuments(options.file);
      await withClient(globals(), async client => {
        const results: PublishResult[] = [];
        for (const document of documents) results.push(await client.platform.publishCapability(document));
        out.result({ items: results }, () =>
          results.map(r => `${r.outcome === 'created' ? 'published' : 'already published'} ${r.revision.name} ${r.revision.version}${r.latest ? ' (latest)' : ''}`).join('\n'),
        );
      });
    });
  capability
    .command('list')
    .description('published capabilities')
    .action(async () => {
      const out = output();
      await withClient(globals(), async client => {
        const items = await client.platform.capabilities();
        out.result({ items }, () =>
          items.length
            ? table(['NAME', 'KIND', 'API VERSION', 'LATEST', 'VERSIONS', 'DESCRIPTION'], items.map(c => [c.name, c.api.kind, `${c.api.group}/${c.api.version}`, c.latestVersion, c.versions.join(' '), (c.description ?? '').slice(0, 60)]))
            : 'no capabilities',
        );
      });
    });
  capability
    .command('get')
    .description('one capability revision (the newest unless --version)')
    .argument('<name>')
    .option('--version <version>', 'a published version')
    .action(async (name: string, options: { version?: string }) => {
      const out = output();
      await withClient(globals(), async client => {
        const revision = await client.platform.capability(name, options.version);
        out.result(revision, () => toYaml(revision.capability, { lineWidth: 0 }).trimEnd());
      });
    });
  return capability;
}

function destinationCommand(output: () => Output, globals: () => GlobalOptions): Command {
  const destination = new Command('destination').description('git repositories that requests are placed in');
  destination
    .command('apply')
    .description('create or replace the destinations in a YAML file')
    .requiredOption('-f, --file <file>', 'YAML file')
    .action(async (options: { file: string }) => {
      const out = output();
      const documents = await readDocuments(options.file);
      await withClient(globals(), async client => {
        const results: Array<Awaited<ReturnType<PaveClient['platform']['applyDestination']>>> = [];
        for (const document of documents) results.push(await client.platform.applyDestination(document));
        out.result({ items: results }, () => results.map(r => `${r.outcome} destination ${r.destination.metadata.name} (${r.destination.spec.git.url})`).join('\n'));
      });
    });
  destination
    .command('list')
    .description('destinations')
    .action(async () => {
      const out = output();
      await withClient(globals(), async client => {
        const items = await client.platform.destinations();
        out.result({ items }, () =>
          items.length
            ? table(['NAME', 'LABELS', 'REPOSITORY', 'BRANCH', 'PATH', 'CLEANUP'], items.map(d => [d.metadata.name, Object.entries(d.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','), d.spec.git.url ?? '(on the server)', d.spec.git.branch ?? 'main', d.spec.git.path ?? '', d.spec.cleanupPolicy ?? 'delete']))
            : 'no destinations',
        );
      });
    });
  return destination;
}

function renderCommand(output: () => Output): Command {
  return new Command('render')
    .description('print exactly the files a request would commit with a capability (no store, no cluster)')
    .argument('<capability>', 'capability YAML file')
    .argument('<request>', 'request YAML file')
    .action(async (capabilityFile: string, requestFile: string) => {
      const out = output();
      const [capabilityDocument] = await readDocuments(capabilityFile);
      const [requestDocument] = await readDocuments(requestFile);
      // What a dry run needs (the step runners, the expression evaluator) loads only for a dry run.
      const [{ validateCapability }, { dryRun }, { moduleSandboxFor }, { EvaluatorPool, ExpressionEvaluator }] = await Promise.all([
        import('../platform/model/capability-validation.js'),
        import('../platform/dry-run.js'),
        import('../platform/steps/sandbox/module-sandbox-for.js'),
        import('../expressions/index.js'),
      ]);
      const checked = validateCapability(capabilityDocument);
      if (!checked.capability) throw invalidInput(`${capabilityFile}: the capability has ${checked.errors.length} mistake(s)`, checked.errors.map(e => ({ ...e, source: capabilityFile })));
      const config = loadConfig();
      // Local, with no store: the operator's own files, run in the configured sandbox like a reconcile would.
      const pool = EvaluatorPool.fromConfig(config.expressions);
      let result: DryRunResult;
      try {
        result = await dryRun({ capability: checked.capability, request: requestDocument, timeoutSeconds: config.platform.stepTimeoutSeconds, moduleSandbox: moduleSandboxFor(config.platform), expressions: new ExpressionEvaluator(pool) });
      } finally {
        await pool.close();
      }
      if (!out.json && result.unresolved.length) process.stderr.write(`note: left as written (no store to read them from): ${result.unresolved.join(', ')}\n`);
      out.result(result, () => result.files.map(file => `# ${file.path}\n${file.content.endsWith('\n') ? file.content : file.content + '\n'}`).join('---\n').trimEnd());
    });
}


function describeInDetail(view: RequestView): string {
  const status = view.status;
  const lines = [
    `${view.metadata.namespace}/${view.metadata.name}  ${view.apiVersion} ${view.kind}`,
    `phase:       ${status.phase}${status.message ? ` — ${status.message}` : ''}`,
    `generation:  ${view.metadata.generation} (observed ${status.observedGeneration})`,
    `capability:  ${status.capability ?? '?'} ${status.capabilityVersion ?? ''}${status.upgradeAvailable ? ` (upgrade available: ${status.upgradeAvailable})` : ''}`,
  ];
  if (status.nextRetryAt) lines.push(`next retry:  ${status.nextRetryAt}`);
  lines.push('', table(['CONDITION', 'STATUS', 'REASON', 'MESSAGE'], status.conditions.map(c => [c.type, c.status, c.reason, c.message.slice(0, 100)])));
  if (status.outputs && Object.keys(status.outputs).length) lines.push('', 'outputs:', ...Object.entries(status.outputs).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`));
  // Each delivery's commit with where to read it (the destination browsing API; the portal shows the same).
  const commitPath = (d: { destination: string; commit?: string }) => (d.commit ? ` @ ${d.commit.slice(0, 12)}  (/api/platform/destinations/${encodeURIComponent(d.destination)}/commits/${d.commit})` : '');
  if (status.deliveries.length) lines.push('', 'files:', ...status.deliveries.map(d => `  ${d.destination}: ${d.path}${commitPath(d)}`));
  if (status.lastRun) lines.push('', `last run:    ${status.lastRun.id} (${status.lastRun.action}, ${status.lastRun.phase})`);
  return lines.join('\n');
}
