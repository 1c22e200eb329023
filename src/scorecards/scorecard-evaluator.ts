import type { Entity } from '../core/entity.js';
import type { ExpressionEvaluator } from '../expressions/expression-evaluator.js';
import type { Fact } from './fact-collector.js';
import { factContext } from './fact-store.js';
import { levelOf, type RuleStatus } from './level-computation.js';
import { conditionTemplate } from './rule-condition.js';
import type { Scorecard } from './scorecard.js';
import type { RuleResult, ScorecardResult } from './scorecard-result.js';

/**
 * Evaluates a scorecard for one entity: a rule whose facts are all present is evaluated in the evaluator
 * processes (one batch per entity, under the engine's limits); a rule naming a missing fact, or whose
 * evaluation fails, is unknown, never passed. Fix values are rendered from the entity for failing rules.
 */
export class ScorecardEvaluator {
  constructor(private readonly expressions: ExpressionEvaluator) {}

  async evaluate(scorecard: Scorecard, entity: Entity, entityRef: string, facts: readonly Fact[], evaluatedAt: string): Promise<ScorecardResult> {
    const present = new Set(facts.map(fact => `${fact.source}.${fact.name}`));
    const context = { facts: factContext(facts) };
    const evaluable = scorecard.rules.filter(rule => rule.facts.every(name => present.has(name)));
    const outcomes = evaluable.length ? await this.expressions.evaluateConditions(evaluable.map(rule => conditionTemplate(rule.condition)), context) : [];
    const byId = new Map(evaluable.map((rule, index) => [rule.id, outcomes[index]!]));
    const rules: RuleResult[] = [];
    for (const rule of scorecard.rules) {
      const outcome = byId.get(rule.id);
      const missing = rule.facts.filter(name => !present.has(name));
      const status: RuleStatus = !outcome ? 'unknown' : outcome.ok ? (outcome.value ? 'pass' : 'fail') : 'unknown';
      const message =
        status === 'pass' ? rule.passMessage : status === 'fail' ? rule.failMessage : missing.length ? `Not known yet: ${missing.join(', ')}` : outcome && !outcome.ok ? `Could not be evaluated: ${outcome.error.problem.detail ?? outcome.error.message}` : undefined;
      const result: RuleResult = { id: rule.id, title: rule.title, level: rule.level, weight: rule.weight, status, ...(message ? { message } : {}), ...(rule.fixUrl ? { fixUrl: rule.fixUrl } : {}) };
      if (status !== 'pass' && rule.fix) {
        const values = rule.fix.values ? await this.expressions.renderValue(rule.fix.values, { entity: entityContext(entity) }).catch(() => undefined) : {};
        if (values && typeof values === 'object') result.fix = { template: rule.fix.template, values: values as Record<string, unknown> };
      }
      rules.push(result);
    }
    const { level, score } = levelOf(scorecard.levels, scorecard.rules, new Map(rules.map(rule => [rule.id, rule.status])));
    const owner = typeof entity.spec?.owner === 'string' ? entity.spec.owner : undefined;
    return { scorecard: scorecard.ref, entity: entityRef, ...(owner ? { owner } : {}), ...(level ? { level } : {}), score, rules, evaluatedAt };
  }
}

/** What fix values may read of the entity: its ref parts, metadata and spec (no relations or status). */
function entityContext(entity: Entity): Record<string, unknown> {
  return { kind: entity.kind, metadata: entity.metadata, spec: entity.spec ?? {} };
}
