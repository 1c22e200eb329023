import type { Question } from './question.js';
import { aggregate, answeredCount, type QuestionAggregate } from './survey-aggregates.js';
import { shownGroups } from './small-group-suppression.js';
import type { RunState } from './survey-run.js';

/** One stored response: its team (or none) and its answers, without the person. */
export interface AnonymousResponse {
  team: string | null;
  answers: Record<string, unknown>;
}

/** One question's result in one group: the aggregate, or why there is none. */
export interface QuestionResult {
  id: string;
  type: Question['type'];
  topic: Question['topic'];
  text: string;
  shown: boolean;
  aggregate?: QuestionAggregate;
  /** Why no numbers (fewer than the threshold answered it, or showing it would reveal a smaller group). */
  reason?: string;
}

/** Results of one group: everyone, one team, or those who answered for no team. */
export interface GroupResult {
  /** `everyone`, a team's group ref, or `no-team`. */
  group: string;
  shown: boolean;
  /** Exact only when shown; otherwise absent (the count of a small group is itself a hint). */
  respondents?: number;
  reason?: string;
  questions?: QuestionResult[];
}

export interface RunResults {
  runId: string;
  title: string;
  state: RunState;
  /** The anonymity threshold in force. */
  minRespondents: number;
  /** Everyone who answered (a count, never who). */
  respondents: number;
  overall: GroupResult;
  /** Every team that answered, or only the one asked for: suppression is decided over all of them either way. */
  teams: GroupResult[];
  /** How the threshold works, for the page and the CLI. */
  explanation: string;
}

const NO_TEAM = 'no-team';

/**
 * A run's results under the anonymity rules: nothing while the run is open (numbers that change while
 * people answer tell who said what); a group — everyone, a team — only with at least `min` respondents;
 * a question in a group only with at least `min` answers to it; and, for teams and for each question,
 * complementary suppression (`shownGroups`), so that everyone's results minus the teams shown never isolate
 * fewer than `min` people. `team` narrows what is returned, never what is decided.
 */
export function runResults(input: { runId: string; title: string; state: RunState; questions: Question[]; responses: AnonymousResponse[]; min: number; team?: string }): RunResults {
  const { questions, responses, min } = input;
  const explanation = `Results appear once the run has closed, and only for groups where at least ${min} people answered (and questions at least ${min} answered). A team is also hidden when showing it would let the others be worked out from everyone's results.`;
  const base = { runId: input.runId, title: input.title, state: input.state, minRespondents: min, respondents: responses.length, explanation };
  if (input.state !== 'closed') {
    const reason = 'The run is still open: results appear once it has closed, so that numbers changing as people answer reveal nothing.';
    return { ...base, overall: { group: 'everyone', shown: false, reason }, teams: [] };
  }
  if (responses.length < min) return { ...base, overall: { group: 'everyone', shown: false, reason: `Fewer than ${min} people answered: no results, to keep them anonymous.` }, teams: [] };

  const byTeam = new Map<string, AnonymousResponse[]>();
  for (const response of responses) {
    const key = response.team ?? NO_TEAM;
    byTeam.set(key, [...(byTeam.get(key) ?? []), response]);
  }
  const teamsShown = shownGroups(new Map([...byTeam].map(([team, list]) => [team, list.length])), min);
  // Per question, the same rule over the teams shown: a question a shown team barely answered is hidden for it.
  const questionShown = new Map<string, Set<string>>();
  for (const question of questions) {
    const counts = new Map([...byTeam].map(([team, list]) => [team, teamsShown.has(team) ? answeredCount(question, valuesOf(question, list)) : 0]));
    // Hidden teams count as hidden answers for this question, so the complement rule sees them.
    const hiddenAnswers = [...byTeam].filter(([team]) => !teamsShown.has(team)).reduce((sum, [, list]) => sum + answeredCount(question, valuesOf(question, list)), 0);
    const shown = shownGroups(new Map<string, number>([...counts].filter(([team]) => teamsShown.has(team)).concat([['\u0000hidden', hiddenAnswers]])), min);
    shown.delete('\u0000hidden');
    questionShown.set(question.id, shown);
  }

  const overall: GroupResult = { group: 'everyone', shown: true, respondents: responses.length, questions: questions.map(q => questionResult(q, responses, min, true)) };
  const teams = [...byTeam.keys()]
    .filter(team => input.team === undefined || team === input.team)
    .sort()
    .map((team): GroupResult => {
      if (!teamsShown.has(team)) {
        const small = byTeam.get(team)!.length < min;
        return { group: team, shown: false, reason: small ? `Fewer than ${min} people of this team answered: no numbers, to keep them anonymous.` : `Hidden too: with it shown, everyone's results minus the teams shown would reveal a group of fewer than ${min}.` };
      }
      const list = byTeam.get(team)!;
      return { group: team, shown: true, respondents: list.length, questions: questions.map(q => questionResult(q, list, min, questionShown.get(q.id)!.has(team))) };
    });
  if (input.team !== undefined && !byTeam.has(input.team)) teams.push({ group: input.team, shown: false, reason: `Fewer than ${min} people of this team answered: no numbers, to keep them anonymous.` });
  return { ...base, overall, teams };
}

function valuesOf(question: Question, responses: readonly AnonymousResponse[]): unknown[] {
  return responses.map(r => r.answers[question.id]).filter(v => v !== undefined && v !== null);
}

function questionResult(question: Question, responses: readonly AnonymousResponse[], min: number, allowed: boolean): QuestionResult {
  const head = { id: question.id, type: question.type, topic: question.topic, text: question.text };
  const values = valuesOf(question, responses);
  if (answeredCount(question, values) < min) return { ...head, shown: false, reason: `Fewer than ${min} answered this question.` };
  if (!allowed) return { ...head, shown: false, reason: `Hidden: with it shown, the other teams' answers to this question could be worked out.` };
  return { ...head, shown: true, aggregate: aggregate(question, values) };
}
