/**
 * The syntax tree the parser builds and the interpreter walks. Plain data: no node
 * holds a function, and nothing here is ever turned into JavaScript.
 * Every expression node records its `depth` (1 for a leaf), so the tree's depth is
 * bounded by construction and evaluation cannot overflow the stack.
 */
import type { SourceLocation } from './template-error.js';

interface NodeBase {
  loc: SourceLocation;
}

interface ExprBase extends NodeBase {
  depth: number;
}

export interface LiteralExpr extends ExprBase {
  type: 'Literal';
  value: string | number | boolean | null;
}

export interface RegexExpr extends ExprBase {
  type: 'Regex';
  pattern: string;
  flags: string;
}

export interface NameExpr extends ExprBase {
  type: 'Name';
  name: string;
}

/** `a.b` (property is a string) or `a[expr]`. */
export interface MemberExpr extends ExprBase {
  type: 'Member';
  object: Expr;
  property: string | Expr;
}

/** `a[start:stop:step]`. */
export interface SliceExpr extends ExprBase {
  type: 'Slice';
  object: Expr;
  start?: Expr;
  stop?: Expr;
  step?: Expr;
}

export interface ArrayExpr extends ExprBase {
  type: 'Array';
  items: Expr[];
}

export interface ObjectEntry {
  /** A bare name or string key is a string; any other key is evaluated. */
  key: string | Expr;
  value: Expr;
}

export interface ObjectExpr extends ExprBase {
  type: 'Object';
  entries: ObjectEntry[];
}

export interface UnaryExpr extends ExprBase {
  type: 'Unary';
  op: 'not' | '-' | '+';
  operand: Expr;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '~';

export interface BinaryExpr extends ExprBase {
  type: 'Binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface LogicalExpr extends ExprBase {
  type: 'Logical';
  op: 'and' | 'or';
  left: Expr;
  right: Expr;
}

export type CompareOp = '==' | '!=' | '===' | '!==' | '<' | '>' | '<=' | '>=' | 'in' | 'not in';

/** `a < b <= c`: each pair is compared, like Python and Nunjucks. */
export interface CompareExpr extends ExprBase {
  type: 'Compare';
  first: Expr;
  rest: Array<{ op: CompareOp; expr: Expr }>;
}

/** `x is defined`, `x is not divisibleby(3)`. */
export interface TestExpr extends ExprBase {
  type: 'Test';
  subject: Expr;
  test: string;
  args: Expr[];
  negated: boolean;
}

/** `a if cond else b` (`else` optional: undefined when false). */
export interface ConditionalExpr extends ExprBase {
  type: 'Conditional';
  test: Expr;
  consequent: Expr;
  alternate?: Expr;
}

export interface FilterExpr extends ExprBase {
  type: 'Filter';
  name: string;
  input: Expr;
  args: Expr[];
  kwargs: Array<{ name: string; value: Expr }>;
}

/** `range(...)`: the only callable name. */
export interface RangeExpr extends ExprBase {
  type: 'Range';
  args: Expr[];
}

/** `value.method(args)` for the fixed set of pure string/list methods in `methods.ts`. */
export interface MethodExpr extends ExprBase {
  type: 'Method';
  object: Expr;
  method: string;
  args: Expr[];
}

export type Expr =
  | LiteralExpr
  | RegexExpr
  | NameExpr
  | MemberExpr
  | SliceExpr
  | ArrayExpr
  | ObjectExpr
  | UnaryExpr
  | BinaryExpr
  | LogicalExpr
  | CompareExpr
  | TestExpr
  | ConditionalExpr
  | FilterExpr
  | RangeExpr
  | MethodExpr;

export interface TextNode extends NodeBase {
  type: 'Text';
  value: string;
}

export interface OutputNode extends NodeBase {
  type: 'Output';
  expr: Expr;
}

export interface IfNode extends NodeBase {
  type: 'If';
  branches: Array<{ test: Expr; body: Node[] }>;
  otherwise?: Node[];
}

export interface ForNode extends NodeBase {
  type: 'For';
  targets: string[];
  iterable: Expr;
  body: Node[];
  otherwise?: Node[];
}

/** `{% set a, b = expr %}` or the block form `{% set a %}…{% endset %}`. */
export interface SetNode extends NodeBase {
  type: 'Set';
  targets: string[];
  value?: Expr;
  body?: Node[];
}

export type Node = TextNode | OutputNode | IfNode | ForNode | SetNode;

/** A parsed template: its top-level nodes. */
export interface TemplateAst {
  body: Node[];
}
