/**
 * The parser: turns lexer tokens into a `TemplateAst`. It recovers from a broken tag
 * by skipping to the tag's end, so one pass reports every syntax issue it can find.
 * Nesting (parentheses, operators, tags) is bounded by `maxDepth`; going deeper stops
 * the parse with a limit issue instead of overflowing the stack.
 */
import type {
  CompareOp,
  Expr,
  Node,
  ObjectEntry,
  TemplateAst,
  IfNode,
  ForNode,
  SetNode,
} from './ast.js';
import { METHOD_NAMES } from './methods.js';
import { TEST_NAMES } from './is-tests.js';
import { regexProblem } from './template-regex.js';
import type { SourceLocation, SyntaxIssue } from './template-error.js';
import type { Token } from './token.js';

export interface ParseOptions {
  /** Deepest nesting accepted. */
  maxDepth: number;
}

/** A filter used by the template, for checking names against a registry later. */
export interface FilterRef {
  name: string;
  loc: SourceLocation;
}

export interface ParseResult {
  ast: TemplateAst;
  issues: SyntaxIssue[];
  filterRefs: FilterRef[];
}

/** Tags that Nunjucks/Jinja know but this engine refuses on purpose. */
const UNSUPPORTED_TAGS = new Set([
  'include', 'import', 'from', 'extends', 'block', 'endblock', 'macro', 'endmacro', 'call', 'endcall',
  'filter', 'endfilter', 'asyncEach', 'endeach', 'asyncAll', 'endall', 'ifAsync', 'with', 'endwith',
  'autoescape', 'endautoescape', 'do', 'break', 'continue', 'trans', 'endtrans', 'super',
]);

const END_TAGS = new Set(['elif', 'elseif', 'else', 'endif', 'endfor', 'endset', 'endraw', 'endverbatim']);

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else']);

const COMPARE_OPS = new Set(['==', '!=', '===', '!==', '<', '>', '<=', '>=']);

/** Thrown inside one tag; the parser records it and skips to the tag's end. */
class TagError extends Error {
  constructor(
    message: string,
    readonly loc: SourceLocation,
    readonly rule = 'syntax',
  ) {
    super(message);
  }
}

/** Thrown when nesting exceeds the limit; ends the parse. */
class DepthError extends Error {
  constructor(readonly loc: SourceLocation) {
    super('nesting too deep');
  }
}

/**
 * Parses tokens into a syntax tree, collecting issues instead of throwing.
 *
 * @example
 * const { tokens } = tokenize('${{ a | upper }}');
 * const { ast, issues } = parse(tokens, { maxDepth: 200 });
 * ast.body[0]?.type; // 'Output'
 */
export function parse(tokens: readonly Token[], options: ParseOptions): ParseResult {
  return new Parser(tokens, options.maxDepth).run();
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of template';
    case 'varEnd':
    case 'blockEnd':
      return `"${token.value}"`;
    case 'string':
      return `string ${JSON.stringify(token.value)}`;
    case 'text':
      return 'text';
    default:
      return `"${token.value}"`;
  }
}

class Parser {
  private i = 0;
  private nesting = 0;
  private readonly issues: SyntaxIssue[] = [];
  private readonly filterRefs: FilterRef[] = [];

  constructor(
    private readonly tokens: readonly Token[],
    private readonly maxDepth: number,
  ) {}

  run(): ParseResult {
    let body: Node[] = [];
    try {
      const result = this.parseBody(new Set());
      body = result.nodes;
    } catch (error) {
      if (!(error instanceof DepthError)) throw error;
      this.issues.push({
        message: `nesting is deeper than the limit of ${this.maxDepth} levels`,
        loc: error.loc,
        rule: 'limits.maxDepth',
      });
    }
    return { ast: { body }, issues: this.issues, filterRefs: this.filterRefs };
  }

  // ---- token helpers -------------------------------------------------------------

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return token;
  }

  private isOp(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.value === value;
  }

  private isName(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'name' && t.value === value;
  }

  private expectOp(value: string): Token {
    const t = this.peek();
    if (t.kind !== 'op' || t.value !== value) throw new TagError(`expected "${value}" but found ${describe(t)}`, t.loc);
    return this.next();
  }

  private expectName(what: string): Token {
    const t = this.peek();
    if (t.kind !== 'name' || KEYWORDS.has(t.value)) throw new TagError(`expected ${what} but found ${describe(t)}`, t.loc);
    return this.next();
  }

  private expectBlockEnd(): void {
    const t = this.peek();
    if (t.kind !== 'blockEnd') throw new TagError(`expected "%}" but found ${describe(t)}`, t.loc);
    this.next();
  }

  /** Skips the rest of a broken tag, up to and including its closing delimiter. */
  private skipTag(): void {
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof' || t.kind === 'text' || t.kind === 'varStart' || t.kind === 'blockStart') return;
      this.next();
      if (t.kind === 'varEnd' || t.kind === 'blockEnd') return;
    }
  }

  private record(error: unknown): void {
    if (error instanceof TagError) {
      const t = this.peek();
      // The lexer already reported the tag the source ends in; one error is enough.
      if (t.kind === 'eof' && t.value === 'unclosed') return;
      this.issues.push({ message: error.message, loc: error.loc, rule: error.rule });
      this.skipTag();
      return;
    }
    throw error;
  }

  private enter(loc: SourceLocation): void {
    this.nesting++;
    if (this.nesting > this.maxDepth) throw new DepthError(loc);
  }

  private leave(): void {
    this.nesting--;
  }

  /** Depth of a new node over its children; refuses trees deeper than the limit. */
  private depthOf(loc: SourceLocation, ...children: Array<Expr | undefined>): number {
    return this.depthOfList(loc, children);
  }

  private depthOfList(loc: SourceLocation, children: ReadonlyArray<Expr | undefined>): number {
    let max = 0;
    for (const c of children) if (c && c.depth > max) max = c.depth;
    if (max + 1 > this.maxDepth) throw new DepthError(loc);
    return max + 1;
  }

  // ---- template level ------------------------------------------------------------

  /**
   * Parses nodes until a block tag named in `stop` (its `{%` and name consumed) or the end.
   */
  private parseBody(stop: ReadonlySet<string>): { nodes: Node[]; end?: Token } {
    const nodes: Node[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return { nodes };
      if (t.kind === 'text') {
        this.next();
        nodes.push({ type: 'Text', value: t.value, loc: t.loc });
        continue;
      }
      if (t.kind === 'varStart') {
        this.next();
        try {
          const expr = this.parseExpression();
          const end = this.peek();
          if (end.kind !== 'varEnd') throw new TagError(`expected "}}" but found ${describe(end)}`, end.loc);
          this.next();
          nodes.push({ type: 'Output', expr, loc: t.loc });
        } catch (error) {
          this.record(error);
        }
        continue;
      }
      if (t.kind === 'blockStart') {
        const name = this.peek(1);
        if (name.kind === 'name' && stop.has(name.value)) {
          this.next();
          this.next();
          return { nodes, end: name };
        }
        this.next();
        const node = this.parseStatement(t);
        if (node) nodes.push(node);
        continue;
      }
      // A stray token outside any tag cannot happen with a well-formed token stream; skip it.
      this.next();
    }
  }

  private parseStatement(start: Token): Node | undefined {
    const nameToken = this.peek();
    if (nameToken.kind !== 'name') {
      this.record(new TagError(`expected a tag name after "{%" but found ${describe(nameToken)}`, nameToken.loc));
      return undefined;
    }
    const name = nameToken.value;
    this.next();
    if (name === 'if') return this.parseIf(start);
    if (name === 'for') return this.parseFor(start);
    if (name === 'set') return this.parseSet(start);
    if (UNSUPPORTED_TAGS.has(name)) {
      this.record(
        new TagError(
          `tag "${name}" is not supported: templates cannot include, import or extend other templates, define macros or blocks; supported tags are if, for, set and raw`,
          nameToken.loc,
          'unsupported-tag',
        ),
      );
      return undefined;
    }
    if (END_TAGS.has(name)) {
      this.record(new TagError(`unexpected "{% ${name} %}" with no open block to close`, nameToken.loc, 'unbalanced'));
      return undefined;
    }
    this.record(
      new TagError(`unknown tag "${name}"; supported tags are if, elif, else, for, set and raw`, nameToken.loc, 'unsupported-tag'),
    );
    return undefined;
  }

  private unclosed(tag: string, start: Token, expected: string): void {
    this.issues.push({
      message: `"{% ${tag} %}" opened here is never closed: expected "{% ${expected} %}"`,
      loc: start.loc,
      rule: 'unbalanced',
    });
  }

  private headerExpr(): Expr {
    try {
      const expr = this.parseExpression();
      this.expectBlockEnd();
      return expr;
    } catch (error) {
      this.record(error);
      return { type: 'Literal', value: false, loc: this.peek().loc, depth: 1 };
    }
  }

  private closeTag(): void {
    try {
      this.expectBlockEnd();
    } catch (error) {
      this.record(error);
    }
  }

  private nested<T>(loc: SourceLocation, fn: () => T): T {
    this.enter(loc);
    try {
      return fn();
    } finally {
      this.leave();
    }
  }

  private parseIf(start: Token): IfNode {
    return this.nested(start.loc, () => {
      const node: IfNode = { type: 'If', branches: [], loc: start.loc };
      let test = this.headerExpr();
      for (;;) {
        const { nodes, end } = this.parseBody(new Set(['elif', 'elseif', 'else', 'endif']));
        node.branches.push({ test, body: nodes });
        if (!end) {
          this.unclosed('if', start, 'endif');
          return node;
        }
        if (end.value === 'elif' || end.value === 'elseif') {
          test = this.headerExpr();
          continue;
        }
        if (end.value === 'else') {
          this.closeTag();
          const rest = this.parseBody(new Set(['endif']));
          node.otherwise = rest.nodes;
          if (!rest.end) this.unclosed('if', start, 'endif');
          else this.closeTag();
          return node;
        }
        this.closeTag();
        return node;
      }
    });
  }

  private parseFor(start: Token): ForNode {
    return this.nested(start.loc, () => {
      const targets: string[] = [];
      let iterable: Expr = { type: 'Literal', value: null, loc: start.loc, depth: 1 };
      try {
        targets.push(this.expectName('a loop variable name').value);
        while (this.isOp(',')) {
          this.next();
          targets.push(this.expectName('a loop variable name').value);
        }
        if (!this.isName('in')) throw new TagError(`expected "in" but found ${describe(this.peek())}`, this.peek().loc);
        this.next();
        iterable = this.parseExpression();
        this.expectBlockEnd();
      } catch (error) {
        this.record(error);
      }
      const node: ForNode = { type: 'For', targets, iterable, body: [], loc: start.loc };
      const { nodes, end } = this.parseBody(new Set(['else', 'endfor']));
      node.body = nodes;
      if (!end) {
        this.unclosed('for', start, 'endfor');
        return node;
      }
      this.closeTag();
      if (end.value === 'else') {
        const rest = this.parseBody(new Set(['endfor']));
        node.otherwise = rest.nodes;
        if (!rest.end) this.unclosed('for', start, 'endfor');
        else this.closeTag();
      }
      return node;
    });
  }

  private parseSet(start: Token): SetNode {
    return this.nested(start.loc, () => {
      const node: SetNode = { type: 'Set', targets: [], loc: start.loc };
      try {
        node.targets.push(this.expectName('a variable name').value);
        while (this.isOp(',')) {
          this.next();
          node.targets.push(this.expectName('a variable name').value);
        }
        if (this.isOp('=')) {
          this.next();
          node.value = this.parseExpression();
          this.expectBlockEnd();
          return node;
        }
        this.expectBlockEnd();
      } catch (error) {
        this.record(error);
        return node;
      }
      const { nodes, end } = this.parseBody(new Set(['endset']));
      node.body = nodes;
      if (!end) this.unclosed('set', start, 'endset');
      else this.closeTag();
      return node;
    });
  }

  // ---- expressions ---------------------------------------------------------------

  parseExpression(): Expr {
    const loc = this.peek().loc;
    this.enter(loc);
    try {
      return this.parseInlineIf();
    } finally {
      this.leave();
    }
  }

  private parseInlineIf(): Expr {
    const body = this.parseOr();
    if (!this.isName('if')) return body;
    const loc = this.next().loc;
    const test = this.parseOr();
    let alternate: Expr | undefined;
    if (this.isName('else')) {
      this.next();
      alternate = this.parseExpression();
    }
    return { type: 'Conditional', test, consequent: body, alternate, loc, depth: this.depthOf(loc, test, body, alternate) };
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isName('or')) {
      const loc = this.next().loc;
      const right = this.parseAnd();
      left = { type: 'Logical', op: 'or', left, right, loc, depth: this.depthOf(loc, left, right) };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isName('and')) {
      const loc = this.next().loc;
      const right = this.parseNot();
      left = { type: 'Logical', op: 'and', left, right, loc, depth: this.depthOf(loc, left, right) };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isName('not')) {
      const loc = this.next().loc;
      this.enter(loc);
      try {
        const operand = this.parseNot();
        return { type: 'Unary', op: 'not', operand, loc, depth: this.depthOf(loc, operand) };
      } finally {
        this.leave();
      }
    }
    return this.parseIs();
  }

  private parseIs(): Expr {
    let subject = this.parseCompare();
    while (this.isName('is')) {
      const loc = this.next().loc;
      let negated = false;
      if (this.isName('not')) {
        this.next();
        negated = true;
      }
      const t = this.peek();
      let test: string;
      if (t.kind === 'name') test = t.value;
      else throw new TagError(`expected a test name after "is" but found ${describe(t)}`, t.loc);
      this.next();
      if (!TEST_NAMES.has(test)) {
        throw new TagError(`unknown test "${test}"; known tests: ${[...TEST_NAMES].join(', ')}`, t.loc, 'unknown-test');
      }
      let args: Expr[] = [];
      if (this.isOp('(')) {
        args = this.parseArgs('test').args;
      } else if (this.startsOperand()) {
        // Jinja's `x is divisibleby 3` / `x is sameas none`: one argument without parentheses.
        args = [this.parseConcat()];
      }
      subject = { type: 'Test', subject, test, args, negated, loc, depth: this.depthOfList(loc, [subject, ...args]) };
    }
    return subject;
  }

  /** Whether the next token can begin an operand (used after `is name`). */
  private startsOperand(): boolean {
    const t = this.peek();
    if (t.kind === 'number' || t.kind === 'string') return true;
    if (t.kind === 'name') return !KEYWORDS.has(t.value);
    return false;
  }

  private parseCompare(): Expr {
    const first = this.parseConcat();
    const rest: Array<{ op: CompareOp; expr: Expr }> = [];
    const loc = this.peek().loc;
    for (;;) {
      const t = this.peek();
      let op: CompareOp | undefined;
      if (t.kind === 'op' && COMPARE_OPS.has(t.value)) {
        op = t.value as CompareOp;
        this.next();
      } else if (t.kind === 'name' && t.value === 'in') {
        op = 'in';
        this.next();
      } else if (t.kind === 'name' && t.value === 'not' && this.isName('in', 1)) {
        op = 'not in';
        this.next();
        this.next();
      }
      if (!op) break;
      rest.push({ op, expr: this.parseConcat() });
    }
    if (rest.length === 0) return first;
    return { type: 'Compare', first, rest, loc, depth: this.depthOfList(loc, [first, ...rest.map(r => r.expr)]) };
  }

  private parseConcat(): Expr {
    let left = this.parseAdditive();
    while (this.isOp('~')) {
      const loc = this.next().loc;
      const right = this.parseAdditive();
      left = { type: 'Binary', op: '~', left, right, loc, depth: this.depthOf(loc, left, right) };
    }
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const t = this.next();
      const right = this.parseMultiplicative();
      left = { type: 'Binary', op: t.value as '+' | '-', left, right, loc: t.loc, depth: this.depthOf(t.loc, left, right) };
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parsePow();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const t = this.next();
      const right = this.parsePow();
      left = {
        type: 'Binary',
        op: t.value as '*' | '/' | '//' | '%',
        left,
        right,
        loc: t.loc,
        depth: this.depthOf(t.loc, left, right),
      };
    }
    return left;
  }

  private parsePow(): Expr {
    let left = this.parseUnary(false);
    while (this.isOp('**')) {
      const loc = this.next().loc;
      const right = this.parseUnary(false);
      left = { type: 'Binary', op: '**', left, right, loc, depth: this.depthOf(loc, left, right) };
    }
    return left;
  }

  private parseUnary(noFilters: boolean): Expr {
    let node: Expr;
    if (this.isOp('-') || this.isOp('+')) {
      const t = this.next();
      this.enter(t.loc);
      try {
        const operand = this.parseUnary(true);
        node = { type: 'Unary', op: t.value as '-' | '+', operand, loc: t.loc, depth: this.depthOf(t.loc, operand) };
      } finally {
        this.leave();
      }
    } else {
      node = this.parsePostfix(this.parsePrimary());
    }
    return noFilters ? node : this.parseFilters(node);
  }

  private parseFilters(input: Expr): Expr {
    let node = input;
    while (this.isOp('|')) {
      this.next();
      const nameToken = this.peek();
      if (nameToken.kind !== 'name') throw new TagError(`expected a filter name after "|" but found ${describe(nameToken)}`, nameToken.loc);
      this.next();
      this.filterRefs.push({ name: nameToken.value, loc: nameToken.loc });
      let args: Expr[] = [];
      let kwargs: Array<{ name: string; value: Expr }> = [];
      if (this.isOp('(')) ({ args, kwargs } = this.parseArgs('filter'));
      node = {
        type: 'Filter',
        name: nameToken.value,
        input: node,
        args,
        kwargs,
        loc: nameToken.loc,
        depth: this.depthOfList(nameToken.loc, [node, ...args, ...kwargs.map(k => k.value)]),
      };
    }
    return node;
  }

  /** Parses `( a, b, name=c )`; keyword arguments only where `kind` allows them. */
  private parseArgs(kind: 'filter' | 'test' | 'call'): { args: Expr[]; kwargs: Array<{ name: string; value: Expr }> } {
    const open = this.expectOp('(');
    this.enter(open.loc);
    try {
      const args: Expr[] = [];
      const kwargs: Array<{ name: string; value: Expr }> = [];
      while (!this.isOp(')')) {
        const t = this.peek();
        if (t.kind === 'name' && this.isOp('=', 1)) {
          if (kind !== 'filter') throw new TagError(`keyword arguments are only supported for filters`, t.loc);
          this.next();
          this.next();
          kwargs.push({ name: t.value, value: this.parseExpression() });
        } else {
          if (kwargs.length > 0) throw new TagError('positional argument after keyword argument', t.loc);
          args.push(this.parseExpression());
        }
        if (this.isOp(',')) this.next();
        else if (!this.isOp(')')) throw new TagError(`expected "," or ")" but found ${describe(this.peek())}`, this.peek().loc);
      }
      this.next();
      return { args, kwargs };
    } finally {
      this.leave();
    }
  }

  private parsePostfix(primary: Expr): Expr {
    let node = primary;
    for (;;) {
      if (this.isOp('.')) {
        const dot = this.next();
        const t = this.peek();
        if (t.kind !== 'name' && t.kind !== 'number') throw new TagError(`expected a property name after "." but found ${describe(t)}`, t.loc);
        this.next();
        node = { type: 'Member', object: node, property: t.value, loc: dot.loc, depth: this.depthOf(dot.loc, node) };
        continue;
      }
      if (this.isOp('[')) {
        node = this.parseSubscript(node);
        continue;
      }
      if (this.isOp('(')) {
        node = this.parseCall(node);
        continue;
      }
      return node;
    }
  }

  private parseSubscript(object: Expr): Expr {
    const open = this.next();
    this.enter(open.loc);
    try {
      let start: Expr | undefined;
      if (!this.isOp(':')) start = this.parseExpression();
      if (this.isOp(']')) {
        this.next();
        if (!start) throw new TagError('empty subscript "[]"', open.loc);
        return { type: 'Member', object, property: start, loc: open.loc, depth: this.depthOf(open.loc, object, start) };
      }
      this.expectOp(':');
      let stop: Expr | undefined;
      let step: Expr | undefined;
      if (!this.isOp(']') && !this.isOp(':')) stop = this.parseExpression();
      if (this.isOp(':')) {
        this.next();
        if (!this.isOp(']')) step = this.parseExpression();
      }
      this.expectOp(']');
      return { type: 'Slice', object, start, stop, step, loc: open.loc, depth: this.depthOf(open.loc, object, start, stop, step) };
    } finally {
      this.leave();
    }
  }

  private parseCall(callee: Expr): Expr {
    const loc = this.peek().loc;
    if (callee.type === 'Name' && callee.name === 'range') {
      const { args } = this.parseArgs('call');
      if (args.length < 1 || args.length > 3) throw new TagError(`range() takes 1 to 3 arguments, got ${args.length}`, loc);
      return { type: 'Range', args, loc: callee.loc, depth: this.depthOfList(loc, args) };
    }
    if (callee.type === 'Member' && typeof callee.property === 'string' && METHOD_NAMES.has(callee.property)) {
      const { args } = this.parseArgs('call');
      return {
        type: 'Method',
        object: callee.object,
        method: callee.property,
        args,
        loc: callee.loc,
        depth: this.depthOfList(loc, [callee.object, ...args]),
      };
    }
    const what =
      callee.type === 'Name'
        ? `"${callee.name}"`
        : callee.type === 'Member' && typeof callee.property === 'string'
          ? `method "${callee.property}"`
          : 'this expression';
    throw new TagError(
      `calling ${what} is not allowed: only range() and the built-in string and list methods (${[...METHOD_NAMES].sort().join(', ')}) can be called`,
      loc,
      'not-callable',
    );
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        return { type: 'Literal', value: t.number ?? Number(t.value), loc: t.loc, depth: 1 };
      case 'string':
        this.next();
        return { type: 'Literal', value: t.value, loc: t.loc, depth: 1 };
      case 'regex': {
        this.next();
        const problem = regexProblem(t.value, t.flags ?? '');
        if (problem) throw new TagError(problem, t.loc, 'unsafe-regex');
        return { type: 'Regex', pattern: t.value, flags: t.flags ?? '', loc: t.loc, depth: 1 };
      }
      case 'name': {
        const v = t.value;
        if (KEYWORDS.has(v)) throw new TagError(`unexpected keyword "${v}"`, t.loc);
        this.next();
        if (v === 'true' || v === 'True') return { type: 'Literal', value: true, loc: t.loc, depth: 1 };
        if (v === 'false' || v === 'False') return { type: 'Literal', value: false, loc: t.loc, depth: 1 };
        if (v === 'null' || v === 'none' || v === 'None') return { type: 'Literal', value: null, loc: t.loc, depth: 1 };
        return { type: 'Name', name: v, loc: t.loc, depth: 1 };
      }
      case 'op':
        if (t.value === '(') return this.parseParens();
        if (t.value === '[') return this.parseArray();
        if (t.value === '{') return this.parseObject();
        throw new TagError(`unexpected ${describe(t)}`, t.loc);
      default:
        throw new TagError(`unexpected ${describe(t)}`, t.loc);
    }
  }

  private parseParens(): Expr {
    const open = this.next();
    this.enter(open.loc);
    try {
      const expr = this.parseExpression();
      if (this.isOp(',')) throw new TagError('tuples are not supported; use a list "[a, b]"', this.peek().loc);
      this.expectOp(')');
      return expr;
    } finally {
      this.leave();
    }
  }

  private parseArray(): Expr {
    const open = this.next();
    this.enter(open.loc);
    try {
      const items: Expr[] = [];
      while (!this.isOp(']')) {
        items.push(this.parseExpression());
        if (this.isOp(',')) this.next();
        else if (!this.isOp(']')) throw new TagError(`expected "," or "]" but found ${describe(this.peek())}`, this.peek().loc);
      }
      this.next();
      return { type: 'Array', items, loc: open.loc, depth: this.depthOfList(open.loc, items) };
    } finally {
      this.leave();
    }
  }

  private parseObject(): Expr {
    const open = this.next();
    this.enter(open.loc);
    try {
      const entries: ObjectEntry[] = [];
      while (!this.isOp('}')) {
        const k = this.peek();
        let key: string | Expr;
        if (k.kind === 'name' || k.kind === 'string') {
          this.next();
          key = k.value;
        } else if (k.kind === 'number') {
          this.next();
          key = String(k.number ?? k.value);
        } else if (k.kind === 'op' && k.value === '(') {
          key = this.parseParens();
        } else {
          throw new TagError(`expected an object key but found ${describe(k)}`, k.loc);
        }
        this.expectOp(':');
        entries.push({ key, value: this.parseExpression() });
        if (this.isOp(',')) this.next();
        else if (!this.isOp('}')) throw new TagError(`expected "," or "}" but found ${describe(this.peek())}`, this.peek().loc);
      }
      this.next();
      const exprs: Expr[] = [];
      for (const e of entries) {
        exprs.push(e.value);
        if (typeof e.key !== 'string') exprs.push(e.key);
      }
      return { type: 'Object', entries, loc: open.loc, depth: this.depthOfList(open.loc, exprs) };
    } finally {
      this.leave();
    }
  }
}
