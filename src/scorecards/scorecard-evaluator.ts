import type { Entity } from '../core/entity.js';
import type { ExpressionEvaluator } from '../expressions/expression-evaluator.js';
import type { Fact } from './fact-collector.js';
import { factContext } from './fact-store.js';
import { levelOf, type RuleStatus } from './level-computation.js';
import { conditionTemplate } from './rule-condition.js';
import type { Scorecard } from './scorecard.js';
import type { RuleResult, ScorecardResult } from './scorecard-result.js';

/** One entity to evaluate, with its facts. */
export interface EvaluationItem {
  entity: Entity;
  ref: string;
  facts: readonly Fact[];
}

/** Entities whose conditions go to the evaluator processes in one call (each condition has its own budget). */
const ENTITIES_PER_CALL = 50;
/** Calls in flight at once. */
const CALLS_IN_FLIGHT = 4;

/**
 * Evaluates a scorecard for entities: a rule whose facts are all present is evaluated in the evaluator
 * processes (many entities per call, each entity's facts under its own name, each condition under the engine's
 * limits); a rule naming a missing fact, or whose evaluation fails, is unknown, never passed.
 */
export class ScorecardEvaluator {
  constructor(private readonly expressions: ExpressionEvaluator) {}

  async evaluate(scorecard: Scorecard, items: readonly EvaluationItem[], evaluatedAt: string): Promise<ScorecardResult[]> {
    const chunks: Array<readonly EvaluationItem[]> = [];
    for (let i = 0; i < items.length; i += ENTITIES_PER_CALL) chunks.push(items.slice(i, i + ENTITIES_PER_CALL));
    const results: ScorecardResult[][] = new Array(chunks.length);
    // A few calls in flight keep every evaluator process busy without filling the pool's queue for others.
    let next = 0;
    const lane = async () => {
      for (let index = next++; index < chunks.length; index = next++) results[index] = await this.#chunk(scorecard, chunks[index]!, evaluatedAt);
    };
    await Promise.all(Array.from({ length: Math.min(CALLS_IN_FLIGHT, chunks.length) }, lane));
    return results.flat();
  }

  async #chunk(scorecard: Scorecard, items: readonly EvaluationItem[], evaluatedAt: string): Promise<ScorecardResult[]> {
    // Each entity's facts are its conditions' whole context: the rules' texts are the same for every entity, so
    // the evaluator parses each once per call however many entities it carries.
    const contexts: Record<string, Record<string, unknown>> = {};
    const conditions: Array<{ value: string; root: string }> = [];
    const templates = new Map(scorecard.rules.map(rule => [rule.id, conditionTemplate(rule.condition)]));
    const slots: Array<Map<string, number>> = items.map((item, index) => {
      const present = new Set(item.facts.map(fact => `${fact.source}.${fact.name}`));
      const root = `e${index}`;
      contexts[root] = { facts: factContext(item.facts) };
      const slot = new Map<string, number>();
      for (const rule of scorecard.rules) {
        if (!rule.facts.every(name => present.has(name))) continue;
        slot.set(rule.id, conditions.length);
        conditions.push({ value: templates.get(rule.id)!, root });
      }
      return slot;
    });
    const outcomes = conditions.length ? await this.expressions.evaluateConditionsEach(conditions, contexts) : [];
    return items.map((item, index) => {
      const present = new Set(item.facts.map(fact => `${fact.source}.${fact.name}`));
      const rules: RuleResult[] = scorecard.rules.map(rule => {
        const at = slots[index]!.get(rule.id);
        const outcome = at === undefined ? undefined : outcomes[at];
        const missing = rule.facts.filter(name => !present.has(name));
        const status: RuleStatus = !outcome ? 'unknown' : outcome.ok ? (outcome.value ? 'pass' : 'fail') : 'unknown';
        const message =
          status === 'pass' ? rule.passMessage : status === 'fail' ? rule.failMessage : missing.length ? `Not known yet: ${missing.join(', ')}` : outcome && !outcome.ok ? `Could not be evaluated: ${outcome.error.problem.detail ?? outcome.error.message}` : undefined;
        return { id: rule.id, title: rule.title, level: rule.level, weight: rule.weight, status, ...(message ? { message } : {}), ...(rule.fixUrl ? { fixUrl: rule.fixUrl } : {}) };
      });
      const { level, score } = levelOf(scorecard.levels, scorecard.rules, new Map(rules.map(rule => [rule.id, rule.status])));
      const owner = typeof item.entity.spec?.owner === 'string' ? item.entity.spec.owner : undefined;
      return { scorecard: scorecard.ref, entity: item.ref, ...(owner ? { owner } : {}), ...(level ? { level } : {}), score, rules, evaluatedAt };
    });
  }

  /**
   * The golden paths that fix an entity's failing rules, with their values computed from the entity (in the
   * evaluator processes): what its Scorecards tab links to.
   */
  async fixes(scorecard: Scorecard, result: ScorecardResult, entity: Entity): Promise<ScorecardResult> {
    const rules = await Promise.all(
      result.rules.map(async rule => {
        const fix = scorecard.rules.find(r => r.id === rule.id)?.fix;
        if (rule.status === 'pass' || !fix) return rule;
        const values = fix.values ? await this.expressions.renderValue(fix.values, { entity: { kind: entity.kind, metadata: entity.metadata, spec: entity.spec ?? {} } }).catch(() => undefined) : {};
        return values && typeof values === 'object' ? { ...rule, fix: { template: fix.template, values: values as Record<string, unknown> } } : rule;
      }),
    );
    return { ...result, rules };
  }
}
