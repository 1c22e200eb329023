import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { Identity } from '../auth/identity.js';
import type { Logger } from '../core/logger.js';
import type { AssessmentInput } from './assessment.js';
import type { MaturityService } from './maturity-service.js';

/**
 * Loads the demo's maturity assessments (`demo/maturity/assessments.yaml`) once, each dated `monthsAgo`
 * before today, oldest first. Does nothing when an assessment exists already.
 */
export async function loadMaturityDemo(maturity: MaturityService, options: { file: string; assessor: Identity; logger?: Logger; now?: Date }): Promise<number> {
  if ((await maturity.list(options.assessor)).length) return 0;
  const { assessments } = parseYaml(await readFile(options.file, 'utf8')) as { assessments: Array<Omit<AssessmentInput, 'assessedAt'> & { monthsAgo: number }> };
  const now = options.now ?? new Date();
  for (const { monthsAgo, ...input } of [...assessments].sort((a, b) => b.monthsAgo - a.monthsAgo)) {
    const at = new Date(now);
    at.setUTCMonth(at.getUTCMonth() - monthsAgo);
    await maturity.assess(options.assessor, { ...input, assessedAt: at.toISOString() });
  }
  options.logger?.info({ assessments: assessments.length }, 'demo maturity assessments loaded');
  return assessments.length;
}
