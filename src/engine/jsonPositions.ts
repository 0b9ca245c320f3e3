// Strict JSON parsing that also says where things are. JSON.parse gives neither a reliable
// error position (V8's messages vary) nor the line of a value, and a hand-edited forget list
// needs both: "line 12: entry has no fingerprint" is what lets someone fix it.

import { partitionPoint } from './partitionPoint';

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** 1-based. */
    readonly line: number,
    /** 1-based. */
    readonly column: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export interface LocatedJson {
  value: unknown;
  /** 1-based line where each top-level member's value starts; members of a top-level object as "model.degree". */
  memberLines: Map<string, number>;
  /** For each top-level member holding an array: the 1-based line where each element starts. */
  elementLines: Map<string, number[]>;
}

/**
 * Deepest nesting of arrays and objects accepted. Every consumer of a parsed value (column
 * paths, fingerprints, the parser itself) walks it recursively; far deeper than any real
 * dataset or forget list, far shallower than the call stack.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * True when `text` (JSON) nests arrays/objects deeper than `max`: a linear scan outside
 * strings, to run before JSON.parse and recursive walks of its result. Text shorter than
 * `max` cannot nest that deep, so short lines cost nothing.
 */
export function jsonNestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    }
  }
  return false;
}

/** Parses `text` as JSON (RFC 8259); throws JsonSyntaxError at the first problem. */
export function parseJsonWithPositions(text: string): LocatedJson {
  return new LocatingParser(text).parseDocument();
}

const LITERALS = new Map<string | undefined, { word: string; value: boolean | null }>([
  ['t', { word: 'true', value: true }],
  ['f', { word: 'false', value: false }],
  ['n', { word: 'null', value: null }],
]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING_BODY = /(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*/y;

class LocatingParser {
  private pos = 0;
  private readonly lineStarts: number[] = [0];
  private readonly memberLines = new Map<string, number>();
  private readonly elementLines = new Map<string, number[]>();

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  parseDocument(): LocatedJson {
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    const value = this.parseValue(0, undefined);
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected text after the JSON value');
    return { value, memberLines: this.memberLines, elementLines: this.elementLines };
  }

  /** `member` is the top-level key this value belongs to, when it is an array element under it. */
  private parseValue(depth: number, member: string | undefined): unknown {
    this.skipSpace();
    const c = this.text[this.pos];
    if (depth >= MAX_JSON_DEPTH && (c === '{' || c === '[')) this.fail(`arrays and objects nested more than ${MAX_JSON_DEPTH} deep`);
    if (c === '{') return this.parseObject(depth, member);
    if (c === '[') return this.parseArray(depth, member);
    if (c === '"') return this.parseString();
    const literal = LITERALS.get(c);
    if (literal && this.text.startsWith(literal.word, this.pos)) {
      this.pos += literal.word.length;
      return literal.value;
    }
    NUMBER.lastIndex = this.pos;
    const number = NUMBER.exec(this.text);
    if (number) {
      this.pos += number[0].length;
      return Number(number[0]);
    }
    return this.fail(this.pos >= this.text.length ? 'unexpected end of file' : `unexpected ${JSON.stringify(c)}`);
  }

  /** `member`: the top-level key whose value this object is, if it is one. */
  private parseObject(depth: number, member: string | undefined): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    this.pos++; // {
    this.skipSpace();
    if (this.eat('}')) return object;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('expected a double-quoted property name');
      const key = this.parseString();
      this.skipSpace();
      if (!this.eat(':')) this.fail('expected ":" after the property name');
      this.skipSpace();
      if (depth === 0) this.memberLines.set(key, this.lineAt(this.pos));
      else if (member !== undefined) this.memberLines.set(`${member}.${key}`, this.lineAt(this.pos));
      const value = this.parseValue(depth + 1, depth === 0 ? key : undefined);
      // Assigning "__proto__" would set the prototype; JSON.parse keeps it as plain data.
      if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
      this.skipSpace();
      if (this.eat('}')) return object;
      if (!this.eat(',')) this.fail('expected "," or "}" after the property value');
    }
  }

  private parseArray(depth: number, member: string | undefined): unknown[] {
    const array: unknown[] = [];
    const lines: number[] = [];
    if (member !== undefined) this.elementLines.set(member, lines);
    this.pos++; // [
    this.skipSpace();
    if (this.eat(']')) return array;
    for (;;) {
      this.skipSpace();
      lines.push(this.lineAt(this.pos));
      array.push(this.parseValue(depth + 1, undefined));
      this.skipSpace();
      if (this.eat(']')) return array;
      if (!this.eat(',')) this.fail('expected "," or "]" after the array element');
    }
  }

  private parseString(): string {
    const open = this.pos;
    STRING_BODY.lastIndex = open + 1;
    STRING_BODY.exec(this.text);
    const close = STRING_BODY.lastIndex;
    if (this.text[close] !== '"') {
      this.pos = close;
      this.fail(close >= this.text.length || this.text[close] === '\n' ? 'unterminated string' : 'invalid character or escape in string');
    }
    this.pos = close + 1;
    return JSON.parse(this.text.slice(open, close + 1)) as string;
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return;
      this.pos++;
    }
  }

  private eat(char: string): boolean {
    if (this.text[this.pos] !== char) return false;
    this.pos++;
    return true;
  }

  private lineAt(offset: number): number {
    // The number of lines starting at or before the offset (lineStarts[0] is 0).
    return partitionPoint(this.lineStarts.length, (i) => this.lineStarts[i] > offset);
  }

  private fail(message: string): never {
    const line = this.lineAt(this.pos);
    throw new JsonSyntaxError(message, line, this.pos - this.lineStarts[line - 1] + 1);
  }
}
