// What a forget-list change does, entry by entry: which rows were added to or removed from the
// list, whose reason changed, which turned stale, which now match another row. Pure (no git,
// no fs): `unlearn diff` and the editor's review view read the two sides however they can and
// pass them in, so both show the same thing.
//
// Entries are paired across the two sides by fingerprint (the row content they mean); several
// entries with one fingerprint (identical rows) pair up in order of their stored row number.

import { matchForgetList } from './forgetList';
import type { ForgetEntry, ForgetList, ForgetMatch, ModelSettings, ParsedDataset } from './types';

/** One side of the comparison: the dataset as it was, and its forget list then (none = no file). */
export interface DiffSide {
  dataset: ParsedDataset;
  list?: ForgetList;
  /** matchForgetList(list, dataset), when the caller has it already. */
  match?: ForgetMatch;
}

/**
 * - added: in head, not in base. removed: in base, not in head.
 * - reasonChanged: in both, another reason.
 * - turnedStale: matched a row at base, matches none at head (the row was edited or deleted).
 * - rematched: matches a row at head, and not the same row number as at base (rows inserted or
 *   deleted above, an identical row taken instead, or a stale entry found again).
 */
export type EntryChangeKind = 'added' | 'removed' | 'reasonChanged' | 'turnedStale' | 'rematched';

export const ENTRY_CHANGE_KINDS: readonly EntryChangeKind[] = ['added', 'removed', 'reasonChanged', 'turnedStale', 'rematched'];

/** A row shown to a reviewer: where it is and what it contains, shortened. */
export interface RowContent {
  /** 1-based data-row number. */
  row: number;
  /** 1-based file lines where the row starts and ends. */
  line: number;
  endLine: number;
  /** Column (CSV header or JSONL dot path) and value, each value shortened to `maxValueChars`. */
  cells: { column: string; value: string }[];
  /** `column=value, column=value…`, at most `maxChars` characters. Plain text: escape it for the medium. */
  preview: string;
}

/** The entry on one side: its index in that list, the entry, and its row (undefined = stale there). */
export interface EntrySide {
  entryIndex: number;
  entry: ForgetEntry;
  row?: RowContent;
}

export interface EntryChange {
  /** Every kind that applies (a re-matched entry may also have a new reason). Never empty. */
  kinds: EntryChangeKind[];
  fingerprint: string;
  /** The reason now (at base for a removed entry). */
  reason: string;
  /** The reason at base, when it changed. */
  previousReason?: string;
  /** When the entry was added (YYYY-MM-DD) and by whom, if the entry records it (`by`). */
  added: string;
  by?: string;
  base?: EntrySide;
  head?: EntrySide;
}

export interface ModelSettingChange {
  key: keyof ModelSettings;
  base: ModelSettings[keyof ModelSettings];
  head: ModelSettings[keyof ModelSettings];
}

export interface ForgetDiff {
  /** Head order (by head row), then removed entries in base order. */
  changes: EntryChange[];
  counts: Record<EntryChangeKind, number>;
  /** Entries in both lists with nothing to report. */
  unchanged: number;
  base: { entries: number; stale: number; unwantedRows: number };
  head: { entries: number; stale: number; unwantedRows: number };
  /** Differences in the lists' `model` blocks (the audit's settings). */
  model: ModelSettingChange[];
  /** Whether each side had a forget list at all. */
  baseHasList: boolean;
  headHasList: boolean;
}

export interface DiffOptions {
  /** Longest preview in characters (default 160). */
  maxChars?: number;
  /** Longest value of one cell in characters (default 40). */
  maxValueChars?: number;
}

/** Compares the forget list at base with the one at head, each matched against its own dataset. */
export function diffForgetLists(base: DiffSide, head: DiffSide, options: DiffOptions = {}): ForgetDiff {
  const sides = [base, head].map((side) => {
    const list = side.list;
    const entries = list?.entries ?? [];
    const match = side.match ?? (list ? matchForgetList(list, side.dataset) : undefined);
    const rowOf = (i: number): number => (match ? match.rowOfEntry[i] : -1);
    const describe = (i: number): EntrySide => {
      const r = rowOf(i);
      return { entryIndex: i, entry: entries[i], row: r >= 0 ? rowContent(side.dataset, r, options) : undefined };
    };
    return { entries, rowOf, describe, stale: match?.stale.length ?? 0, unwanted: match?.unwantedRows.length ?? 0 };
  });
  const [b, h] = sides;

  // Pair by fingerprint; within one fingerprint, in order of stored row number.
  const baseByFingerprint = new Map<string, number[]>();
  order(b.entries).forEach((i) => {
    const fp = b.entries[i].fingerprint;
    const list = baseByFingerprint.get(fp);
    if (list) list.push(i);
    else baseByFingerprint.set(fp, [i]);
  });

  const changes: EntryChange[] = [];
  let unchanged = 0;
  const pairedBase = new Set<number>();
  for (const hi of order(h.entries)) {
    const entry = h.entries[hi];
    const bi = baseByFingerprint.get(entry.fingerprint)?.shift();
    const kinds: EntryChangeKind[] = [];
    if (bi === undefined) {
      kinds.push('added');
    } else {
      pairedBase.add(bi);
      const baseEntry = b.entries[bi];
      const [rowBase, rowHead] = [b.rowOf(bi), h.rowOf(hi)];
      if (baseEntry.reason !== entry.reason) kinds.push('reasonChanged');
      if (rowBase >= 0 && rowHead < 0) kinds.push('turnedStale');
      if (rowHead >= 0 && rowHead !== rowBase) kinds.push('rematched');
    }
    if (kinds.length === 0) {
      unchanged++;
      continue;
    }
    const change: EntryChange = { kinds, fingerprint: entry.fingerprint, reason: entry.reason, ...who(entry), head: h.describe(hi) };
    if (bi !== undefined) {
      change.base = b.describe(bi);
      if (kinds.includes('reasonChanged')) change.previousReason = b.entries[bi].reason;
    }
    changes.push(change);
  }
  for (const bi of order(b.entries)) {
    if (pairedBase.has(bi)) continue;
    const entry = b.entries[bi];
    changes.push({ kinds: ['removed'], fingerprint: entry.fingerprint, reason: entry.reason, ...who(entry), base: b.describe(bi) });
  }

  const counts = Object.fromEntries(ENTRY_CHANGE_KINDS.map((k) => [k, 0])) as Record<EntryChangeKind, number>;
  for (const c of changes) for (const k of c.kinds) counts[k]++;
  return {
    changes,
    counts,
    unchanged,
    base: { entries: b.entries.length, stale: b.stale, unwantedRows: b.unwanted },
    head: { entries: h.entries.length, stale: h.stale, unwantedRows: h.unwanted },
    model: modelChanges(base.list?.model ?? {}, head.list?.model ?? {}),
    baseHasList: base.list !== undefined,
    headHasList: head.list !== undefined,
  };
}

/** The changes of one kind (a change with several kinds is in each of their lists). */
export function changesOfKind(diff: ForgetDiff, kind: EntryChangeKind): EntryChange[] {
  return diff.changes.filter((c) => c.kinds.includes(kind));
}

/** The row where a change is now (head), or where it was (base) for a removed or stale entry. */
export function changeRow(change: EntryChange): RowContent | undefined {
  return change.head?.row ?? change.base?.row;
}

/** Entry indices sorted by stored row (stable: ties keep file order). */
function order(entries: ForgetEntry[]): number[] {
  return entries.map((_, i) => i).sort((x, y) => entries[x].row - entries[y].row || x - y);
}

function who(entry: ForgetEntry): { added: string; by?: string } {
  return typeof entry.by === 'string' && entry.by !== '' ? { added: entry.added, by: entry.by } : { added: entry.added };
}

function modelChanges(base: ModelSettings, head: ModelSettings): ModelSettingChange[] {
  const keys: (keyof ModelSettings)[] = ['x', 'y', 'degree', 'sigma', 'lambda'];
  return keys.filter((k) => base[k] !== head[k]).map((key) => ({ key, base: base[key], head: head[key] }));
}

// ---------------------------------------------------------------- row content

/**
 * A row's cells for a reviewer: CSV by header, JSONL by flattened dot path (the dataset's
 * `columns`, as the model settings name them), empty and absent cells left out. Control and
 * bidirectional-override characters become spaces so a preview cannot reshape a terminal line.
 */
export function rowContent(ds: ParsedDataset, rowIndex: number, options: DiffOptions = {}): RowContent {
  const maxChars = options.maxChars ?? 160;
  const maxValueChars = options.maxValueChars ?? 40;
  const values = ds.rowValues(rowIndex);
  const cells: { column: string; value: string }[] = [];
  if (Array.isArray(values)) {
    values.forEach((cell, i) => {
      if (cell !== '') cells.push({ column: ds.columns[i] ?? `column ${i + 1}`, value: shorten(plain(cell), maxValueChars) });
    });
  } else {
    for (const column of ds.columns) {
      const cell = ds.cell(rowIndex, column);
      if (cell === undefined) continue;
      const text = typeof cell === 'string' ? cell : (JSON.stringify(cell) ?? String(cell));
      cells.push({ column, value: shorten(plain(text), maxValueChars) });
    }
  }
  const preview = shorten(cells.map((c) => `${plain(c.column)}=${c.value}`).join(', '), maxChars);
  return { row: rowIndex + 1, line: ds.lineOf(rowIndex), endLine: ds.endLineOf(rowIndex), cells, preview };
}

/** Folds line breaks, other control characters and bidi controls into single spaces. */
export function plain(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
}

/** At most `max` characters, ending in "…" when cut (not inside a surrogate pair). */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code < 0xdc00) end--;
  return text.slice(0, end) + '…';
}
