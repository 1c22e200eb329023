import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { invalidInput } from '../core/problem.js';
import type { Question } from '../surveys/question.js';
import type { GroupResult, RunResults } from '../surveys/survey-results.js';
import type { SurveyRun } from '../surveys/survey-run.js';
import { table, type Output } from './output.js';
import { withClient, type GlobalOptions } from './context.js';

/**
 * `pave survey …`: developer-experience surveys through the API: create a questionnaire (Pave's default or
 * one from a YAML file), open a run for everyone or some teams, close it, and read its anonymous results.
 */
export function surveyCommands(output: () => Output, globals: () => GlobalOptions): Command {
  const survey = new Command('survey').description('developer-experience surveys: questionnaires, runs and their anonymous results');

  survey
    .command('list')
    .description('questionnaires and their runs')
    .action(async () => {
      const out = output();
      await withClient(globals(), async client => {
        const [items, runs] = await Promise.all([client.surveys.list(), client.surveys.runs()]);
        out.result({ items, runs }, () => (items.length ? [table(['SURVEY', 'TITLE', 'QUESTIONS'], items.map(s => [s.id, s.title, String(s.questions.length)])), '', runTable(runs)].join('\n') : 'no surveys'));
      });
    });

  survey
    .command('create')
    .description("create a questionnaire: Pave's default developer-experience questions, or those of a YAML file")
    .requiredOption('--title <title>', 'its title')
    .option('--file <questions.yaml>', 'a YAML list of questions ({ id, type: likert|nps|text, topic, text, required })')
    .action(async (options: { title: string; file?: string }) => {
      const out = output();
      const questions = options.file ? await readQuestions(options.file) : undefined;
      await withClient(globals(), async client => {
        const created = await client.surveys.create({ title: options.title, ...(questions ? { questions } : {}) });
        out.result(created, () => `survey ${created.id} "${created.title}" with ${created.questions.length} questions`);
      });
    });

  survey
    .command('open')
    .description('open a run of a questionnaire as it is now')
    .argument('<survey>', 'survey id (see pave survey list)')
    .requiredOption('--closes <date>', 'when it closes (ISO-8601, e.g. 2026-03-16T17:00:00Z)')
    .option('--opens <date>', 'when it opens (default now)')
    .option('--team <ref...>', 'ask only these teams (group refs); everyone when absent')
    .option('--title <title>', "the run's title (default the survey's)")
    .action(async (surveyId: string, options: { closes: string; opens?: string; team?: string[]; title?: string }) => {
      const out = output();
      await withClient(globals(), async client => {
        const run = await client.surveys.open(surveyId, {
          closesAt: options.closes,
          ...(options.opens ? { opensAt: options.opens } : {}),
          ...(options.title ? { title: options.title } : {}),
          audience: options.team?.length ? { type: 'teams', teams: options.team } : { type: 'everyone' },
        });
        out.result(run, () => `run ${run.id} ${run.state} until ${run.closesAt} for ${run.audience.type === 'everyone' ? 'everyone' : run.audience.teams.join(', ')}`);
      });
    });

  survey
    .command('close')
    .description('close a run now: no more answers, results appear')
    .argument('<run>', 'run id')
    .action(async (runId: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const run = await client.surveys.close(runId);
        out.result(run, () => `run ${run.id} closed with ${run.respondents} respondent(s)`);
      });
    });

  survey
    .command('results')
    .description("a run's anonymous results: everyone and by team, each group only with enough respondents")
    .argument('<run>', 'run id')
    .option('--team <ref>', 'only this team')
    .action(async (runId: string, options: { team?: string }) => {
      const out = output();
      await withClient(globals(), async client => {
        const results = await client.surveys.results(runId, options.team ? { team: options.team } : {});
        out.result(results, () => resultsText(results));
      });
    });

  survey
    .command('pulse')
    .description('the one-question pulse after golden paths and platform requests: ratings per template and capability, worst first')
    .action(async () => {
      const out = output();
      await withClient(globals(), async client => {
        const pulse = await client.surveys.pulseResults();
        out.result(pulse, () =>
          pulse.items.length
            ? table(['KIND', 'ABOUT', 'RATED', 'MEAN', 'FAVOURABLE'], pulse.items.map(p => [p.kind, p.subject, String(p.answered), p.shown ? p.mean!.toFixed(2) : '-', p.shown ? `${Math.round(p.favourable! * 100)}%` : (p.reason ?? '-')]))
            : 'No pulse ratings yet.',
        );
      });
    });

  return survey;
}

async function readQuestions(file: string): Promise<Question[]> {
  let parsed: unknown;
  try {
    parsed = parseYaml(await readFile(resolve(file), 'utf8'));
  } catch (error) {
    throw invalidInput(`${file} is not readable YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const list = parsed && typeof parsed === 'object' && !Array.isArray(parsed) && 'questions' in parsed ? (parsed as { questions: unknown }).questions : parsed;
  if (!Array.isArray(list)) throw invalidInput(`${file} must hold a list of questions (or a mapping with questions:)`);
  return list as Question[];
}

function runTable(runs: SurveyRun[]): string {
  return runs.length ? table(['RUN', 'TITLE', 'STATE', 'CLOSES', 'RESPONDENTS'], runs.map(r => [r.id, r.title, r.state, r.closesAt, String(r.respondents)])) : 'no runs';
}

/** The results as text: each shown group's rated questions, and why the others are hidden. */
export function resultsText(results: RunResults): string {
  const lines = [`${results.title} (${results.state}): ${results.respondents} respondent(s); groups of fewer than ${results.minRespondents} are hidden`];
  for (const group of [results.overall, ...results.teams]) lines.push('', ...groupText(group));
  return lines.join('\n');
}

function groupText(group: GroupResult): string[] {
  const head = group.group === 'everyone' ? 'Everyone' : group.group === 'no-team' ? 'No team' : group.group;
  if (!group.shown) return [`${head}: ${group.reason}`];
  const rows = (group.questions ?? []).map(q => {
    const a = q.aggregate;
    if (!q.shown || !a) return [q.id, '-', q.reason ?? ''];
    if (a.type === 'likert') return [q.id, `mean ${a.mean.toFixed(2)}`, `${Math.round(a.favourable * 100)}% favourable of ${a.answered}`];
    if (a.type === 'nps') return [q.id, `NPS ${a.score}`, `${a.promoters} promoters, ${a.passives} passives, ${a.detractors} detractors`];
    return [q.id, `${a.answered} answers`, a.answers.slice(0, 3).map(t => `"${t.length > 40 ? t.slice(0, 40) + '…' : t}"`).join(' ')];
  });
  return [`${head} (${group.respondents} respondents)`, table(['QUESTION', 'RESULT', 'DETAIL'], rows)];
}
