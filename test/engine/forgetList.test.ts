import assert from 'node:assert/strict';
import { parseCsv } from '../../src/engine/csv';
import { UnlearnError } from '../../src/engine/errors';
import {
  addRows,
  emptyForgetList,
  forgetListFileName,
  matchForgetList,
  parseForgetList,
  removeEntries,
  removeRows,
  serializeForgetList,
} from '../../src/engine/forgetList';
import type { ForgetList } from '../../src/engine/types';

const TODAY = '2026-11-23';
const HEADER = 'id,x,y';

function csv(...rows: string[]) {
  return parseCsv([HEADER, ...rows].join('\n') + '\n');
}

function errorOf(text: string): UnlearnError {
  try {
    parseForgetList(text, 'paper.csv.forget.json');
  } catch (error) {
    assert.ok(error instanceof UnlearnError, String(error));
    return error;
  }
  return assert.fail('no error');
}

describe('forget list file', () => {
  it('names the file after the dataset', () => {
    assert.equal(forgetListFileName('a.csv'), 'a.csv.forget.json');
    assert.equal(forgetListFileName('data/b.jsonl'), 'data/b.jsonl.forget.json');
  });

  it('serializes one entry per line, sorted by row, model on one line, trailing newline', () => {
    const list: ForgetList = {
      ...emptyForgetList('paper.csv', { x: 'x', y: 'y', degree: 3, sigma: 'auto', lambda: 1 }),
      entries: [
        { row: 42, line: 43, fingerprint: '0000000000000002', reason: 'dup', added: TODAY },
        { row: 41, line: 42, fingerprint: '9f2c0a1b3d4e5f60', reason: 'sensor fault', added: TODAY },
      ],
    };
    assert.equal(
      serializeForgetList(list),
      [
        '{',
        '  "version": 1,',
        '  "dataset": "paper.csv",',
        '  "model": { "x": "x", "y": "y", "degree": 3, "sigma": "auto", "lambda": 1 },',
        '  "entries": [',
        '    { "row": 41, "line": 42, "fingerprint": "9f2c0a1b3d4e5f60", "reason": "sensor fault", "added": "2026-11-23" },',
        '    { "row": 42, "line": 43, "fingerprint": "0000000000000002", "reason": "dup", "added": "2026-11-23" }',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
    assert.equal(serializeForgetList(emptyForgetList('a.csv')), '{\n  "version": 1,\n  "dataset": "a.csv",\n  "model": {},\n  "entries": []\n}\n');
  });

  it('round-trips unknown fields after the known ones', () => {
    const text = [
      '{',
      '  "owner": "data-team",',
      '  "entries": [',
      '    { "ticket": "GDPR-7", "added": "2026-01-02", "fingerprint": "0123456789abcdef", "line": 3, "row": 2 }',
      '  ],',
      '  "dataset": "d.csv",',
      '  "model": { "degree": 2, "note": "try 3" },',
      '  "version": 1,',
      '  "review": { "by": ["ann", "bo"] }',
      '}',
    ].join('\n');
    const list = parseForgetList(text, 'd.csv.forget.json');
    assert.equal(list.entries[0].reason, '');
    const written = serializeForgetList(list);
    assert.equal(
      written,
      [
        '{',
        '  "version": 1,',
        '  "dataset": "d.csv",',
        '  "model": { "degree": 2, "note": "try 3" },',
        '  "entries": [',
        '    { "row": 2, "line": 3, "fingerprint": "0123456789abcdef", "reason": "", "added": "2026-01-02", "ticket": "GDPR-7" }',
        '  ],',
        '  "owner": "data-team",',
        '  "review": {',
        '    "by": [',
        '      "ann",',
        '      "bo"',
        '    ]',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    assert.equal(serializeForgetList(parseForgetList(written, 'd.csv.forget.json')), written);
  });

  it('defaults a missing model, dataset name and reason', () => {
    const list = parseForgetList('{"version":1,"entries":[]}', 'dir/paper.csv.forget.json');
    assert.deepEqual(list, { version: 1, dataset: 'paper.csv', model: {}, entries: [] });
  });

  it('reports invalid JSON at the line of the syntax error', () => {
    const error = errorOf('{\n  "version": 1,\n  "entries": [\n    { "row": 1 }\n    { "row": 2 }\n  ]\n}\n');
    assert.equal(error.line, 5);
    assert.equal(error.file, 'paper.csv.forget.json');
    assert.match(error.message, /^not valid JSON: expected "," or "]"/);
    assert.equal(errorOf('{"version": 1,\n"entries": [\n').line, 3);
    assert.equal(errorOf('{"version": 1,\n"dataset": "a\nb"}').line, 2);
  });

  it('reads what JSON.parse reads, and refuses what it refuses', () => {
    const text = '\uFEFF{ "version": 1, "dataset": "a\\u00e9\\n.csv", "entries": [], "x": [1.5e2, -0, true, null, {"__proto__": 1}] }';
    const list = parseForgetList(text, 'f');
    assert.equal(list.dataset, 'aé\n.csv');
    assert.deepEqual(list.x, JSON.parse(text.slice(1)).x);
    assert.equal(Object.getPrototypeOf((list.x as unknown[])[4]), Object.prototype);
    for (const bad of ['{"version": 1} x', '{"version": 01}', "{'version': 1}", '{"version": 1,}', '{"a": "\t"}', '']) {
      assert.throws(() => JSON.parse(bad));
      assert.throws(() => parseForgetList(bad, 'f'), UnlearnError, bad);
    }
  });

  it('reports wrong shapes at the line of the entry or member', () => {
    const entry = (fields: string) => `{\n  "version": 1,\n  "entries": [\n    { "row": 1, "line": 2, "fingerprint": "0123456789abcdef", "added": "2026-01-01" },\n    ${fields}\n  ]\n}\n`;
    const missing = errorOf(entry('{ "row": 2, "line": 3, "added": "2026-01-01" }'));
    assert.deepEqual([missing.line, missing.message], [5, 'entry 2: missing "fingerprint"']);
    assert.equal(errorOf(entry('{ "row": 2, "line": 3, "fingerprint": "0123456789ABCDEF", "added": "2026-01-01" }')).line, 5);
    assert.match(errorOf(entry('{ "row": 0, "line": 3, "fingerprint": "0123456789abcdef", "added": "2026-01-01" }')).message, /"row" must be/);
    assert.match(errorOf(entry('{ "row": 2, "line": 3, "fingerprint": "0123456789abcdef", "added": "2026-02-30" }')).message, /"added" must be a date/);
    assert.match(errorOf(entry('{ "row": 2, "line": 3, "fingerprint": "0123456789abcdef", "added": "yesterday" }')).message, /"added"/);
    assert.match(errorOf(entry('{ "row": 2, "line": 3, "fingerprint": "0123456789abcdef", "added": "2026-01-01", "reason": 5 }')).message, /"reason"/);
    assert.match(errorOf(entry('"just a string"')).message, /entry 2: must be an object/);
    const version = errorOf('{\n  "entries": [],\n  "version": 2\n}');
    assert.deepEqual([version.line, version.message], [3, 'unsupported version 2; this extension reads version 1']);
    assert.equal(errorOf('{\n  "version": 1,\n  "entries": {}\n}').line, 3);
    assert.match(errorOf('{"version": 1, "entries": [], "model": {"sigma": -1}}').message, /model: "sigma"/);
    assert.match(errorOf('[]').message, /must be a JSON object/);
  });
});

describe('matchForgetList', () => {
  const base = csv('1,0.5,2', '2,1.5,3', '3,2.5,4', '4,3.5,5');

  it('matches entries at their stored rows', () => {
    const list = addRows(emptyForgetList('d.csv'), base, [2, 0], 'bad', TODAY);
    assert.deepEqual(
      list.entries.map((e) => [e.row, e.line]),
      [
        [1, 2],
        [3, 4],
      ],
    );
    const match = matchForgetList(list, base);
    assert.deepEqual(Array.from(match.rowOfEntry), [0, 2]);
    assert.deepEqual(match.unwantedRows, [0, 2]);
    assert.deepEqual(match.stale, []);
  });

  it('follows rows when rows are inserted above or deleted', () => {
    const list = addRows(emptyForgetList('d.csv'), base, [1, 3], 'bad', TODAY);
    const inserted = csv('0,9,9', '0,8,8', '1,0.5,2', '2,1.5,3', '3,2.5,4', '4,3.5,5');
    assert.deepEqual(matchForgetList(list, inserted).unwantedRows, [3, 5]);
    const deleted = csv('2,1.5,3', '4,3.5,5');
    assert.deepEqual(matchForgetList(list, deleted).unwantedRows, [0, 1]);
  });

  it('reports entries whose row is gone as stale without re-pointing them', () => {
    const list = addRows(emptyForgetList('d.csv'), base, [0, 2], 'bad', TODAY);
    const edited = csv('1,0.5,2', '2,1.5,3', '3,2.5,999', '4,3.5,5');
    const match = matchForgetList(list, edited);
    assert.deepEqual(match.stale, [1]);
    assert.deepEqual(Array.from(match.rowOfEntry), [0, -1]);
    assert.deepEqual(match.unwantedRows, [0]);
  });

  it('lets identical rows be claimed once each, choosing the nearest stored row', () => {
    const dup = csv('7,1,1', '5,0,0', '7,1,1', '6,0,0', '7,1,1');
    const list = addRows(emptyForgetList('d.csv'), dup, [2, 4], 'dup', TODAY);
    assert.deepEqual(matchForgetList(list, dup).unwantedRows, [2, 4]);
    // Delete the row above the first copy: all copies move up one; the nearest free copies win.
    const shifted = csv('7,1,1', '7,1,1', '6,0,0', '7,1,1');
    const match = matchForgetList(list, shifted);
    assert.deepEqual(match.unwantedRows, [1, 3]);
    assert.deepEqual(match.stale, []);
    // Only one copy left: one entry keeps it, the other is stale.
    const one = csv('5,0,0', '7,1,1');
    assert.deepEqual(matchForgetList(list, one).unwantedRows, [1]);
    assert.equal(matchForgetList(list, one).stale.length, 1);
  });

  it('never lets two entries claim the same row', () => {
    const dup = csv('7,1,1', '7,1,1');
    const list = addRows(emptyForgetList('d.csv'), dup, [0, 1], 'dup', TODAY);
    const single = csv('7,1,1');
    const match = matchForgetList(list, single);
    assert.deepEqual(match.unwantedRows, [0]);
    assert.deepEqual(match.stale, [1]);
  });
});

describe('editing a forget list', () => {
  const ds = csv('1,0.5,2', '2,1.5,3', '3,2.5,4');

  it('adds rows once, keeping the first reason', () => {
    const once = addRows(emptyForgetList('d.csv'), ds, [1], 'first reason', TODAY);
    const twice = addRows(once, ds, [1, 2, 2], 'second reason', '2026-12-01');
    assert.deepEqual(
      twice.entries.map((e) => [e.row, e.reason, e.added, e.fingerprint === ds.fingerprint(e.row - 1)]),
      [
        [2, 'first reason', TODAY, true],
        [3, 'second reason', '2026-12-01', true],
      ],
    );
    assert.throws(() => addRows(once, ds, [3], 'x', TODAY), /row 4 does not exist/);
  });

  it('removes the entries of rows, also after the rows moved', () => {
    const list = addRows(emptyForgetList('d.csv'), ds, [0, 2], 'bad', TODAY);
    assert.deepEqual(
      removeRows(list, ds, [2]).entries.map((e) => e.row),
      [1],
    );
    const inserted = csv('0,0,0', '1,0.5,2', '2,1.5,3', '3,2.5,4');
    assert.deepEqual(
      removeRows(list, inserted, [1]).entries.map((e) => e.row),
      [3],
    );
  });

  it('removes entries by index, leaving the list it was given unchanged', () => {
    const list = addRows(emptyForgetList('d.csv'), ds, [0, 1, 2], 'bad', TODAY);
    const fewer = removeEntries(list, [1]);
    assert.deepEqual(
      fewer.entries.map((e) => e.row),
      [1, 3],
    );
    assert.equal(list.entries.length, 3);
  });
});
