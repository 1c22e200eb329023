import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { invalidInput } from '../core/problem.js';
import type { AspectAnswer, AssessmentInput, EvidenceReport } from '../maturity/assessment.js';
import { ASPECTS, LEVELS, type LevelId } from '../maturity/maturity-model.js';

/**
 * `pave maturity assess` without a file: asks for each aspect of the model in turn, showing its question, what
 * each level looks like and Pave's evidence, with the suggested level as the default (Enter keeps it). Reads
 * lines, so answers can also be piped in; input that ends early leaves nothing recorded.
 */
export async function interviewAssessment(report: EvidenceReport, io: { input: Readable; output: Writable }): Promise<AssessmentInput> {
  const prompt = createInterface({ input: io.input, output: io.output, terminal: false });
  const lines = prompt[Symbol.asyncIterator]();
  const ask = async (question: string): Promise<string> => {
    io.output.write(question);
    const next = await lines.next();
    if (!next.done) return next.value.trim();
    io.output.write('\n');
    throw invalidInput('The assessment ended before every aspect was answered: nothing was recorded');
  };
  try {
    io.output.write(`${report.credit}\n`);
    const aspects = {} as AssessmentInput['aspects'];
    for (const aspect of ASPECTS) {
      const found = report.aspects.find(a => a.aspect === aspect.id);
      io.output.write(`\n${aspect.title}: ${aspect.question}\n`);
      LEVELS.forEach(level => io.output.write(`  ${level.rank}. ${level.title} — ${aspect.levels[level.id]}\n`));
      for (const evidence of found?.evidence ?? []) io.output.write(`  evidence: ${evidence.title}: ${evidence.value} (${evidence.source})\n`);
      for (const missing of found?.missing ?? []) io.output.write(`  missing: ${missing.title} — from ${missing.from}\n`);
      const level = await askLevel(ask, found?.suggested);
      const note = await ask(level === found?.suggested || !found?.suggested ? 'Note (optional): ' : `Why ${level} rather than the suggested ${found.suggested}? `);
      aspects[aspect.id] = { level, ...(note ? { note } : {}) } satisfies AspectAnswer;
    }
    const note = await ask('\nA note on the whole assessment (optional): ');
    return { aspects, ...(note ? { note } : {}) };
  } finally {
    prompt.close();
  }
}

/** Asks until the answer is a level (its number or name), or Enter for the suggested one. */
async function askLevel(ask: (question: string) => Promise<string>, suggested: LevelId | undefined): Promise<LevelId> {
  const hint = suggested ? ` [${suggested}]` : '';
  for (;;) {
    const answer = (await ask(`Level (1–4 or its name)${hint}: `)).toLowerCase();
    if (!answer && suggested) return suggested;
    const level = LEVELS.find(l => String(l.rank) === answer || l.id === answer);
    if (level) return level.id;
  }
}
