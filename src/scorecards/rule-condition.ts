/**
 * A scorecard rule's condition: one expression of Pave's sandboxed expression language (the interpreter
 * golden paths use: no code runs), written without its `${{ }}` delimiters, over `facts.<source>.<name>`.
 * Checked when the scorecard is ingested: it must parse, name only facts a collector declares, and name
 * nothing else. Evaluated in the evaluator processes, under their limits.
 */
import type { FieldError } from '../core/problem.js';
import type { Expr, Node } from '../expressions/ast.js';
import { compileTemplate } from '../expressions/compile.js';
import { createFilterRegistry } from '../expressions/filter-registry.js';
import { resolveLimits } from '../expressions/limits.js';

/** The longest condition accepted, in characters. */
export const MAX_CONDITION_LENGTH = 2000;
const DELIMITERS = /\{\{|\}\}|\{%|%\}|\{#|#\}/;
const LIMITS = resolveLimits({});
const FILTERS = createFilterRegistry();

/** The template a condition is evaluated as. */
export function conditionTemplate(condition: string): string {
  return `${PREFIX}${condition} }}`;
}

/** What a condition names: the facts (`source.name`) and every problem with it, each at `pointer`. */
export interface ConditionCheck {
  facts: string[];
  errors: FieldError[];
  /** Where the name `facts` stands in the condition (character offsets), for {@link bindCondition}. */
  factsAt: number[];
}

/**
 * Checks a condition against the facts the collectors declare.
 * @example checkCondition('facts.catalog.hasDescription and facts.catalog.tagCount > 1', '/spec/rules/0/condition', known)
 */
export function checkCondition(condition: string, pointer: string, known: ReadonlyMap<string, unknown>): ConditionCheck {
  const fail = (detail: string, rule: string): ConditionCheck => ({ facts: [], errors: [{ pointer, detail, rule }], factsAt: [] });
  if (!condition.trim()) return fail('must not be empty', 'required');
  if (condition.length > MAX_CONDITION_LENGTH) return fail(`must be at most ${MAX_CONDITION_LENGTH} characters`, 'maxLength');
  if (DELIMITERS.test(condition)) return fail('is one expression, written without {{ }}, {% %} or {# #}', 'expression');
  const { ast, issues } = compileTemplate(conditionTemplate(condition), { cookiecutterCompat: false, limits: LIMITS, filters: FILTERS });
  if (issues.length) return { factsAt: [], facts: [], errors: issues.map(issue => ({ pointer, detail: `column ${Math.max(1, issue.loc.column - 4)}: ${issue.message}`, rule: issue.rule ?? 'syntax' })) };
  const facts = new Set<string>();
  const errors: FieldError[] = [];
  const factsAt: number[] = [];
  const lineStarts = [0];
  for (let i = 0; i < condition.length; i++) if (condition[i] === '\n') lineStarts.push(i + 1);
  const offsetOf = (loc: { line: number; column: number }) => (loc.line === 1 ? loc.column - 1 - PREFIX.length : lineStarts[loc.line - 1]! + loc.column - 1);
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const expr = node as Expr | Node;
    if (expr.type === 'Member') {
      const path = memberPath(expr);
      if (path && path[0] === 'facts') {
        factsAt.push(offsetOf(rootOf(expr).loc));
        if (path.length !== 3) {
          errors.push({ pointer, detail: `"${path.join('.')}" is not a fact: name one as facts.<source>.<name>`, rule: 'unknown-fact' });
          return;
        }
        const name = `${path[1]}.${path[2]}`;
        if (!known.has(name)) errors.push({ pointer, detail: `names the unknown fact "${name}"`, rule: 'unknown-fact' });
        else facts.add(name);
        return;
      }
    }
    if (expr.type === 'Name') {
      errors.push({ pointer, detail: expr.name === 'facts' ? 'names facts as a whole: name one fact as facts.<source>.<name>' : `names "${expr.name}", which is not defined (only facts.<source>.<name> is)`, rule: 'undefined-name' });
      return;
    }
    for (const [key, value] of Object.entries(expr)) if (key !== 'loc') visit(value);
  };
  visit(ast.body);
  return { facts: [...facts], errors, factsAt: factsAt.sort((a, b) => a - b) };
}

const PREFIX = '${{ ';

/**
 * The condition reading its facts from another variable (`facts` replaced where it stands, never inside a
 * string): how many entities' conditions are evaluated in one call, each entity's facts under its own name.
 * @example bindCondition('facts.catalog.hasOwner', [0], 'f3') // 'f3.catalog.hasOwner'
 */
export function bindCondition(condition: string, factsAt: readonly number[], variable: string): string {
  let bound = '';
  let from = 0;
  for (const at of factsAt) {
    bound += condition.slice(from, at) + variable;
    from = at + 'facts'.length;
  }
  return bound + condition.slice(from);
}

function rootOf(expr: Expr): Expr {
  return expr.type === 'Member' ? rootOf(expr.object) : expr;
}

/** `a.b.c` as ['a', 'b', 'c'] when every step is a literal name; undefined otherwise. */
function memberPath(expr: Expr): string[] | undefined {
  if (expr.type === 'Name') return [expr.name];
  if (expr.type !== 'Member') return undefined;
  const property = typeof expr.property === 'string' ? expr.property : expr.property.type === 'Literal' && typeof expr.property.value === 'string' ? expr.property.value : undefined;
  if (property === undefined) return undefined;
  const base = memberPath(expr.object);
  return base ? [...base, property] : undefined;
}
