import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { invalidInput } from '../core/problem.js';
import type { AssessmentInput } from '../maturity/assessment.js';
import { table, type Output } from './output.js';
import { withClient, type GlobalOptions } from './context.js';
import { interviewAssessment } from './maturity-interview.js';

/**
 * `pave maturity …`: the CNCF Platform Engineering Maturity Model self-assessment: the evidence Pave computes,
 * recording an assessment from a YAML file, and the report as Markdown or PDF.
 */
export function maturityCommands(output: () => Output, globals: () => GlobalOptions): Command {
  const maturity = new Command('maturity').description('platform maturity self-assessment (CNCF Platform Engineering Maturity Model) with evidence from Pave');

  maturity
    .command('evidence')
    .description("the evidence from Pave's data per aspect, with sources, suggested levels and what is missing")
    .action(async () => {
      const out = output();
      await withClient(globals(), async client => {
        const report = await client.maturity.evidence();
        out.result(report, () =>
          [
            table(['ASPECT', 'SUGGESTED', 'EVIDENCE'], report.aspects.flatMap(a => [[a.aspect, a.suggested ?? '-', a.evidence.length ? '' : 'none'], ...a.evidence.map(e => ['', '', `${e.title}: ${e.value} (${e.source})`]), ...a.missing.map(m => ['', '', `MISSING ${m.title} — from ${m.from}`])])),
            '',
            report.credit,
          ].join('\n'),
        );
      });
    });

  maturity
    .command('assess')
    .description('record an assessment: asked aspect by aspect with the evidence and suggested levels, or from a YAML file (aspects: { investment: { level: operational, note: … }, … }, note, assessedAt)')
    .option('--file <assessment.yaml>', 'the assessment (each aspect: a level name, or { level, note }); without it, you are asked')
    .action(async (options: { file?: string }) => {
      const out = output();
      const fromFile = options.file ? await readAssessment(options.file) : undefined;
      await withClient(globals(), async client => {
        // Questions go to stderr, so stdout stays the result alone (a script's --json reads just the assessment).
        const input = fromFile ?? (await interviewAssessment(await client.maturity.evidence(), { input: process.stdin, output: process.stderr }));
        const assessment = await client.maturity.assess(input);
        out.result(assessment, () =>
          [`assessment ${assessment.id} (${assessment.assessedAt.slice(0, 10)})`, table(['ASPECT', 'LEVEL', 'SUGGESTED', 'OVERRIDDEN'], assessment.aspects.map(a => [a.aspect, a.level, a.suggested ?? '-', a.overridden ? 'yes' : 'no']))].join('\n'),
        );
      });
    });

  maturity
    .command('report')
    .description('the report of the latest assessment (or --id) with the change since the one before')
    .option('--format <md|pdf>', 'md (printed) or pdf (written to --out)', 'md')
    .option('--id <id>', 'an assessment id (default the latest)')
    .option('--out <file>', 'write it here (default for pdf: maturity-report.pdf)')
    .action(async (options: { format: string; id?: string; out?: string }) => {
      const out = output();
      if (options.format !== 'md' && options.format !== 'pdf') throw invalidInput(`--format must be md or pdf (found ${options.format})`, [{ pointer: '/format', detail: 'must be md or pdf', rule: 'enum' }]);
      await withClient(globals(), async client => {
        if (options.format === 'md') {
          const markdown = await client.maturity.report('md', options.id);
          if (options.out) await writeFile(resolve(options.out), markdown);
          out.result({ format: 'md', ...(options.out ? { file: resolve(options.out) } : { markdown }) }, () => (options.out ? `wrote ${resolve(options.out!)}` : markdown));
          return;
        }
        const file = resolve(options.out ?? 'maturity-report.pdf');
        const pdf = await client.maturity.reportPdf(options.id);
        await writeFile(file, pdf);
        out.result({ format: 'pdf', file, bytes: pdf.length }, () => `wrote ${file} (${pdf.length} bytes)`);
      });
    });

  return maturity;
}

/** Reads an assessment file; an aspect may be written as just its level (`adoption: scalable`). */
export async function readAssessment(file: string): Promise<AssessmentInput> {
  let parsed: unknown;
  try {
    parsed = parseYaml(await readFile(resolve(file), 'utf8'));
  } catch (error) {
    throw invalidInput(`${file} is not readable YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidInput(`${file} must hold a mapping with aspects:`, [{ pointer: '', detail: 'must be a mapping with aspects', rule: 'type' }]);
  const input = parsed as Record<string, unknown>;
  if (typeof input.assessedAt === 'object' && input.assessedAt instanceof Date) input.assessedAt = input.assessedAt.toISOString();
  const aspects = input.aspects;
  if (aspects && typeof aspects === 'object' && !Array.isArray(aspects))
    input.aspects = Object.fromEntries(Object.entries(aspects).map(([aspect, answer]) => [aspect, typeof answer === 'string' ? { level: answer } : answer]));
  return input as unknown as AssessmentInput;
}
