// The --where language: `Origin == "USA" && Horsepower > 150`. A hand-written tokenizer and
// recursive-descent parser compiled to closures, never eval/Function, so an expression
// from a command line or a settings file cannot run code. Chains of `||`, `&&` and `!` are
// parsed and evaluated in loops (a 12,000-term chain works); only parentheses recurse, and
// their nesting is limited so a hostile expression gets a sentence, not a stack overflow.
//
//   or         := and ('||' and)*
//   and        := unary ('&&' unary)*
//   unary      := '!'* ('(' or ')' | comparison | 'true' | 'false')
//   comparison := operand ('==' | '!=' | '<' | '<=' | '>' | '>=') operand
//   operand    := column | `quoted column` | number | 'string' | "string" | true | false

import { parseNumber } from './columns';
import { UnlearnError } from './errors';
import type { ParsedDataset } from './types';

export type RowPredicate = (get: (column: string) => unknown) => boolean;

/** Compiles an expression; syntax errors name the 1-based character column. */
export function compileWhere(expr: string): RowPredicate {
  return parseWhere(expr).predicate;
}

/** The rowIndex values of the rows matching `expr`; unknown columns are refused up front. */
export function selectRowsWhere(ds: ParsedDataset, expr: string): number[] {
  const { predicate, columns } = parseWhere(expr);
  const known = new Set(ds.columns);
  for (const ref of columns) {
    if (!known.has(ref.name)) {
      throw new UnlearnError(
        `--where: no column ${JSON.stringify(ref.name)} at column ${ref.column}; columns are ${ds.columns.join(', ')}`,
      );
    }
  }
  const rows: number[] = [];
  for (let r = 0; r < ds.rowCount; r++) {
    if (predicate((column) => ds.cell(r, column))) rows.push(r);
  }
  return rows;
}

// ---------------------------------------------------------------- tokens

type TokenKind = 'column' | 'number' | 'string' | 'true' | 'false' | 'op' | '(' | ')' | '!' | '&&' | '||' | 'end';

interface Token {
  kind: TokenKind;
  /** The column name, the string's value, the number's text or the operator. */
  text: string;
  /** 1-based character column in the expression. */
  column: number;
}

const COMPARISONS = ['==', '!=', '<=', '>=', '<', '>'];
const IDENTIFIER_START = /[\p{L}_]/u;
const IDENTIFIER_PART = /[\p{L}\p{N}_.]/u;
/** Sticky: matched at a position by setting lastIndex. */
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };
/** Deepest parenthesis nesting accepted (far beyond any hand-written condition). */
export const MAX_WHERE_NESTING = 256;

function fail(message: string, column: number): never {
  throw new UnlearnError(`--where: ${message} at column ${column}`);
}

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    const column = i + 1;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = expr.slice(i, i + 2);
    const number = numberAt(expr, i);
    if (two === '&&' || two === '||') {
      tokens.push({ kind: two, text: two, column });
      i += 2;
    } else if (COMPARISONS.includes(two)) {
      tokens.push({ kind: 'op', text: two, column });
      i += 2;
    } else if (c === '<' || c === '>') {
      tokens.push({ kind: 'op', text: c, column });
      i++;
    } else if (c === '=') {
      fail('use "==" to compare', column);
    } else if (c === '!' || c === '(' || c === ')') {
      tokens.push({ kind: c, text: c, column });
      i++;
    } else if (c === '"' || c === "'" || c === '`') {
      const { value, end } = readQuoted(expr, i);
      tokens.push({ kind: c === '`' ? 'column' : 'string', text: value, column });
      i = end;
    } else if (number !== undefined) {
      tokens.push({ kind: 'number', text: number, column });
      i += number.length;
    } else if (IDENTIFIER_START.test(c)) {
      let end = i + 1;
      while (end < expr.length && IDENTIFIER_PART.test(expr[end])) end++;
      const word = expr.slice(i, end);
      tokens.push({ kind: word === 'true' || word === 'false' ? word : 'column', text: word, column });
      i = end;
    } else {
      fail(`unexpected ${JSON.stringify(c)}`, column);
    }
  }
  tokens.push({ kind: 'end', text: '', column: expr.length + 1 });
  return tokens;
}

function numberAt(expr: string, i: number): string | undefined {
  NUMBER.lastIndex = i;
  return NUMBER.exec(expr)?.[0];
}

/** A quoted string or `column name`, from its opening quote; backslash escapes the next character. */
function readQuoted(expr: string, open: number): { value: string; end: number } {
  const quote = expr[open];
  let value = '';
  for (let i = open + 1; i < expr.length; i++) {
    const c = expr[i];
    if (c === quote) return { value, end: i + 1 };
    if (c === '\\' && i + 1 < expr.length) {
      i++;
      value += ESCAPES[expr[i]] ?? expr[i];
    } else {
      value += c;
    }
  }
  return fail(`unterminated ${quote === '`' ? 'column name' : 'string'} (add the closing ${quote})`, open + 1);
}

// ---------------------------------------------------------------- parser

/** An operand: reads its value from the row (column) or is a constant (literal). */
interface Operand {
  read: (get: (column: string) => unknown) => unknown;
  /** For a literal: its parseNumber value, computed once. */
  constantNumber?: number;
  isConstant: boolean;
}

interface ColumnRef {
  name: string;
  column: number;
}

interface ParsedWhere {
  predicate: RowPredicate;
  columns: ColumnRef[];
}

function parseWhere(expr: string): ParsedWhere {
  const tokens = tokenize(expr);
  const columns: ColumnRef[] = [];
  let next = 0;
  const peek = (): Token => tokens[next];
  const take = (): Token => tokens[next++];
  const expect = (kind: TokenKind, shown: string): void => {
    if (peek().kind !== kind) fail(`expected ${shown}`, peek().column);
    next++;
  };

  let nesting = 0;

  // One flat list per chain, evaluated left to right with short-circuit, so the depth of the
  // closures does not grow with the length of the chain.
  const parseOr = (): RowPredicate => {
    const terms = [parseAnd()];
    while (peek().kind === '||') {
      take();
      terms.push(parseAnd());
    }
    if (terms.length === 1) return terms[0];
    return (get) => {
      for (const term of terms) if (term(get)) return true;
      return false;
    };
  };

  const parseAnd = (): RowPredicate => {
    const terms = [parseUnary()];
    while (peek().kind === '&&') {
      take();
      terms.push(parseUnary());
    }
    if (terms.length === 1) return terms[0];
    return (get) => {
      for (const term of terms) if (!term(get)) return false;
      return true;
    };
  };

  const parseUnary = (): RowPredicate => {
    let negations = 0;
    while (peek().kind === '!') {
      take();
      negations++;
    }
    const inner = parsePrimary();
    if (negations % 2 === 0) return inner;
    return (get) => !inner(get);
  };

  const parsePrimary = (): RowPredicate => {
    const token = peek();
    if (token.kind === '(') {
      take();
      if (++nesting > MAX_WHERE_NESTING) fail(`parentheses nested more than ${MAX_WHERE_NESTING} deep`, token.column);
      const inner = parseOr();
      expect(')', '")"');
      nesting--;
      return inner;
    }
    const left = parseOperand();
    if (peek().kind === 'op') {
      const op = take().text;
      return comparison(op, left, parseOperand());
    }
    if (token.kind === 'true' || token.kind === 'false') {
      const value = token.kind === 'true';
      return () => value;
    }
    if (token.kind === 'column') {
      return fail(`column ${JSON.stringify(token.text)} is not a condition; compare it, e.g. ${token.text} == "…"`, token.column);
    }
    return fail('expected a comparison operator (== != < <= > >=)', peek().column);
  };

  const parseOperand = (): Operand => {
    const token = peek();
    switch (token.kind) {
      case 'column': {
        take();
        columns.push({ name: token.text, column: token.column });
        const name = token.text;
        return { read: (get) => get(name), isConstant: false };
      }
      case 'number':
      case 'string':
      case 'true':
      case 'false': {
        take();
        const value = token.kind === 'number' ? Number(token.text) : token.text;
        return { read: () => value, constantNumber: parseNumber(value), isConstant: true };
      }
      case 'end':
        return fail('unexpected end of expression', token.column);
      default:
        return fail(`expected a column, number or string, found ${JSON.stringify(token.text)}`, token.column);
    }
  };

  const predicate = parseOr();
  if (peek().kind !== 'end') {
    fail(peek().kind === ')' ? 'unmatched ")"' : `expected "&&", "||" or the end, found ${JSON.stringify(peek().text)}`, peek().column);
  }
  return { predicate, columns };
}

// ---------------------------------------------------------------- semantics

/**
 * Numbers when both sides read as numbers (parseNumber: ' 42 ', '1e3', ISO dates), strings
 * otherwise. A missing cell makes every comparison false except `!=`.
 */
function comparison(op: string, left: Operand, right: Operand): RowPredicate {
  const test = ORDER_TESTS[op];
  return (get) => {
    const a = left.read(get);
    const b = right.read(get);
    if (isMissing(a) || isMissing(b)) return op === '!=';
    const x = left.isConstant ? left.constantNumber : parseNumber(a);
    const y = right.isConstant ? right.constantNumber : parseNumber(b);
    if (x !== undefined && y !== undefined) return test(x < y ? -1 : x > y ? 1 : 0);
    const s = asText(a);
    const t = asText(b);
    return test(s < t ? -1 : s > t ? 1 : 0);
  };
}

const ORDER_TESTS: Record<string, (order: number) => boolean> = {
  '==': (o) => o === 0,
  '!=': (o) => o !== 0,
  '<': (o) => o < 0,
  '<=': (o) => o <= 0,
  '>': (o) => o > 0,
  '>=': (o) => o >= 0,
};

function isMissing(value: unknown): boolean {
  return value === undefined || value === null;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}
