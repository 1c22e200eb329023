import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveyCommands } from '../../src/cli/survey-commands.js';
import { maturityCommands } from '../../src/cli/maturity-commands.js';
import type { Output } from '../../src/cli/output.js';
import { nextWeek, startSurveyPave, type SurveyPave } from './support.js';
import { tokenFor } from '../auth/support.js';
import { runCli } from '../support/run-cli.js';

/**
 * `pave survey …` and `pave maturity …` run in this process (the commands as the CLI builds them, a
 * recording output) against a real server over HTTP with a user's token: what a person at a terminal gets.
 */
let pave: SurveyPave;
let dir: string;
/** The variables this file sets, as they were: other test files run in the same process after it. */
const environment = { PAVE_SERVER: process.env.PAVE_SERVER, PAVE_TOKEN: process.env.PAVE_TOKEN, HOME: process.env.HOME };
const results: unknown[] = [];
const output = (): Output => ({ json: true, result: value => void results.push(value), progress: () => undefined, done: () => undefined });

async function pave_(token: string, ...args: string[]): Promise<any> {
  process.env.PAVE_SERVER = pave.url;
  process.env.PAVE_TOKEN = token;
  const program = new Command('pave').exitOverride();
  for (const command of [surveyCommands(output, () => ({ json: true })), maturityCommands(output, () => ({ json: true }))]) program.addCommand(command.exitOverride());
  results.length = 0;
  await program.parseAsync(args, { from: 'user' });
  return results[0];
}

beforeAll(async () => {
  pave = await startSurveyPave();
  dir = await mkdtemp(join(tmpdir(), 'pave-insights-cli-'));
  process.env.HOME = dir;
});
afterAll(async () => {
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await pave?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('pave survey and pave maturity', () => {
  it('creates a survey from a file, opens a run for a team, closes it and prints results', async () => {
    const alice = await tokenFor(pave.app, 'user:default/alice');
    await writeFile(join(dir, 'questions.yaml'), ['- { id: ci-speed, type: likert, topic: feedback-loops, text: CI is fast. }', '- { id: recommend, type: nps, topic: recommend, text: Recommend us?, required: true }', ''].join('\n'));
    const survey = await pave_(alice, 'survey', 'create', '--title', 'Pulse', '--file', join(dir, 'questions.yaml'));
    expect(survey.questions.map((q: { id: string }) => q.id)).toEqual(['ci-speed', 'recommend']);
    const run = await pave_(alice, 'survey', 'open', survey.id, '--closes', nextWeek(), '--team', 'group:default/checkout-team');
    expect(run).toMatchObject({ state: 'open', audience: { type: 'teams', teams: ['group:default/checkout-team'] } });
    const closed = await pave_(alice, 'survey', 'close', run.id);
    expect(closed.state).toBe('closed');
    const results = await pave_(alice, 'survey', 'results', run.id);
    expect(results.overall).toMatchObject({ shown: false, reason: expect.stringContaining('Fewer than 5') });
  });

  it('records an assessment from YAML and writes the report as Markdown and PDF', async () => {
    const alice = await tokenFor(pave.app, 'user:default/alice');
    await writeFile(join(dir, 'a.yaml'), ['aspects:', '  investment: operational', '  adoption: scalable', '  interfaces: operational', '  operations: provisional', '  measurement: { level: operational, note: First survey done. }', ''].join('\n'));
    const assessment = await pave_(alice, 'maturity', 'assess', '--file', join(dir, 'a.yaml'));
    expect(assessment.aspects.find((a: { aspect: string }) => a.aspect === 'adoption').level).toBe('scalable');
    const md = await pave_(alice, 'maturity', 'report', '--format', 'md');
    expect(md.markdown).toContain('## Measurement: Operational');
    const pdf = await pave_(alice, 'maturity', 'report', '--format', 'pdf', '--out', join(dir, 'report.pdf'));
    const bytes = new Uint8Array(await readFile(pdf.file));
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
    // The PDF opens and holds every aspect, the change and the credit (its text read back).
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    for (const aspect of ['Investment', 'Adoption', 'Interfaces', 'Operations', 'Measurement']) expect(text).toContain(aspect);
    expect(text).toContain('First survey done.');
    expect(text).toContain('CNCF Platform Engineering Maturity Model');
    await writeFile(join(dir, 'bad.yaml'), 'aspects:\n  adoption: elite\n');
    await expect(pave_(alice, 'maturity', 'assess', '--file', join(dir, 'bad.yaml'))).rejects.toMatchObject({ problem: { status: 422, errors: expect.arrayContaining([expect.objectContaining({ pointer: '/aspects/adoption/level' }), expect.objectContaining({ pointer: '/aspects/investment' })]) } });
  });

  it('asks aspect by aspect in a terminal, showing the evidence, with Enter keeping the suggested level', async () => {
    const alice = await tokenFor(pave.app, 'user:default/alice');
    const evidence = await pave_(alice, 'maturity', 'evidence');
    const suggested: Record<string, string | undefined> = Object.fromEntries(evidence.aspects.map((a: { aspect: string; suggested?: string }) => [a.aspect, a.suggested]));
    // One line per prompt: investment by number with a note, adoption by name (with a mistyped level first, asked
    // again), the rest by Enter (the suggestion where there is one, else a level), then the whole note.
    const answers = ['2', 'A dedicated team since spring.', 'elite', 'scalable', 'Golden paths pull people in.', ...['interfaces', 'operations', 'measurement'].flatMap(a => [suggested[a] ? '' : 'operational', '']), 'Second look.'];
    const run = await runCli(['--json', 'maturity', 'assess'], { cwd: dir, env: { PAVE_SERVER: pave.url, PAVE_TOKEN: alice, HOME: dir }, input: answers.join('\n') + '\n' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Investment: How are people and money put into platform capabilities?');
    expect(run.stderr).toContain('4. Optimizing');
    const assessment = JSON.parse(run.stdout);
    const level = (aspect: string) => assessment.aspects.find((a: { aspect: string }) => a.aspect === aspect);
    expect(level('investment')).toMatchObject({ level: 'operational', note: 'A dedicated team since spring.' });
    expect(level('adoption')).toMatchObject({ level: 'scalable', note: 'Golden paths pull people in.' });
    for (const aspect of ['interfaces', 'operations', 'measurement']) expect(level(aspect).level).toBe(suggested[aspect] ?? 'operational');
    expect(assessment.note).toBe('Second look.');

    const cut = await runCli(['--json', 'maturity', 'assess'], { cwd: dir, env: { PAVE_SERVER: pave.url, PAVE_TOKEN: alice, HOME: dir }, input: '1\n' });
    expect(cut.code).toBe(1);
    expect(JSON.parse(cut.stderr.trim().split('\n').at(-1)!)).toMatchObject({ status: 422, detail: expect.stringContaining('nothing was recorded') });
  });
});
