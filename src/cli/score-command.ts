import { Command } from 'commander';
import { invalidInput } from '../core/problem.js';
import { readDocuments } from '../platform/document-files.js';
import type { ScoreInput } from '../platform/score/score-input.js';
import type { Output } from './output.js';
import { withClient, type GlobalOptions } from './context.js';
import { describe, waitFor } from './wait-for-requests.js';

interface ScoreOptions {
  namespace: string;
  environment?: string;
}

/**
 * `pave score apply|render <score.yaml> -n <namespace>`: a Score workload's resources become requests of the
 * capabilities that provide them, and its containers a Deployment and Service committed like any request's files.
 */
export function scoreCommand(output: () => Output, globals: () => GlobalOptions): Command {
  const score = new Command('score').description('Score workloads (score.dev v1b1): requests for their resources and their own manifests');
  const common = (command: Command) =>
    command
      .argument('<file>', 'the Score file (score.yaml)')
      .requiredOption('-n, --namespace <namespace>', "the team's namespace the requests are made in")
      .option('-e, --environment <environment>', "labels the requests and fills capabilities' environment field, e.g. dev or prod");

  common(score.command('apply'))
    .description("make the workload's requests (one per resource, shared ids once) and its Deployment and Service, and delete those of its resources no longer in the file; with --wait, follow them until Ready (or gone)")
    .option('--wait', 'wait until every request is Ready (or failed) and the removed ones are gone; on the local store this process reconciles them')
    .option('--timeout <seconds>', 'how long --wait waits', '120')
    .action(async (file: string, options: ScoreOptions & { wait?: boolean; timeout: string }) => {
      const out = output();
      const input = await readScore(file, options);
      await withClient(
        globals(),
        async client => {
          const applied = await client.platform.applyScore(input);
          const all = [...applied.resources, applied.workload];
          for (const result of applied.resources) out.progress(`${result.outcome} ${describe(result.request)} for resource ${result.resources.join(', ')} (capability ${result.capability})`);
          out.progress(`${applied.workload.outcome} ${describe(applied.workload.request)}`);
          for (const view of applied.removed) out.progress(`deleting ${describe(view)}: its resource is no longer in ${file}`);
          let final = all.map(a => a.request);
          if (options.wait) {
            final = await waitFor(client, out, final, Number(options.timeout), 'ready');
            if (applied.removed.length) await waitFor(client, out, applied.removed, Number(options.timeout), 'gone');
          }
          out.result({ ...applied, items: final }, () => final.map((view, i) => `${describe(view)} — ${all[i]!.outcome}`).join('\n'));
          if (options.wait && final.some(view => view.status.phase !== 'Ready')) process.exitCode = 1;
        },
        { reconciler: Boolean(options.wait) },
      );
    });

  common(score.command('render'))
    .description('print the requests a Score file would make and the files each would commit; nothing is written')
    .action(async (file: string, options: ScoreOptions) => {
      const out = output();
      const input = await readScore(file, options);
      await withClient(globals(), async client => {
        const rendered = await client.platform.renderScore(input);
        const renders = [...rendered.resources.map(r => r.render), rendered.workload.render];
        const unresolved = [...new Set(renders.flatMap(r => r.unresolved))];
        if (!out.json && unresolved.length) process.stderr.write(`note: filled in once those requests are Ready: ${unresolved.join(', ')}\n`);
        out.result(rendered, () =>
          renders
            .flatMap(r => r.files)
            .map(f => `# ${f.path}\n${f.content.endsWith('\n') ? f.content : f.content + '\n'}`)
            .join('---\n')
            .trimEnd(),
        );
      });
    });
  return score;
}

async function readScore(file: string, options: ScoreOptions): Promise<ScoreInput> {
  const documents = await readDocuments(file);
  if (documents.length !== 1) throw invalidInput(`${file} must hold one Score file (it holds ${documents.length} documents)`);
  return { score: documents[0] as ScoreInput['score'], namespace: options.namespace, ...(options.environment ? { environment: options.environment } : {}) };
}
