import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { Identity } from '../auth/identity.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';
import type { Logger } from '../core/logger.js';
import type { Audience } from './survey-run.js';
import type { SurveysService } from './surveys-service.js';

interface DemoSurvey {
  title: string;
  run: { title: string; audience: Audience };
  /** Answers by team, without names. */
  responses: Record<string, Array<Record<string, number | string>>>;
}

/**
 * Loads the demo's completed survey (`demo/surveys/dx-survey.yaml`) once: Pave's default questionnaire, one
 * run for the file's audience, each team's answers given by that many of its people (in name order, each
 * person once) through the service, then the run closed. Does nothing when a survey exists already.
 * @example await loadSurveysDemo(app.surveys, app.catalog.entities, { file, operator, identityOf, logger })
 */
export async function loadSurveysDemo(
  surveys: SurveysService,
  entities: EntityReader,
  options: { file: string; operator: Identity; identityOf: (userRef: string) => Promise<Identity>; logger?: Logger; closesAt?: string },
): Promise<{ loaded: boolean; responses: number }> {
  if ((await surveys.listSurveys(options.operator)).length) return { loaded: false, responses: 0 };
  const demo = parseYaml(await readFile(options.file, 'utf8')) as DemoSurvey;
  const survey = await surveys.createSurvey(options.operator, { title: demo.title });
  const run = await surveys.openRun(options.operator, survey.id, { title: demo.run.title, audience: demo.run.audience, closesAt: options.closesAt ?? new Date(Date.now() + 86_400_000).toISOString() });
  const users = await entities.list({ filter: ['kind=user'], fields: ['metadata.name', 'metadata.namespace'] });
  const identities = await Promise.all(users.map(u => `user:${u.metadata.namespace ?? 'default'}/${u.metadata.name}`).sort().map(ref => options.identityOf(ref)));
  const used = new Set<string>();
  let responses = 0;
  for (const [team, answers] of Object.entries(demo.responses)) {
    const people = identities.filter(identity => !used.has(identity.principal) && identity.groups.includes(team)).slice(0, answers.length);
    for (const [i, person] of people.entries()) {
      used.add(person.principal);
      await surveys.answer(person, run.id, { answers: answers[i]!, team });
      responses++;
    }
  }
  await surveys.closeRun(options.operator, run.id);
  options.logger?.info({ run: run.id, responses }, 'demo survey loaded');
  return { loaded: true, responses };
}
