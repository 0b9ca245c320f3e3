// The forget list (`<dataset>.forget.json`): which rows are unwanted and why. Entries find
// their rows by content fingerprint, so marks survive rows inserted above; the file is
// written one entry per line so a review diff shows one line per marked row.

import { UnlearnError } from './errors';
import { JsonSyntaxError, parseJsonWithPositions } from './jsonPositions';
import { MAX_DEGREE, MIN_DEGREE } from './polynomial';
import type { ForgetEntry, ForgetList, ForgetMatch, ModelSettings, ParsedDataset } from './types';
import { partitionPoint } from './partitionPoint';

export const FORGET_LIST_SUFFIX = '.forget.json';

/** 'a.csv' → 'a.csv.forget.json' (a path keeps its folder). */
export function forgetListFileName(datasetFileName: string): string {
  return datasetFileName + FORGET_LIST_SUFFIX;
}

export function emptyForgetList(datasetRelativePath: string, model: ModelSettings = {}): ForgetList {
  return { version: 1, dataset: datasetRelativePath, model: { ...model }, entries: [] };
}

// ---------------------------------------------------------------- reading

const LIST_KEYS = ['version', 'dataset', 'model', 'entries'];
const MODEL_KEYS = ['x', 'y', 'degree', 'sigma', 'lambda'];
const ENTRY_KEYS = ['row', 'line', 'fingerprint', 'reason', 'added'];
const FINGERPRINT = /^[0-9a-f]{16}$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Reads and checks a forget list; every problem is an UnlearnError with the file and line. */
export function parseForgetList(text: string, fileName: string): ForgetList {
  let located;
  try {
    located = parseJsonWithPositions(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new UnlearnError(`not valid JSON: ${error.message} (column ${error.column})`, fileName, error.line);
    }
    throw error;
  }
  const { value: top, memberLines, elementLines } = located;
  const fail = (message: string, line: number): never => {
    throw new UnlearnError(message, fileName, line);
  };
  if (!isRecord(top)) return fail('a forget list must be a JSON object', 1);
  const lineOf = (key: string): number => memberLines.get(key) ?? 1;

  if (top.version !== 1) {
    fail(top.version === undefined ? 'missing "version": 1' : `unsupported version ${JSON.stringify(top.version)}; this extension reads version 1`, lineOf('version'));
  }
  const dataset = top.dataset ?? datasetNameFrom(fileName);
  if (typeof dataset !== 'string') fail('"dataset" must be a string (the dataset path relative to this file)', lineOf('dataset'));
  const model = readModel(top.model, (message, key) => fail(`model: ${message}`, (key && memberLines.get(`model.${key}`)) || lineOf('model')));
  const rawEntries = top.entries ?? [];
  if (!Array.isArray(rawEntries)) return fail('"entries" must be an array', lineOf('entries'));
  const entryLines = elementLines.get('entries') ?? [];
  const entries = rawEntries.map((raw, i) => {
    const line = entryLines[i] ?? lineOf('entries');
    return readEntry(raw, (message) => fail(`entry ${i + 1}: ${message}`, line));
  });
  return { version: 1, dataset: dataset as string, model, entries, ...extraFields(top, LIST_KEYS) };
}

/** 'dir/a.csv.forget.json' → 'a.csv': the default when the file does not say. */
function datasetNameFrom(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  return base.endsWith(FORGET_LIST_SUFFIX) ? base.slice(0, -FORGET_LIST_SUFFIX.length) : base;
}

/** `fail` gets the offending key, so the message can point at its own line. */
function readModel(raw: unknown, fail: (message: string, key?: string) => never): ModelSettings {
  if (raw === undefined) return {};
  if (!isRecord(raw)) return fail('must be an object');
  for (const key of ['x', 'y'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') fail(`"${key}" must be a column name (a string)`, key);
  }
  if (raw.x !== undefined && raw.x === raw.y) fail(`"x" and "y" are the same column ${JSON.stringify(raw.x)}`, 'y');
  const degree = raw.degree;
  if (degree !== undefined && !(Number.isInteger(degree) && (degree as number) >= MIN_DEGREE && (degree as number) <= MAX_DEGREE)) {
    fail(`"degree" must be a whole number from ${MIN_DEGREE} to ${MAX_DEGREE}, got ${JSON.stringify(degree)}`, 'degree');
  }
  const sigma = raw.sigma;
  if (sigma !== undefined && sigma !== 'auto' && !(typeof sigma === 'number' && Number.isFinite(sigma) && sigma > 0)) {
    fail('"sigma" must be a positive number or "auto"', 'sigma');
  }
  const lambda = raw.lambda;
  if (lambda !== undefined && !(typeof lambda === 'number' && Number.isFinite(lambda) && lambda >= 0)) {
    fail('"lambda" must be a number ≥ 0', 'lambda');
  }
  return pick(raw, MODEL_KEYS) as ModelSettings;
}

function readEntry(raw: unknown, fail: (message: string) => never): ForgetEntry {
  if (!isRecord(raw)) return fail('must be an object');
  const { row, line, fingerprint, reason = '', added } = raw;
  if (typeof fingerprint !== 'string' || !FINGERPRINT.test(fingerprint)) {
    fail(fingerprint === undefined ? 'missing "fingerprint"' : `"fingerprint" must be 16 lowercase hex characters, got ${JSON.stringify(fingerprint)}`);
  }
  if (!isPositiveInteger(row)) fail(`"row" must be a data-row number ≥ 1, got ${JSON.stringify(row)}`);
  if (!isPositiveInteger(line)) fail(`"line" must be a file line number ≥ 1, got ${JSON.stringify(line)}`);
  if (typeof reason !== 'string') fail('"reason" must be a string');
  if (typeof added !== 'string' || !isCalendarDay(added)) fail(`"added" must be a date YYYY-MM-DD, got ${JSON.stringify(added)}`);
  return { ...(pick(raw, ENTRY_KEYS) as ForgetEntry), reason: reason as string };
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1;
}

function isCalendarDay(text: string): boolean {
  const m = DAY.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------- writing

/**
 * 2-space indent, `model` on one line, one entry per line sorted by row, unknown fields
 * after the known ones, trailing newline.
 */
export function serializeForgetList(list: ForgetList): string {
  const members = [
    `  "version": ${JSON.stringify(list.version)}`,
    `  "dataset": ${JSON.stringify(list.dataset)}`,
    `  "model": ${inlineObject(pick(list.model as Record<string, unknown>, MODEL_KEYS))}`,
  ];
  const entries = sortByRow(list.entries).map((entry) => `    ${inlineObject(pick(entry, ENTRY_KEYS))}`);
  members.push(entries.length === 0 ? '  "entries": []' : `  "entries": [\n${entries.join(',\n')}\n  ]`);
  for (const [key, value] of Object.entries(extraFields(list, LIST_KEYS))) {
    members.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}`);
  }
  return `{\n${members.join(',\n')}\n}\n`;
}

/** `{ "a": 1, "b": "x" }` on one line (undefined members left out, as JSON.stringify does). */
function inlineObject(object: Record<string, unknown>): string {
  const members = Object.entries(object)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  return members.length === 0 ? '{}' : `{ ${members.join(', ')} }`;
}

/** A copy with `known` keys first, in that order, then every other key in its own order. */
function pick(object: Record<string, unknown>, known: string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of known) if (object[key] !== undefined) result[key] = object[key];
  return Object.assign(result, extraFields(object, known));
}

/** The members not in `known` ("__proto__" dropped: it has no meaning here and assigning it is unsafe). */
function extraFields(object: Record<string, unknown>, known: string[]): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    if (!known.includes(key) && key !== '__proto__') extra[key] = object[key];
  }
  return extra;
}

function sortByRow(entries: ForgetEntry[]): ForgetEntry[] {
  return [...entries].sort((a, b) => a.row - b.row);
}

// ---------------------------------------------------------------- matching

/**
 * Which row each entry means. The row at `entry.row` is checked first (the usual case);
 * an entry whose content moved takes the free row with its fingerprint nearest the stored
 * row number. No row is claimed twice; an entry with no such row is stale (kept, never
 * re-pointed).
 */
export function matchForgetList(list: ForgetList, ds: ParsedDataset): ForgetMatch {
  const entries = list.entries;
  const rowOfEntry = new Int32Array(entries.length).fill(-1);
  const taken = new Uint8Array(ds.rowCount);
  const moved: number[] = [];
  entries.forEach((entry, i) => {
    const r = entry.row - 1;
    if (r >= 0 && r < ds.rowCount && !taken[r] && ds.fingerprint(r) === entry.fingerprint) {
      rowOfEntry[i] = r;
      taken[r] = 1;
    } else {
      moved.push(i);
    }
  });
  if (moved.length > 0) {
    const rowsByFingerprint = indexRows(ds, new Set(moved.map((i) => entries[i].fingerprint)));
    const freeByFingerprint = new Map<string, FreeRows>();
    for (const i of moved) {
      const fingerprint = entries[i].fingerprint;
      let free = freeByFingerprint.get(fingerprint);
      if (!free) {
        free = new FreeRows(rowsByFingerprint.get(fingerprint) ?? [], taken);
        freeByFingerprint.set(fingerprint, free);
      }
      const r = free.claimNearest(entries[i].row - 1);
      if (r >= 0) {
        rowOfEntry[i] = r;
        taken[r] = 1;
      }
    }
  }
  const stale: number[] = [];
  const unwantedRows: number[] = [];
  rowOfEntry.forEach((r, i) => (r < 0 ? stale.push(i) : unwantedRows.push(r)));
  unwantedRows.sort((a, b) => a - b);
  return { rowOfEntry, stale, unwantedRows };
}

/** Rows (ascending) of each wanted fingerprint: one pass over the dataset, done only when needed. */
function indexRows(ds: ParsedDataset, wanted: Set<string>): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  for (let r = 0; r < ds.rowCount; r++) {
    const fingerprint = ds.fingerprint(r);
    if (!wanted.has(fingerprint)) continue;
    const list = rows.get(fingerprint);
    if (list) list.push(r);
    else rows.set(fingerprint, [r]);
  }
  return rows;
}

/**
 * The free rows of one fingerprint (ascending). claimNearest takes the free row closest to a
 * target, the lower one on a tie. Scanning all candidates per entry made 100k entries on
 * identical rows quadratic (17 s); here the nearest free row at or above and below the target
 * come from "next free" links with path halving (union–find), so a claim costs O(log n).
 */
class FreeRows {
  /** up[i]: leads to the first free index ≥ i (rows.length if none). */
  private readonly up: Int32Array;
  /** down[p]: leads to the last free position ≤ p, where position p is index p − 1 (0: none). */
  private readonly down: Int32Array;

  constructor(
    private readonly rows: number[],
    taken: Uint8Array,
  ) {
    const n = rows.length;
    this.up = Int32Array.from({ length: n + 1 }, (_, i) => i);
    this.down = Int32Array.from({ length: n + 1 }, (_, p) => p);
    for (let i = 0; i < n; i++) if (taken[rows[i]]) this.remove(i);
  }

  claimNearest(target: number): number {
    const { rows } = this;
    const low = partitionPoint(rows.length, (i) => rows[i] >= target);
    const above = find(this.up, low);
    const below = find(this.down, low) - 1;
    const hasAbove = above < rows.length;
    if (!hasAbove && below < 0) return -1;
    // rows[below] < target ≤ rows[above]: on a tie the lower row, as the scan kept the first.
    const pick = !hasAbove || (below >= 0 && target - rows[below] <= rows[above] - target) ? below : above;
    this.remove(pick);
    return rows[pick];
  }

  private remove(i: number): void {
    this.up[i] = i + 1;
    this.down[i + 1] = i;
  }
}

/** The root of i's chain in a "next free" forest, halving the path as it goes. */
function find(links: Int32Array, i: number): number {
  while (links[i] !== i) {
    links[i] = links[links[i]];
    i = links[i];
  }
  return i;
}

// ---------------------------------------------------------------- editing

/** Adds an entry per row not already listed; a listed row keeps its entry and reason. */
export function addRows(list: ForgetList, ds: ParsedDataset, rowIndices: number[], reason: string, today: string): ForgetList {
  const listed = new Set(matchForgetList(list, ds).unwantedRows);
  const added: ForgetEntry[] = [];
  for (const r of rowIndices) {
    if (!(Number.isInteger(r) && r >= 0 && r < ds.rowCount)) {
      throw new UnlearnError(`row ${r + 1} does not exist (the dataset has ${ds.rowCount} rows)`);
    }
    if (listed.has(r)) continue;
    listed.add(r);
    added.push({ row: r + 1, line: ds.lineOf(r), fingerprint: ds.fingerprint(r), reason, added: today });
  }
  return { ...list, entries: sortByRow([...list.entries, ...added]) };
}

/** Removes the entries matched to these rows. */
export function removeRows(list: ForgetList, ds: ParsedDataset, rowIndices: number[]): ForgetList {
  const rows = new Set(rowIndices);
  const { rowOfEntry } = matchForgetList(list, ds);
  return { ...list, entries: list.entries.filter((_, i) => !rows.has(rowOfEntry[i])) };
}

/** Removes entries by index into list.entries (e.g. a stale entry's quick fix). */
export function removeEntries(list: ForgetList, entryIndices: number[]): ForgetList {
  const drop = new Set(entryIndices);
  return { ...list, entries: list.entries.filter((_, i) => !drop.has(i)) };
}
