import assert from 'node:assert/strict';
import { describeColumns, extractXY, parseIsoDate, parseNumber, readShortDecimal } from '../../src/engine/columns';
import { parseCsv } from '../../src/engine/csv';
import { UnlearnError } from '../../src/engine/errors';
import { parseJsonl } from '../../src/engine/jsonl';

describe('parseNumber', () => {
  const accepted: Array<[unknown, number]> = [
    [42, 42],
    [-0.5, -0.5],
    ['1e-3', 0.001],
    ['-0.5', -0.5],
    [' 42 ', 42],
    ['+3', 3],
    ['.5', 0.5],
    ['5.', 5],
    ['007', 7],
    ['1E3', 1000],
    ['\t-12.25\r\n', -12.25],
  ];
  const refused: unknown[] = ['', '   ', 'NaN', 'Infinity', '-Infinity', '0x10', '0b1', '0o7', '1,5', '12abc', '1_000', '--1', NaN, Infinity, true, null, undefined, {}, [1]];

  for (const [input, expected] of accepted) {
    it(`reads ${JSON.stringify(input)} as ${expected}`, () => assert.equal(parseNumber(input), expected));
  }
  it('refuses non-numbers', () => {
    for (const input of refused) assert.equal(parseNumber(input), undefined, String(JSON.stringify(input)));
  });

  it('reads ISO-8601 dates as fractional years in UTC with the real year length', () => {
    assert.equal(parseNumber('2024-01-01'), 2024);
    assert.equal(parseNumber('2024-07-02'), 2024.5); // 2024 is a leap year: 183 of 366 days
    assert.equal(parseNumber('2023-07-02T12:00:00Z'), 2023 + 182.5 / 365);
    assert.equal(parseNumber('2024-03-01T12:00:00+02:00'), parseNumber('2024-03-01T10:00:00Z'));
    assert.equal(parseNumber('2024-12-31T23:30:00-01:00'), parseNumber('2025-01-01T00:30:00Z'));
    assert.equal(parseNumber('2024-03-01T10:00:00.500Z')! > parseNumber('2024-03-01T10:00:00Z')!, true);
  });

  it('refuses impossible dates', () => {
    for (const text of ['2023-02-29', '2024-13-01', '2024-00-10', '2024-01-01T24:00:00Z', '2024-1-1']) {
      assert.equal(parseIsoDate(text), undefined, text);
    }
    assert.equal(parseIsoDate('2024-02-29'), 2024 + 59 / 366);
  });
});

describe('readShortDecimal', () => {
  it('agrees with Number() on plain decimals and declines everything else', () => {
    for (const text of ['0', '-0', '12', '-3.25', '0.1', '123456789.012345', '+7', '1.']) {
      assert.equal(readShortDecimal(text, 0, text.length), Number(text), text);
    }
    for (const text of ['', '-', '.', '1e5', '1.2.3', ' 1', '1234567890123456', 'abc']) {
      assert.ok(Number.isNaN(readShortDecimal(text, 0, text.length)), text);
    }
    assert.equal(readShortDecimal('x,42,y', 2, 4), 42);
  });

  it('matches Number() on many random decimals', () => {
    for (let i = 0; i < 2000; i++) {
      const text = (Math.random() * 10 ** Math.floor(Math.random() * 8)).toFixed(Math.floor(Math.random() * 8));
      assert.equal(readShortDecimal(text, 0, text.length), Number(text), text);
    }
  });
});

describe('describeColumns', () => {
  it('classifies numeric, date, text and empty columns from non-empty cells', () => {
    const ds = parseCsv('n,d,t,e,mixed\n1,2024-01-01,a,,1\n 2.5 ,2024-02-01T10:00:00Z,3,,2024-01-01\n,,,,\n');
    assert.deepEqual(
      describeColumns(ds).map((c) => `${c.name}:${c.kind}`),
      ['n:numeric', 'd:date', 't:text', 'e:empty', 'mixed:text'],
    );
  });

  it('keeps a numeric column with a few stray values numeric, but not one that is mostly text', () => {
    const mostlyNumbers = parseCsv('v\n' + Array.from({ length: 30 }, (_, i) => (i === 7 ? 'n/a' : String(i))).join('\n'));
    assert.equal(describeColumns(mostlyNumbers)[0].kind, 'numeric');
    const halfText = parseCsv('v\n' + Array.from({ length: 30 }, (_, i) => (i % 2 ? 'n/a' : String(i))).join('\n'));
    assert.equal(describeColumns(halfText)[0].kind, 'text');
  });

  it('classifies JSONL values: numbers, booleans, nested leaves', () => {
    const ds = parseJsonl('{"n":1,"b":true,"r":{"t":2.5},"s":"2024-01-01"}\n{"n":"2","b":false,"r":{"t":null},"s":"2024-02-01"}\n');
    assert.deepEqual(
      describeColumns(ds).map((c) => c.kind),
      ['numeric', 'text', 'numeric', 'date'],
    );
  });
});

describe('extractXY', () => {
  it('keeps the rows where both parse and lists the first skipped rows with reasons', () => {
    const ds = parseCsv('x,y\n1,2\n,3\n4,abc\n5,6\n7\n2024-01-01,8\n');
    const xy = extractXY(ds, 'x', 'y');
    assert.deepEqual(Array.from(xy.xs), [1, 5, 2024]);
    assert.deepEqual(Array.from(xy.ys), [2, 6, 8]);
    assert.deepEqual(Array.from(xy.rowIndex), [0, 3, 5]);
    assert.equal(xy.skippedCount, 3);
    assert.deepEqual(xy.skipped, [
      { row: 2, line: 3, message: 'x is missing' },
      { row: 3, line: 4, message: 'y "abc" is not a number' },
      { row: 5, line: 6, message: 'y is missing' },
    ]);
  });

  it('keeps at most ten skipped rows but counts all of them', () => {
    const ds = parseCsv('x,y\n' + 'a,1\n'.repeat(25) + '1,1\n');
    const xy = extractXY(ds, 'x', 'y');
    assert.equal(xy.skippedCount, 25);
    assert.equal(xy.skipped.length, 10);
    assert.equal(xy.xs.length, 1);
  });

  it('reads quoted, escaped and JSONL cells the same way', () => {
    const csv = extractXY(parseCsv('x,y\n"1.5"," 2 "\n'), 'x', 'y');
    assert.deepEqual([csv.xs[0], csv.ys[0]], [1.5, 2]);
    const jsonl = extractXY(parseJsonl('{"f":{"x":1},"y":"2"}\n{"f":{"x":true},"y":3}\n'), 'f.x', 'y');
    assert.deepEqual(Array.from(jsonl.xs), [1]);
    assert.deepEqual(jsonl.skipped, [{ row: 2, line: 2, message: 'x "true" is not a number' }]);
  });

  it('refuses an unknown column, listing the columns', () => {
    const ds = parseCsv('a,b,c\n1,2,3\n');
    assert.throws(
      () => extractXY(ds, 'a', 'foo'),
      (error: unknown) => error instanceof UnlearnError && error.message === 'no column "foo"; columns are a, b, c',
    );
  });
});
