/**
 * Tokens produced by the lexer. Text and tag delimiters come from the template layer;
 * names, numbers, strings, regular expressions and operators from inside tags.
 */
import type { SourceLocation } from './template-error.js';

export type TokenKind =
  | 'text'
  | 'varStart'
  | 'varEnd'
  | 'blockStart'
  | 'blockEnd'
  | 'name'
  | 'number'
  | 'string'
  | 'regex'
  | 'op'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Text content, name, operator, decoded string, regex pattern, or the delimiter as written. */
  value: string;
  loc: SourceLocation;
  /** Parsed value of a `number` token. */
  number?: number;
  /** Flags of a `regex` token. */
  flags?: string;
}
