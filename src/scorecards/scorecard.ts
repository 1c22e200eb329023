import type { Entity } from '../core/entity.js';
import { entityRefOf } from '../core/entity-ref.js';
import { checkCondition } from './rule-condition.js';
import { knownFacts } from './collectors.js';

/** One level of a scorecard: reached when every rule of it and of every lower level passes. */
export interface ScorecardLevel {
  name: string;
  rank: number;
  colour?: string;
}

/** A golden path that fixes a rule: the template and the values it is opened with (`${{ entity… }}` allowed). */
export interface RuleFix {
  template: string;
  values?: Record<string, string>;
}

export interface ScorecardRule {
  id: string;
  title: string;
  level: string;
  weight: number;
  condition: string;
  /** The facts the condition names (`source.name`): when one is missing for an entity, the rule is unknown. */
  facts: string[];
  passMessage?: string;
  failMessage?: string;
  fixUrl?: string;
  fix?: RuleFix;
}

/** A Scorecard entity as the module uses it. */
export interface Scorecard {
  ref: string;
  name: string;
  title: string;
  description?: string;
  owner?: string;
  /** Backstage filter parameters (OR of AND-lists) selecting the entities it scores. */
  filter: string[];
  /** Lowest rank first. */
  levels: ScorecardLevel[];
  rules: ScorecardRule[];
}

/**
 * The scorecard an entity of kind Scorecard describes (it was validated at ingest; anything unreadable is
 * left out rather than guessed).
 */
export function scorecardOf(entity: Entity): Scorecard {
  const spec = (entity.spec ?? {}) as Record<string, any>;
  const known = knownFacts();
  const filter = typeof spec.filter === 'string' ? [spec.filter] : Array.isArray(spec.filter) ? spec.filter.filter((f: unknown): f is string => typeof f === 'string') : [];
  const levels: ScorecardLevel[] = (Array.isArray(spec.levels) ? spec.levels : [])
    .map((level: any) => ({ name: String(level.name), rank: Number(level.rank), ...(typeof level.colour === 'string' ? { colour: level.colour } : {}) }))
    .sort((a: ScorecardLevel, b: ScorecardLevel) => a.rank - b.rank);
  const rules: ScorecardRule[] = (Array.isArray(spec.rules) ? spec.rules : []).map((rule: any) => ({
    id: String(rule.id),
    title: String(rule.title ?? rule.id),
    level: String(rule.level),
    weight: typeof rule.weight === 'number' ? rule.weight : 1,
    condition: String(rule.condition ?? ''),
    facts: checkCondition(String(rule.condition ?? ''), '', known).facts,
    ...(typeof rule.passMessage === 'string' ? { passMessage: rule.passMessage } : {}),
    ...(typeof rule.failMessage === 'string' ? { failMessage: rule.failMessage } : {}),
    ...(typeof rule.fixUrl === 'string' ? { fixUrl: rule.fixUrl } : {}),
    ...(rule.fix && typeof rule.fix.template === 'string' ? { fix: { template: rule.fix.template, ...(rule.fix.values ? { values: rule.fix.values } : {}) } } : {}),
  }));
  return {
    ref: entityRefOf(entity),
    name: entity.metadata.name,
    title: typeof entity.metadata.title === 'string' ? entity.metadata.title : entity.metadata.name,
    ...(typeof entity.metadata.description === 'string' ? { description: entity.metadata.description } : {}),
    ...(typeof spec.owner === 'string' ? { owner: spec.owner } : {}),
    filter,
    levels,
    rules,
  };
}
