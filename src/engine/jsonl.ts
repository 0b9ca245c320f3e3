// JSON Lines: one object per line. Bad lines are reported and skipped so one broken
// record does not hide the rest; rows are the valid objects, in file order.

import { fingerprintValues } from './fingerprint';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from './jsonPositions';
import { ParseIssueLog } from './parseIssues';
import type { ParsedDataset, ParseIssue } from './types';

type JsonObject = Record<string, unknown>;

export function parseJsonl(text: string): ParsedDataset {
  const rows: JsonObject[] = [];
  const lines: number[] = [];
  const log = new ParseIssueLog();
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 0;
  for (let pos = start; pos <= text.length; ) {
    const newline = text.indexOf('\n', pos);
    const end = newline < 0 ? text.length : newline;
    const source = text.slice(pos, end).trim(); // trim also drops the \r of CRLF
    line++;
    pos = end + 1;
    if (source === '') continue;
    const value = parseLine(source, line, log);
    if (value !== undefined) {
      rows.push(value);
      lines.push(line);
    }
  }
  return new JsonlDataset(rows, Int32Array.from(lines), log.finish());
}

function parseLine(source: string, line: number, log: ParseIssueLog): JsonObject | undefined {
  if (jsonNestsDeeperThan(source)) {
    log.add(line, `not read: arrays and objects nested more than ${MAX_JSON_DEPTH} deep`);
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    log.add(line, `not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
  if (isObject(value)) return value;
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  log.add(line, `expected a JSON object, got ${got}`);
  return undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class JsonlDataset implements ParsedDataset {
  readonly format = 'jsonl' as const;
  readonly columns: string[];
  readonly rowCount: number;

  constructor(
    private readonly rows: JsonObject[],
    private readonly lines: Int32Array,
    readonly errors: ParseIssue[],
  ) {
    this.rowCount = rows.length;
    this.columns = leafPaths(rows);
  }

  lineOf(rowIndex: number): number {
    return this.lines[rowIndex];
  }

  endLineOf(rowIndex: number): number {
    return this.lines[rowIndex];
  }

  cell(rowIndex: number, column: string): unknown {
    const row = this.rows[rowIndex];
    return row === undefined ? undefined : resolvePath(row, column);
  }

  rowValues(rowIndex: number): JsonObject {
    return this.rows[rowIndex] ?? {};
  }

  fingerprint(rowIndex: number): string {
    return fingerprintValues(this.rowValues(rowIndex));
  }
}

/** Dot paths of the leaf (non-object) values in the rows, in first-seen order. */
function leafPaths(rows: JsonObject[]): string[] {
  const seen = new Set<string>();
  const visit = (object: JsonObject, prefix: string): void => {
    for (const [key, value] of Object.entries(object)) {
      const path = prefix + key;
      if (isObject(value)) visit(value, `${path}.`);
      else seen.add(path);
    }
  };
  for (const row of rows) visit(row, '');
  return [...seen];
}

/**
 * The value at a dot path. A key that itself contains dots wins when it exists literally
 * (`{"a.b": 1}`), then the longest literal prefix is tried first.
 */
export function resolvePath(object: JsonObject, path: string): unknown {
  if (Object.hasOwn(object, path)) return object[path];
  for (let dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
    const head = path.slice(0, dot);
    const child = Object.hasOwn(object, head) ? object[head] : undefined;
    if (isObject(child)) {
      const value = resolvePath(child, path.slice(dot + 1));
      if (value !== undefined) return value;
    }
  }
  return undefined;
}
