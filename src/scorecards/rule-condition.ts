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
}

/**
 * Checks a condition against the facts the collectors declare.
 * @example checkCondition('facts.catalog.hasDescription and facts.catalog.tagCount > 1', '/spec/rules/0/condition', known)
 */
export function checkCondition(condition: string, pointer: string, known: ReadonlyMap<string, unknown>): ConditionCheck {
  const fail = (detail: string, rule: string): ConditionCheck => ({ facts: [], errors: [{ pointer, detail, rule }] });
  if (!condition.trim()) return fail('must not be empty', 'required');
  if (condition.length > MAX_CONDITION_LENGTH) return fail(`must be at most ${MAX_CONDITION_LENGTH} characters`, 'maxLength');
  if (DELIMITERS.test(condition)) return fail('is one expression, written without {{ }}, {% %} or {# #}', 'expression');
  const { ast, issues } = compileTemplate(conditionTemplate(condition), { cookiecutterCompat: false, limits: LIMITS, filters: FILTERS });
  if (issues.length) return { facts: [], errors: issues.map(issue => ({ pointer, detail: `column ${Math.max(1, issue.loc.column - 4)}: ${issue.message}`, rule: issue.rule ?? 'syntax' })) };
  const facts = new Set<string>();
  const errors: FieldError[] = [];
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
  return { facts: [...facts], errors };
}

const PREFIX = '${{ ';

/** `a.b.c` as ['a', 'b', 'c'] when every step is a literal name; undefined otherwise. */
function memberPath(expr: Expr): string[] | undefined {
  if (expr.type === 'Name') return [expr.name];
  if (expr.type !== 'Member') return undefined;
  const property = typeof expr.property === 'string' ? expr.property : expr.property.type === 'Literal' && typeof expr.property.value === 'string' ? expr.property.value : undefined;
  if (property === undefined) return undefined;
  const base = memberPath(expr.object);
  return base ? [...base, property] : undefined;
}
