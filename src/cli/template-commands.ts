import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { formatFieldError, invalidInput, type FieldError } from '../core/problem.js';
import type { ActionDescription } from '../templates/actions/action-description.js';
import type { DryRunResult } from '../templates/scaffolder-service.js';
import type { TaskEvent, TaskView } from '../templates/tasks/task-types.js';
import type { Output } from './output.js';
import { table } from './output.js';
import { withClient, type GlobalOptions } from './context.js';
import { templateUpgradeCommands } from './template-upgrade-commands.js';

/** `--set name=value` (repeatable): the value is read as YAML, so numbers and booleans keep their type. */
function collectSet(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw invalidInput(`--set expects name=value, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: parseYaml(value.slice(eq + 1)) as unknown };
}

function collectSecret(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw invalidInput(`--secret expects NAME=value, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

async function readValues(file: string | undefined, set: Record<string, unknown>): Promise<Record<string, unknown>> {
  let values: Record<string, unknown> = {};
  if (file) {
    const parsed = parseYaml(await readFile(resolve(file), 'utf8')) as unknown;
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) throw invalidInput(`${file} must hold a mapping of parameter names to values`);
    values = (parsed ?? {}) as Record<string, unknown>;
  }
  return { ...values, ...set };
}

/** One line per step change, the step's log lines indented under it. */
function describeEvent(event: TaskEvent): string | undefined {
  const { body } = event;
  if (event.type === 'recovered') return `↻ ${body.message}`;
  if (event.type === 'completion') return undefined;
  if (event.type === 'cancelled') return `✗ ${body.message}`;
  switch (body.status) {
    case 'processing':
      return `▶ ${body.message.replace(/^Beginning step /, '')}`;
    case 'completed':
      return `✓ ${body.message.replace(/^Finished step /, '')}`;
    case 'skipped':
      return `- ${body.message}`;
    case 'failed':
      return `✗ ${body.message}`;
    case 'cancelled':
      return `✗ ${body.message}`;
    default:
      return `    ${body.level === 'warn' ? 'warning: ' : body.level === 'error' ? 'error: ' : ''}${body.message.split('\n').join('\n    ')}`;
  }
}

function describeOutput(output: TaskView['output'] | DryRunResult['output'] | undefined): string[] {
  const lines: string[] = [];
  for (const link of output?.links ?? []) lines.push(`  ${link.title ?? 'Link'}: ${link.url ?? link.entityRef ?? ''}`);
  for (const text of output?.text ?? []) lines.push(`  ${text.title ?? ''}\n    ${String(text.content ?? '').trim().split('\n').join('\n    ')}`);
  return lines;
}

/** `pave template …`: list templates, check a template file, run a template (or dry-run it) with live progress, upgrade the repositories templates made. */
export function templateCommands(output: () => Output, globals: () => GlobalOptions): Command {
  const template = new Command('template').description('golden paths: software templates');

  template
    .command('list')
    .description('templates in the catalog, with the problems that keep any from running')
    .action(async () => {
      const out = output();
      await withClient(globals(), async client => {
        const templates = await client.templates.list();
        out.result({ items: templates }, () => {
          if (!templates.length) return 'no templates in the catalog (register a location holding Template entities)';
          const rows = templates.map(t => [t.ref, t.title, t.runnable ? 'ok' : `${t.problems.length} problem(s)`]);
          const problems = templates.filter(t => !t.runnable).flatMap(t => [`${t.ref}:`, ...t.problems.map(p => '  ' + formatFieldError(p))]);
          return [table(['TEMPLATE', 'TITLE', 'STATUS'], rows), ...(problems.length ? ['', ...problems] : [])].join('\n');
        });
      });
    });

  template
    .command('check')
    .description('check template files (YAML) without storing anything: unsupported actions (the ones the server has), expression errors, bad parameter schemas; exit 1 on any problem')
    .argument('<files...>', 'template files')
    .action(async (files: string[]) => {
      const out = output();
      const actions = new Set((await withClient(globals(), client => client.templates.actions())).map(a => a.id));
      const results: Array<{ file: string; document: number; ref?: string; problems: FieldError[] }> = [];
      const { readTemplate } = await import('../templates/model/template.js');
      for (const file of files) {
        const docs = parseAllDocuments(await readFile(resolve(file), 'utf8'));
        for (const [index, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
          const problems = doc.errors.length ? doc.errors.map(e => ({ pointer: '', detail: `not valid YAML: ${e.message.split('\n')[0]}`, rule: 'yaml' })) : [];
          const reading = problems.length ? { problems } : readTemplate(doc.toJS(), { hasAction: id => actions.has(id) });
          results.push({ file, document: index, ...('template' in reading && reading.template ? { ref: reading.template.ref } : {}), problems: reading.problems });
        }
      }
      const count = results.reduce((n, r) => n + r.problems.length, 0);
      out.result({ valid: count === 0, results }, () =>
        results
          .map(r => (r.problems.length ? r.problems.map(p => `${r.file}, document ${r.document}: ${formatFieldError(p)}`).join('\n') : `ok: ${r.ref ?? r.file}`))
          .join('\n'),
      );
      if (count) process.exitCode = 1;
    });

  template
    .command('actions')
    .description('the actions templates can use, built in and installed (--json: with their input and output JSON Schemas); with an id: that action and its schemas')
    .argument('[id]', 'one action, e.g. acme:notify')
    .action(async (id: string | undefined) => {
      const out = output();
      await withClient(globals(), async client => {
        const all = await client.templates.actions();
        const source = (a: ActionDescription) => (a.installed ? `${a.installed.kind} ${a.installed.name}` : 'built in');
        if (id !== undefined) {
          const action = all.find(a => a.id === id);
          if (!action) throw new Error(`no action ${id} (pave template actions lists them)`);
          const schemas = Object.entries(action.schema).map(([which, schema]) => `${which}: ${JSON.stringify(schema, null, 2)}`);
          return out.result(action, () => [`${action.id} (${source(action)}, effect ${action.effect})`, action.description, '', ...schemas].join('\n'));
        }
        out.result(all, () => table(['ACTION', 'SOURCE', 'EFFECT', 'DESCRIPTION'], all.map(a => [a.id, source(a), a.effect, a.description.length > 90 ? a.description.slice(0, 89) + '…' : a.description])));
      });
    });

  template
    .command('run')
    .description('run a template: validate the values, create the task and follow its steps live (or --dry-run: render without side effects)')
    .argument('<ref>', 'template ref: [template:][namespace/]name')
    .option('-f, --values <file>', 'YAML or JSON file of parameter values')
    .option('--set <name=value>', 'a parameter value (repeatable; read as YAML)', collectSet, {})
    .option('--secret <NAME=value>', "a secret for ${{ secrets.NAME }} (repeatable; never shown; a nested Secret field's by its path, deploy.token)", collectSecret, {})
    .option('--feature-flag <name>', 'a backstage:featureFlag to have on: the pages and fields behind it are asked (repeatable; all off otherwise)', (flag: string, previous: string[]) => [...previous, flag], [])
    .option('--dry-run', 'render the files and log the steps with no side effects')
    .option('-o, --output-dir <dir>', 'with --dry-run: write the rendered files here')
    .action(async (ref: string, options: { values?: string; set: Record<string, unknown>; secret: Record<string, string>; featureFlag: string[]; dryRun?: boolean; outputDir?: string }) => {
      const out = output();
      const values = await readValues(options.values, options.set);
      const secrets = options.secret;
      const featureFlags = options.featureFlag;
      const progress = (line: string | undefined) => {
        if (line !== undefined && !out.json) process.stderr.write(line + '\n');
      };
      if (options.dryRun) {
        await withClient(globals(), async client => {
          const result = await client.templates.dryRun({ templateRef: ref, values, secrets, featureFlags });
          for (const entry of result.log) progress(describeEvent({ id: 0, taskId: 'dry-run', type: 'log', body: entry.body, createdAt: '' }));
          if (options.outputDir) {
            for (const file of result.directoryContents) {
              const target = resolve(options.outputDir, file.path);
              if (!target.startsWith(resolve(options.outputDir) + '/')) continue;
              await mkdir(dirname(target), { recursive: true });
              await writeFile(target, Buffer.from(file.base64Content, 'base64'), { mode: file.executable ? 0o755 : 0o644 });
            }
          }
          out.result(result, () =>
            [
              `dry run ${result.status}: ${result.directoryContents.length} file(s) rendered${options.outputDir ? ` into ${options.outputDir}` : ''}`,
              ...result.directoryContents.map(f => `  ${f.path}`),
              ...(result.error ? [`error: ${result.error.detail}`, ...(result.error.errors ?? []).map(e => '  ' + formatFieldError(e))] : []),
              ...describeOutput(result.output),
            ].join('\n'),
          );
          if (result.status !== 'completed') process.exitCode = 1;
        });
        return;
      }
      // On the local store this process runs the task; on a server the server does, and this only follows it.
      await withClient(
        globals(),
        async client => {
          const { id } = await client.templates.createTask({ templateRef: ref, values, secrets, featureFlags });
          progress(`task ${id}`);
          const controller = new AbortController();
          const interrupt = () => controller.abort();
          process.once('SIGINT', interrupt);
          try {
            for await (const event of client.templates.taskEvents(id, { signal: controller.signal })) progress(describeEvent(event));
          } finally {
            process.off('SIGINT', interrupt);
          }
          const task = await client.templates.task(id);
          if (controller.signal.aborted && !['completed', 'failed', 'cancelled'].includes(task.status)) {
            progress(`interrupted: task ${id} goes on where tasks run (the server, or for the local store the next pave serve or pave template run), from its last completed step; pave template task ${id} shows it`);
          }
          out.result(task, () =>
            [
              `task ${task.id} ${task.status}`,
              ...(task.error ? [`error: ${task.error.detail}`, ...(task.error.errors ?? []).map(e => '  ' + formatFieldError(e))] : []),
              ...describeOutput(task.output),
            ].join('\n'),
          );
          if (task.status !== 'completed') process.exitCode = 1;
        },
        { tasks: true },
      );
    });

  template
    .command('task')
    .description('show a task (status, steps, output)')
    .argument('<id>', 'task id')
    .action(async (id: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const task = await client.templates.task(id);
        out.result(task, () =>
          [
            `task ${task.id} ${task.status} (${task.templateRef})`,
            table(['STEP', 'ACTION', 'STATUS'], task.steps.map(s => [s.name, s.action, s.status])),
            ...describeOutput(task.output),
          ].join('\n'),
        );
      });
    });

  for (const command of templateUpgradeCommands(output, globals)) template.addCommand(command);
  return template;
}
