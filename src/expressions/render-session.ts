/**
 * One public call's worth of rendering: the resolved options, the filter registry and
 * the shared `Budget`. `renderString`, `renderValue`, `renderFile` and
 * `evaluateCondition` are thin wrappers around it.
 */
import type { TemplateAst } from './ast.js';
import { Budget } from './budget.js';
import { compileTemplate } from './compile.js';
import { createFilterRegistry, type FilterRegistry } from './filter-registry.js';
import { Interpreter } from './interpreter.js';
import { resolveLimits, type Limits } from './limits.js';
import type { TemplateOptions } from './options.js';
import { isPlainObject, toPlainData } from './safe-access.js';
import { SecretTaint } from './secret-taint.js';
import { limitError, syntaxError, withPointer } from './template-error.js';
import { joinPointer } from '../core/problem.js';

export class RenderSession {
  readonly limits: Readonly<Limits>;
  readonly budget: Budget;
  private readonly filters: FilterRegistry;
  private readonly compat: boolean;
  private readonly taint: SecretTaint | undefined;

  /**
   * Resolves options and starts the budget's clock.
   *
   * @example
   * const session = new RenderSession({ values: { name: 'api' } }, { limits: { timeBudgetMs: 200 } });
   * session.renderText('${{ values.name }}'); // 'api'
   */
  constructor(
    private readonly context: Readonly<Record<string, unknown>>,
    options: TemplateOptions = {},
  ) {
    this.limits = resolveLimits(options.limits);
    this.budget = new Budget(this.limits);
    this.filters = createFilterRegistry(options.filters);
    this.compat = options.cookiecutterCompat ?? false;
    this.taint = options.secrets ? new SecretTaint(context, options.secrets, this.budget) : undefined;
  }

  /**
   * The secret-derived strings this session's renders produced (empty without `options.secrets`),
   * longest first: what a caller must mask besides the secrets themselves.
   *
   * @example
   * const session = new RenderSession({ secrets: { t: 'abc' } }, { secrets: { roots: ['secrets'] } });
   * session.renderText('${{ secrets.t | upper }}'); // 'ABC'
   * session.secretStrings();                      // ['ABC', 'abc']
   */
  secretStrings(): string[] {
    return this.taint?.secretStrings() ?? [];
  }

  /** Whether a string can contain any tag at all (cheap pre-check). */
  private hasTags(source: string): boolean {
    return source.includes('{');
  }

  private compile(source: string): TemplateAst {
    if (source.length > this.limits.maxSourceSize) {
      throw limitError('maxSourceSize', `template source is larger than ${this.limits.maxSourceSize} characters`);
    }
    const { ast, issues } = compileTemplate(source, { cookiecutterCompat: this.compat, limits: this.limits, filters: this.filters });
    if (issues.length > 0) throw syntaxError(issues);
    return ast;
  }

  private interpreter(): Interpreter {
    return new Interpreter(this.context, {
      budget: this.budget,
      filters: this.filters,
      pythonSemantics: this.compat,
      ...(this.taint ? { taint: this.taint } : {}),
    });
  }

  /**
   * Renders to text, with statement tags.
   *
   * @example
   * session.renderText('{% for x in [1, 2] %}${{ x }}{% endfor %}'); // '12'
   */
  renderText(source: string): string {
    if (!this.hasTags(source)) return source;
    const ast = this.compile(source);
    return this.interpreter().render(ast);
  }

  /**
   * Backstage's rule: a string that is exactly one expression keeps the expression's
   * type (as plain JSON-like data); anything else renders to text.
   *
   * @example
   * session.renderTyped('${{ [1, 2] }}');   // [1, 2]
   * session.renderTyped('n=${{ 1 + 1 }}');  // 'n=2'
   */
  renderTyped(source: string): unknown {
    if (!this.hasTags(source)) return source;
    const ast = this.compile(source);
    const only = ast.body.length === 1 ? ast.body[0] : undefined;
    const interpreter = this.interpreter();
    if (only?.type === 'Output') {
      const value = toPlainData(interpreter.evaluateTop(only.expr), this.budget, only.loc);
      if (interpreter.lastValueIsSecret && !interpreter.lastValueIsVerbatim) this.taint?.record(value, only.loc);
      return value;
    }
    return interpreter.render(ast);
  }

  /**
   * Deep-renders every string inside arrays and plain objects (keys are kept as they are).
   * Errors name the JSON pointer of the string that failed.
   *
   * @example
   * session.renderValue({ name: '${{ values.name }}', tags: ['${{ values.name }}-x'] });
   */
  renderValue(value: unknown, pointer = '', depth = 0): unknown {
    if (depth > this.limits.maxDepth) {
      throw withPointer(limitError('maxDepth', `value is nested deeper than ${this.limits.maxDepth} levels`), pointer);
    }
    if (typeof value === 'string') {
      try {
        return this.renderTyped(value);
      } catch (error) {
        throw withPointer(error, pointer);
      }
    }
    this.budget.tick();
    if (Array.isArray(value)) return value.map((item, i) => this.renderValue(item, pointer + joinPointer(i), depth + 1));
    if (isPlainObject(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, this.renderValue(item, pointer + joinPointer(key), depth + 1)]),
      );
    }
    return value;
  }
}
