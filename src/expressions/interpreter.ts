/**
 * The tree-walking interpreter. It evaluates a parsed template against a context of
 * plain data: every read goes through `safe-access.ts`, every value it creates is data
 * (null-prototype objects, arrays, primitives, regex literals), the only callables are
 * `range()`, the built-in methods and the registered filters, and every step is
 * charged to the call's `Budget`. Alongside each value it tracks whether the value is
 * secret-derived (`secret-taint.ts`): a value is secret when anything it was computed
 * from is, and every secret string it makes is recorded.
 */
import type { Expr, ForNode, Node, SetNode, TemplateAst } from './ast.js';
import type { Budget } from './budget.js';
import type { FilterRegistry } from './filter-registry.js';
import type { FilterContext } from './filter-types.js';
import type { SecretTaint } from './secret-taint.js';
import { runTest } from './is-tests.js';
import { callMethod } from './methods.js';
import { arrayItems, createObject, getProperty, isPlainObject, ownEntries, readOwn } from './safe-access.js';
import { TemplateRegex } from './template-regex.js';
import { PaveError } from '../core/problem.js';
import { limitError, runtimeError, type SourceLocation } from './template-error.js';
import {
  arithmetic,
  compareValues,
  inOperator,
  isTruthy,
  looseEquals,
  plus,
  toNumber,
  toText,
} from './values.js';

export interface InterpreterOptions {
  budget: Budget;
  filters: FilterRegistry;
  /** Cookiecutter (Jinja) mode: Python semantics for the methods that differ. */
  pythonSemantics: boolean;
  /** Secret tracking; without it nothing is tracked. */
  taint?: SecretTaint;
}

/** How a value relates to secrets. */
interface Marks {
  /** Secret-derived. */
  secret: boolean;
  /** Read as it is from the context (not computed): a secret inside it is one the caller already masks. */
  verbatim: boolean;
}

interface Variable extends Marks {
  value: unknown;
}

const PLAIN: Marks = { secret: false, verbatim: false };

/** One scope of variables; loops open a new one, `set` writes where the name already lives. */
class Frame {
  private readonly vars = new Map<string, Variable>();

  constructor(readonly parent?: Frame) {}

  lookup(name: string): Variable | undefined {
    for (let frame: Frame | undefined = this; frame; frame = frame.parent) {
      const found = frame.vars.get(name);
      if (found) return found;
    }
    return undefined;
  }

  define(name: string, value: unknown, marks: Marks = PLAIN): void {
    this.vars.set(name, { value, ...marks });
  }

  /** Nunjucks `set`: updates the nearest scope that has the name, else defines it here. */
  assign(name: string, value: unknown, marks: Marks): void {
    for (let frame: Frame | undefined = this; frame; frame = frame.parent) {
      if (frame.vars.has(name)) {
        frame.vars.set(name, { value, ...marks });
        return;
      }
    }
    this.vars.set(name, { value, ...marks });
  }
}

export class Interpreter {
  private readonly budget: Budget;
  private readonly filters: FilterRegistry;
  private readonly pythonSemantics: boolean;
  private readonly taint: SecretTaint | undefined;
  private readonly root: Frame = new Frame();
  private exprDepth = 0;
  private nodeDepth = 0;
  /** Whether the expression being evaluated has used a secret value so far. */
  private secretSoFar = false;
  /** Whether the value the last `evaluate` returned is secret-derived. */
  private lastSecret = false;
  /** Whether the node being evaluated returns context data as it is (set by names and member reads). */
  private verbatimNode = false;
  /** Whether the value the last `evaluate` returned is context data as it is. */
  private lastVerbatim = false;
  /** Whether secret-derived text was emitted (read by `set` blocks that capture output). */
  private emittedSecret = false;

  /**
   * Prepares to evaluate templates against one context.
   *
   * @example
   * const interpreter = new Interpreter({ values: { name: 'api' } }, { budget, filters, pythonSemantics: false });
   * interpreter.render(ast); // text
   */
  constructor(
    private readonly context: Readonly<Record<string, unknown>>,
    options: InterpreterOptions,
  ) {
    this.budget = options.budget;
    this.filters = options.filters;
    this.pythonSemantics = options.pythonSemantics;
    this.taint = options.taint?.active ? options.taint : undefined;
  }

  /**
   * Renders a whole template to text.
   *
   * @example
   * interpreter.render(compileTemplate('Hi ${{ name }}', options).ast); // 'Hi api'
   */
  render(ast: TemplateAst): string {
    const out: string[] = [];
    this.renderNodes(ast.body, this.root, out);
    return out.join('');
  }

  /**
   * Evaluates one expression in the template's top-level scope.
   *
   * @example
   * interpreter.evaluateTop(outputNode.expr); // e.g. ['a', 'b']
   */
  evaluateTop(expr: Expr): unknown {
    return this.evaluate(expr, this.root);
  }

  /**
   * Whether the value the last `evaluateTop` (or any evaluation) returned is secret-derived.
   *
   * @example
   * const value = interpreter.evaluateTop(expr);
   * if (interpreter.lastValueIsSecret) taint.record(value);
   */
  get lastValueIsSecret(): boolean {
    return this.lastSecret;
  }

  /**
   * Whether that value is context data read as it is (no need to record it: any secret in it is
   * one the caller already knows and masks).
   */
  get lastValueIsVerbatim(): boolean {
    return this.lastVerbatim;
  }

  // ---- statements ----------------------------------------------------------------

  private emit(out: string[], text: string, loc: SourceLocation): void {
    if (text === '') return;
    this.budget.addOutput(text.length, loc);
    out.push(text);
  }

  private renderNodes(nodes: readonly Node[], frame: Frame, out: string[]): void {
    this.nodeDepth++;
    try {
      const first = nodes[0];
      if (first && this.nodeDepth > this.budget.limits.maxDepth) {
        throw limitError('maxDepth', `tags are nested deeper than ${this.budget.limits.maxDepth} levels`, first.loc);
      }
      for (const node of nodes) {
        this.budget.tick(node.loc);
        switch (node.type) {
          case 'Text':
            this.emit(out, node.value, node.loc);
            break;
          case 'Output': {
            const value = this.evaluate(node.expr, frame);
            const text = toText(value, this.budget, node.loc);
            if (this.lastSecret) {
              if (!(this.lastVerbatim && typeof value === 'string')) this.taint?.record(text, node.loc);
              this.emittedSecret = true;
            }
            this.emit(out, text, node.loc);
            break;
          }
          case 'If': {
            const branch = node.branches.find(b => isTruthy(this.evaluateApart(b.test, frame)));
            if (branch) this.renderNodes(branch.body, frame, out);
            else if (node.otherwise) this.renderNodes(node.otherwise, frame, out);
            break;
          }
          case 'For':
            this.renderFor(node, frame, out);
            break;
          case 'Set':
            this.renderSet(node, frame);
            break;
        }
      }
    } finally {
      this.nodeDepth--;
    }
  }

  private renderFor(node: ForNode, frame: Frame, out: string[]): void {
    const iterable = this.evaluate(node.iterable, frame);
    const marks: Marks = { secret: this.lastSecret, verbatim: this.lastVerbatim };
    const many = node.targets.length > 1;
    let items: unknown[];
    let pairs = false;
    if (Array.isArray(iterable)) items = arrayItems(iterable);
    else if (isPlainObject(iterable)) {
      items = ownEntries(iterable);
      pairs = true;
    } else if (typeof iterable === 'string') items = [...iterable];
    else items = [];
    const length = items.length;
    if (length === 0) {
      if (node.otherwise) this.renderNodes(node.otherwise, frame, out);
      return;
    }
    const [firstTarget = '', ...restTargets] = node.targets;
    for (let i = 0; i < length; i++) {
      this.budget.iterate(node.loc);
      const scope = new Frame(frame);
      const item = items[i];
      if (pairs) {
        const [key, value] = item as [string, unknown];
        scope.define(firstTarget, key, marks);
        if (many) scope.define(restTargets[0] as string, value, marks);
      } else if (many) {
        const row = Array.isArray(item) ? arrayItems(item) : [item];
        node.targets.forEach((name, j) => scope.define(name, row[j], marks));
      } else {
        scope.define(firstTarget, item, marks);
      }
      // Fixed keys only, read through the safe accessors like any object; a literal keeps
      // V8's fast path (no template-chosen key is ever set on it).
      scope.define(
        'loop',
        Object.freeze({
          index: i + 1,
          index0: i,
          revindex: length - i,
          revindex0: length - i - 1,
          first: i === 0,
          last: i === length - 1,
          length,
        }),
      );
      this.renderNodes(node.body, scope, out);
    }
  }

  private renderSet(node: SetNode, frame: Frame): void {
    let value: unknown;
    let marks: Marks;
    if (node.value) {
      value = this.evaluate(node.value, frame);
      marks = { secret: this.lastSecret, verbatim: this.lastVerbatim };
    } else {
      const captured: string[] = [];
      const outer = this.emittedSecret;
      this.emittedSecret = false;
      try {
        this.renderNodes(node.body ?? [], frame, captured);
        value = captured.join('');
        marks = { secret: this.emittedSecret, verbatim: false };
      } finally {
        this.emittedSecret ||= outer;
      }
      if (marks.secret) this.taint?.record(value, node.loc);
    }
    for (const name of node.targets) frame.assign(name, value, marks);
  }

  // ---- expressions ---------------------------------------------------------------

  /**
   * Evaluates an expression. By default a value is secret when any sub-expression evaluated
   * for it was (`secretSoFar` collects them); the few nodes whose operands do not all flow
   * into the result (`if`/`else`, `and`/`or`) evaluate those operands with `evaluateApart`.
   */
  private evaluate(expr: Expr, frame: Frame): unknown {
    this.exprDepth++;
    const outer = this.secretSoFar;
    this.secretSoFar = false;
    let secret = false;
    try {
      if (this.exprDepth > this.budget.limits.maxDepth) {
        throw limitError('maxDepth', `expression is nested deeper than ${this.budget.limits.maxDepth} levels`, expr.loc);
      }
      this.budget.tick(expr.loc);
      this.verbatimNode = false;
      const value = this.evaluateNode(expr, frame);
      const verbatim = this.verbatimNode;
      this.verbatimNode = false;
      secret = this.secretSoFar;
      // Strings are recorded as they are made, so a later error quoting one is masked too.
      if (secret && !verbatim && typeof value === 'string') this.taint?.record(value, expr.loc);
      this.lastSecret = secret;
      this.lastVerbatim = verbatim;
      return value;
    } finally {
      this.secretSoFar = outer || secret;
      this.exprDepth--;
    }
  }

  /** Evaluates an operand whose secrecy does not flow into the enclosing value (a condition). */
  private evaluateApart(expr: Expr, frame: Frame): unknown {
    const outer = this.secretSoFar;
    try {
      return this.evaluate(expr, frame);
    } finally {
      this.secretSoFar = outer;
    }
  }

  /** Marks the value being computed as secret when it is read from secret data. */
  private readData(value: unknown): unknown {
    if (this.taint?.isSecretData(value)) this.secretSoFar = true;
    return value;
  }

  private evaluateNode(expr: Expr, frame: Frame): unknown {
    switch (expr.type) {
      case 'Literal':
        return expr.value;
      case 'Regex':
        return TemplateRegex.compile(expr.pattern, expr.flags);
      case 'Name': {
        const local = frame.lookup(expr.name);
        if (local) {
          if (local.secret) this.secretSoFar = true;
          this.verbatimNode = local.verbatim;
          return local.value;
        }
        if (this.taint?.isSecretRoot(expr.name)) this.secretSoFar = true;
        this.verbatimNode = true;
        return this.readData(readOwn(this.context, expr.name));
      }
      case 'Member': {
        const target = this.evaluate(expr.object, frame);
        const verbatim = this.lastVerbatim;
        const key = typeof expr.property === 'string' ? expr.property : this.evaluate(expr.property, frame);
        this.verbatimNode = verbatim;
        return this.readData(getProperty(target, key));
      }
      case 'Slice':
        return this.slice(expr, frame);
      case 'Array':
        return expr.items.map(item => this.evaluate(item, frame));
      case 'Object': {
        const out = createObject();
        for (const entry of expr.entries) {
          const key = typeof entry.key === 'string' ? entry.key : toText(this.evaluate(entry.key, frame), this.budget, expr.loc);
          out[key] = this.evaluate(entry.value, frame);
        }
        return out;
      }
      case 'Unary': {
        const v = this.evaluate(expr.operand, frame);
        if (expr.op === 'not') return !isTruthy(v);
        return expr.op === '-' ? -toNumber(v) : toNumber(v);
      }
      case 'Binary': {
        const left = this.evaluate(expr.left, frame);
        const right = this.evaluate(expr.right, frame);
        if (expr.op === '+') return plus(left, right, this.budget, expr.loc);
        if (expr.op === '~') {
          const a = toText(left, this.budget, expr.loc);
          const b = toText(right, this.budget, expr.loc);
          this.budget.checkSize(a.length + b.length, expr.loc);
          return a + b;
        }
        return arithmetic(expr.op, left, right);
      }
      case 'Logical': {
        // The result is one operand; only its secrecy is the result's.
        const left = this.evaluateApart(expr.left, frame);
        const leftSecret = this.lastSecret;
        const returnsLeft = expr.op === 'and' ? !isTruthy(left) : isTruthy(left);
        if (returnsLeft) {
          if (leftSecret) this.secretSoFar = true;
          this.verbatimNode = this.lastVerbatim;
          return left;
        }
        const right = this.evaluate(expr.right, frame);
        this.verbatimNode = this.lastVerbatim;
        return right;
      }
      case 'Compare': {
        let left = this.evaluate(expr.first, frame);
        for (const { op, expr: next } of expr.rest) {
          const right = this.evaluate(next, frame);
          if (!this.compare(op, left, right)) return false;
          left = right;
        }
        return true;
      }
      case 'Test': {
        const subject = this.evaluate(expr.subject, frame);
        const args = expr.args.map(a => this.evaluate(a, frame));
        const result = runTest(expr.test, subject, args);
        return expr.negated ? !result : result;
      }
      case 'Conditional': {
        // Nunjucks: `a if b` without else is '' when b is false.
        const branch = isTruthy(this.evaluateApart(expr.test, frame)) ? expr.consequent : expr.alternate;
        if (!branch) return '';
        const value = this.evaluate(branch, frame);
        this.verbatimNode = this.lastVerbatim;
        return value;
      }
      case 'Filter':
        return this.applyFilter(expr, frame);
      case 'Range':
        return this.range(
          expr.args.map(a => this.evaluate(a, frame)),
          expr.loc,
        );
      case 'Method': {
        const receiver = this.evaluate(expr.object, frame);
        const args = expr.args.map(a => this.evaluate(a, frame));
        const result = callMethod(receiver, expr.method, args, {
          budget: this.budget,
          loc: expr.loc,
          pythonSemantics: this.pythonSemantics,
        });
        if (typeof result === 'string') this.budget.checkString(result, expr.loc);
        return result;
      }
    }
  }

  private compare(op: string, left: unknown, right: unknown): boolean {
    switch (op) {
      case '==':
        return looseEquals(left, right);
      case '!=':
        return !looseEquals(left, right);
      case '===':
        return left === right;
      case '!==':
        return left !== right;
      case 'in':
        return inOperator(left, right);
      case 'not in':
        return !inOperator(left, right);
      default:
        return compareValues(op as '<' | '>' | '<=' | '>=', left, right);
    }
  }

  private slice(expr: Extract<Expr, { type: 'Slice' }>, frame: Frame): unknown {
    const target = this.evaluate(expr.object, frame);
    const num = (e: Expr | undefined): number | undefined => {
      if (!e) return undefined;
      const v = this.evaluate(e, frame);
      if (v === undefined || v === null) return undefined;
      const n = Math.trunc(toNumber(v));
      return Number.isNaN(n) ? undefined : n;
    };
    const start = num(expr.start);
    const stop = num(expr.stop);
    const step = num(expr.step) ?? 1;
    if (step === 0) throw runtimeError('slice step cannot be zero', expr.loc);
    const list: unknown[] | undefined = Array.isArray(target) ? arrayItems(target) : typeof target === 'string' ? [...target] : undefined;
    if (!list) return undefined;
    const len = list.length;
    const clamp = (n: number | undefined, dflt: number, lo: number, hi: number) => {
      if (n === undefined) return dflt;
      const v = n < 0 ? n + len : n;
      return Math.min(Math.max(v, lo), hi);
    };
    const out: unknown[] = [];
    if (step > 0) {
      const a = clamp(start, 0, 0, len);
      const b = clamp(stop, len, 0, len);
      for (let i = a; i < b; i += step) out.push(list[i]);
    } else {
      const a = clamp(start, len - 1, -1, len - 1);
      const b = clamp(stop, -1, -1, len - 1);
      for (let i = a; i > b; i += step) out.push(list[i]);
    }
    return typeof target === 'string' ? out.join('') : out;
  }

  private range(args: unknown[], loc: SourceLocation): number[] {
    const nums = args.map(toNumber);
    const [start, stop, step] =
      nums.length === 1 ? [0, nums[0] as number, 1] : [nums[0] as number, nums[1] as number, nums[2] ?? 1];
    if (![start, stop, step].every(Number.isFinite)) throw runtimeError('range() needs finite numbers', loc);
    if (step === 0) throw runtimeError('range() step cannot be zero', loc);
    const count = Math.max(0, Math.ceil((stop - start) / step));
    if (count > this.budget.limits.maxRangeSize) {
      throw limitError('maxRangeSize', `range() of ${count} numbers exceeds the limit of ${this.budget.limits.maxRangeSize}`, loc);
    }
    const out: number[] = new Array<number>(count);
    for (let i = 0; i < count; i++) out[i] = start + i * step;
    return out;
  }

  private applyFilter(expr: Extract<Expr, { type: 'Filter' }>, frame: Frame): unknown {
    const definition = this.filters.get(expr.name);
    if (!definition) throw runtimeError(`unknown filter "${expr.name}"`, expr.loc, 'unknown-filter');
    const input = this.evaluate(expr.input, frame);
    const args: unknown[] = expr.args.map(a => this.evaluate(a, frame));
    for (const kw of expr.kwargs) {
      const index = definition.params.indexOf(kw.name);
      if (index === -1) {
        const known = definition.params.length ? `; it takes ${definition.params.join(', ')}` : '';
        throw runtimeError(`filter "${expr.name}" has no argument named "${kw.name}"${known}`, expr.loc);
      }
      while (args.length < index) args.push(undefined);
      args[index] = this.evaluate(kw.value, frame);
    }
    const ctx: FilterContext = { budget: this.budget, loc: expr.loc, pythonSemantics: this.pythonSemantics };
    let result: unknown;
    try {
      result = definition.apply(input, args, ctx);
    } catch (error) {
      if (error instanceof PaveError) throw error;
      throw runtimeError(`filter "${expr.name}" failed: ${error instanceof Error ? error.message : String(error)}`, expr.loc);
    }
    // Filters can be the expensive steps (sorting, joining large lists): read the clock after each.
    this.budget.checkTime(expr.loc);
    if (typeof result === 'function' || typeof result === 'symbol') {
      throw runtimeError(`filter "${expr.name}" returned a ${typeof result}, which templates cannot hold`, expr.loc);
    }
    if (typeof result === 'string') this.budget.checkString(result, expr.loc);
    return result;
  }
}
