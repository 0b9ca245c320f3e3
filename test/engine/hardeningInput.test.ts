// Issue 8, class 7: recursion and unbounded work on user input. Long chains work, deep nesting
// gets a sentence (never "Maximum call stack size exceeded"), and forget-list matching of many
// entries on identical rows stays near-linear with exactly the old results.

import assert from 'node:assert/strict';
import { UnlearnError } from '../../src/engine/errors';
import { matchForgetList, parseForgetList } from '../../src/engine/forgetList';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH, parseJsonWithPositions } from '../../src/engine/jsonPositions';
import { parseJsonl } from '../../src/engine/jsonl';
import type { ForgetEntry, ForgetList, ParsedDataset } from '../../src/engine/types';
import { compileWhere, MAX_WHERE_NESTING } from '../../src/engine/where';
import { expandRowRanges, parseRowRanges } from '../../src/engine/rowRanges';
import { seededRandom } from './random';

const row = (values: Record<string, unknown>) => (column: string) => values[column];

function whereError(expr: string): string {
  try {
    compileWhere(expr);
  } catch (e) {
    assert.ok(e instanceof UnlearnError, `not an UnlearnError: ${e}`);
    return e.message;
  }
  return assert.fail(`no error for an expression of ${expr.length} characters`);
}

describe('hardening: --where on hostile expressions', () => {
  it('a 12,000-term || chain and a 12,000-term && chain parse and evaluate', () => {
    const terms = Array.from({ length: 12_000 }, (_, i) => `a == ${i}`);
    const or = compileWhere(terms.join(' || '));
    assert.equal(or(row({ a: 11_999 })), true);
    assert.equal(or(row({ a: -1 })), false);
    const and = compileWhere(Array.from({ length: 12_000 }, () => 'a > 0').join(' && '));
    assert.equal(and(row({ a: 1 })), true);
    assert.equal(and(row({ a: 0 })), false);
  });

  it('100,000 ! in a row are read by parity, without recursion', () => {
    assert.equal(compileWhere('!'.repeat(100_000) + 'a == 1')(row({ a: 1 })), true);
    assert.equal(compileWhere('!'.repeat(100_001) + 'a == 1')(row({ a: 1 })), false);
    assert.equal(compileWhere('!'.repeat(99_999) + '(a == 1 || !!!b == 2)')(row({ a: 0, b: 3 })), false);
  });

  it('2,500 nested parentheses get a clear error with the column; the limit itself works', () => {
    const message = whereError('('.repeat(2_500) + 'a == 1' + ')'.repeat(2_500));
    assert.match(message, new RegExp(`^--where: parentheses nested more than ${MAX_WHERE_NESTING} deep at column ${MAX_WHERE_NESTING + 1}$`));
    const deepest = compileWhere('('.repeat(MAX_WHERE_NESTING) + '!a == 1' + ')'.repeat(MAX_WHERE_NESTING));
    assert.equal(deepest(row({ a: 2 })), true);
    // Nesting through ! and alternation counts the same.
    assert.match(whereError('(!'.repeat(2_500) + 'a == 1' + ')'.repeat(2_500)), /nested more than/);
  });

  it('keeps precedence and short-circuit semantics in flat chains', () => {
    const p = compileWhere('a == 1 || b == 2 && c == 3 || !(d == 4)');
    assert.equal(p(row({ a: 0, b: 2, c: 3, d: 4 })), true);
    assert.equal(p(row({ a: 0, b: 2, c: 0, d: 4 })), false);
    assert.equal(p(row({ a: 0, b: 0, c: 0, d: 5 })), true);
    const seen: string[] = [];
    compileWhere('a == 1 || b == 1 || c == 1')((column) => (seen.push(column), column === 'b' ? 1 : 0));
    assert.deepEqual(seen, ['a', 'b']);
  });
});

describe('hardening: deeply nested JSON', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it('jsonNestsDeeperThan counts brackets outside strings only', () => {
    assert.equal(jsonNestsDeeperThan(deep(MAX_JSON_DEPTH)), false);
    assert.equal(jsonNestsDeeperThan(deep(MAX_JSON_DEPTH + 1)), true);
    assert.equal(jsonNestsDeeperThan(JSON.stringify({ s: '['.repeat(10_000) + '\\"' })), false);
    assert.equal(jsonNestsDeeperThan('{"a":' + '{"b":'.repeat(300) + '1' + '}'.repeat(301)), true);
  });

  it('a forget list nested 10,000 deep is a syntax error with file and line', () => {
    const text = '{\n  "version": 1,\n  "entries": ' + deep(10_000) + '\n}\n';
    assert.throws(
      () => parseForgetList(text, 'd.csv.forget.json'),
      (e: unknown) =>
        e instanceof UnlearnError && e.file === 'd.csv.forget.json' && e.line === 3 && new RegExp(`nested more than ${MAX_JSON_DEPTH} deep`).test(e.message),
    );
    assert.doesNotThrow(() => parseJsonWithPositions(deep(MAX_JSON_DEPTH)));
  });

  it('a JSONL line nested 10,000 deep is reported at its line; the other rows are read', () => {
    const nested = '{"x": 1, "y": ' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) + '}';
    const ds = parseJsonl(['{"x": 1, "y": 2}', nested, '{"x": 2, "y": 3}'].join('\n'));
    assert.equal(ds.rowCount, 2);
    assert.deepEqual(ds.errors.map((e) => e.line), [2]);
    assert.match(ds.errors[0].message, /nested more than/);
    assert.deepEqual(ds.columns, ['x', 'y']);
  });
});

/** A dataset that is only fingerprints (all matching needs), with an explicit row count. */
function fingerprintDataset(fingerprints: string[]): ParsedDataset {
  return {
    format: 'csv',
    columns: [],
    rowCount: fingerprints.length,
    lineOf: (r) => r + 2,
    endLineOf: (r) => r + 2,
    cell: () => undefined,
    rowValues: () => [],
    fingerprint: (r) => fingerprints[r],
    errors: [],
  };
}

const fp = (k: number) => k.toString(16).padStart(16, '0');

function listOf(entries: Array<{ row: number; fingerprint: string }>): ForgetList {
  return {
    version: 1,
    dataset: 'd.csv',
    model: {},
    entries: entries.map((e): ForgetEntry => ({ ...e, line: e.row + 1, reason: '', added: '2026-12-01' })),
  };
}

/** The matching as it was (a scan over all candidates per moved entry): the reference. */
function referenceMatch(list: ForgetList, ds: ParsedDataset): Int32Array {
  const rowOfEntry = new Int32Array(list.entries.length).fill(-1);
  const taken = new Uint8Array(ds.rowCount);
  const moved: number[] = [];
  list.entries.forEach((entry, i) => {
    const r = entry.row - 1;
    if (r >= 0 && r < ds.rowCount && !taken[r] && ds.fingerprint(r) === entry.fingerprint) {
      rowOfEntry[i] = r;
      taken[r] = 1;
    } else moved.push(i);
  });
  for (const i of moved) {
    let best = -1;
    const target = list.entries[i].row - 1;
    for (let r = 0; r < ds.rowCount; r++) {
      if (ds.fingerprint(r) !== list.entries[i].fingerprint || taken[r]) continue;
      if (best < 0 || Math.abs(r - target) < Math.abs(best - target)) best = r;
    }
    if (best >= 0) {
      rowOfEntry[i] = best;
      taken[best] = 1;
    }
  }
  return rowOfEntry;
}

describe('hardening: forget-list matching of many entries on identical rows', () => {
  it('gives exactly the old results on random datasets and lists (duplicates, moved rows, stale entries)', () => {
    const random = seededRandom(8);
    const int = (n: number) => Math.floor(random() * n);
    for (let trial = 0; trial < 300; trial++) {
      const rows = 1 + int(60);
      const kinds = 1 + int(5);
      const ds = fingerprintDataset(Array.from({ length: rows }, () => fp(int(kinds))));
      const entries = Array.from({ length: int(2 * rows) }, () => ({
        row: 1 + int(rows + 10), // some beyond the end
        fingerprint: random() < 0.9 ? fp(int(kinds + 1)) : fp(99), // some stale
      }));
      const list = listOf(entries);
      assert.deepEqual(Array.from(matchForgetList(list, ds).rowOfEntry), Array.from(referenceMatch(list, ds)), `trial ${trial}`);
    }
  });

  it('matches 100,000 entries on 100,000 identical rows, each to its own row, ties to the lower row', () => {
    const n = 100_000;
    const ds = fingerprintDataset(Array.from({ length: n }, () => fp(1)));
    // Every entry claims row 1: the first gets it, the rest fan out to the nearest free rows.
    const list = listOf(Array.from({ length: n }, () => ({ row: 1, fingerprint: fp(1) })));
    const match = matchForgetList(list, ds);
    assert.equal(match.stale.length, 0);
    assert.deepEqual(Array.from(match.rowOfEntry.slice(0, 5)), [0, 1, 2, 3, 4]);
    assert.equal(new Set(match.rowOfEntry).size, n);
    // Centred claims: the tie between target − d and target + d goes to the lower row.
    const centred = matchForgetList(listOf(Array.from({ length: 5 }, () => ({ row: 50_001, fingerprint: fp(1) }))), ds);
    assert.deepEqual(Array.from(centred.rowOfEntry), [50_000, 49_999, 50_001, 49_998, 50_002]);
  });
});

describe('hardening: --unwanted-rows ranges', () => {
  it('are parsed without expanding, checked against the row count, and merged', () => {
    const ranges = parseRowRanges('5-7, 1-3,2-6,99999999999999999999');
    assert.equal(ranges.length, 4);
    assert.throws(
      () => expandRowRanges(ranges, 100, 'd.csv'),
      (e: unknown) => e instanceof UnlearnError && e.file === 'd.csv' && /row 99999999999999999999 does not exist: the dataset has 100 data rows/.test(e.message),
    );
    assert.deepEqual(expandRowRanges(ranges.slice(0, 3), 100, 'd.csv'), [0, 1, 2, 3, 4, 5, 6]);
    assert.throws(() => expandRowRanges(parseRowRanges('1-1000000000'), 100, 'd.csv'), /row 1000000000 does not exist/);
    assert.throws(() => expandRowRanges(parseRowRanges('200-300'), 100, 'd.csv'), /row 200 does not exist/);
    assert.throws(() => parseRowRanges('3-1'), /not a valid range/);
    assert.throws(() => parseRowRanges('0'), /not a valid range/);
    assert.throws(() => parseRowRanges('1e3'), /not a row number/);
    // 100,000 copies of the whole range expand to one entry per row.
    assert.equal(expandRowRanges(parseRowRanges(Array(100_000).fill('1-100').join(',')), 100, 'd.csv').length, 100);
  });
});
