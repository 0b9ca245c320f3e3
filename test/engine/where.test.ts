import assert from 'node:assert/strict';
import { parseCsv } from '../../src/engine/csv';
import { UnlearnError } from '../../src/engine/errors';
import { parseJsonl } from '../../src/engine/jsonl';
import { compileWhere, selectRowsWhere } from '../../src/engine/where';

function matches(expr: string, row: Record<string, unknown>): boolean {
  return compileWhere(expr)((column) => row[column]);
}

function whereError(expr: string): string {
  try {
    compileWhere(expr);
  } catch (error) {
    assert.ok(error instanceof UnlearnError);
    return error.message;
  }
  return assert.fail(`no error for ${expr}`);
}

describe('compileWhere', () => {
  it('compares numerically when both sides are numbers, as strings otherwise', () => {
    assert.equal(matches('x > 9', { x: '10' }), true); // "10" < "9" as strings
    assert.equal(matches('x == 1', { x: ' 1.0 ' }), true);
    assert.equal(matches('name > "B"', { name: 'Carl' }), true);
    assert.equal(matches('name < "B"', { name: 'Carl' }), false);
    assert.equal(matches('code == "007"', { code: '7' }), true);
    assert.equal(matches('code == "abc"', { code: 'abc' }), true);
    assert.equal(matches('code != "abc"', { code: 'ABC' }), true);
    assert.equal(matches('when >= "2024-03-01"', { when: '2024-11-02' }), true);
    assert.equal(matches('x >= -2.5e1', { x: -25 }), true);
  });

  it('makes every comparison with a missing cell false except !=', () => {
    for (const op of ['==', '<', '<=', '>', '>=']) assert.equal(matches(`x ${op} 1`, {}), false, op);
    assert.equal(matches('x != 1', {}), true);
    assert.equal(matches('x == ""', { x: '' }), true);
  });

  it('gives && precedence over ||, and honours ! and parentheses', () => {
    const row = { a: '1', b: '0', c: '1' };
    assert.equal(matches('a == 1 || b == 1 && c == 0', row), true);
    assert.equal(matches('(a == 1 || b == 1) && c == 0', row), false);
    assert.equal(matches('!(a == 1) || c == 1', row), true);
    assert.equal(matches('!a == 1', row), false);
    assert.equal(matches('!!(a == 1)', row), true);
    assert.equal(matches('true && !false', row), true);
  });

  it('reads strings with both quotes and escapes, and backquoted column names', () => {
    assert.equal(matches(`s == 'it\\'s'`, { s: "it's" }), true);
    assert.equal(matches('s == "a\\"b\\\\c"', { s: 'a"b\\c' }), true);
    assert.equal(matches('`Miles per gallon` > 30', { 'Miles per gallon': '31.5' }), true);
    assert.equal(matches('features.age >= 18', { 'features.age': 18 }), true);
    assert.equal(matches('flag == true', { flag: true }), true);
  });

  it('says where a syntax error is', () => {
    assert.equal(whereError('(a == 1 && b == 2'), '--where: expected ")" at column 18');
    assert.equal(whereError('a = 1'), '--where: use "==" to compare at column 3');
    assert.equal(whereError('a == 1)'), '--where: unmatched ")" at column 7');
    assert.equal(whereError('a == "x'), '--where: unterminated string (add the closing ") at column 6');
    assert.equal(whereError('a == 1 &&'), '--where: unexpected end of expression at column 10');
    assert.equal(whereError('a == 1 b == 2'), '--where: expected "&&", "||" or the end, found "b" at column 8');
    assert.match(whereError('x && y == 1'), /column "x" is not a condition.* at column 1$/);
    assert.match(whereError('a == 1 # 2'), /unexpected "#" at column 8/);
  });

  it('never evaluates code', () => {
    assert.match(whereError('process.exit(1)'), /--where: /);
    assert.match(whereError('a == constructor.constructor("x")()'), /--where: /);
  });
});

describe('selectRowsWhere', () => {
  it('returns the matching rowIndex values', () => {
    const ds = parseCsv('Origin,Horsepower,Miles per gallon\nUSA,165,15\nJapan,95,24\nUSA,150,18\nUSA,220,14\n');
    assert.deepEqual(selectRowsWhere(ds, 'Origin == "USA" && Horsepower > 150'), [0, 3]);
    assert.deepEqual(selectRowsWhere(ds, '`Miles per gallon` >= 18'), [1, 2]);
  });

  it('walks JSONL dot paths', () => {
    const ds = parseJsonl('{"f":{"age":17}}\n{"f":{"age":30}}\n{"g":1}\n');
    assert.deepEqual(selectRowsWhere(ds, 'f.age >= 18'), [1]);
    assert.deepEqual(selectRowsWhere(ds, 'f.age != 17'), [1, 2]);
  });

  it('refuses an unknown column before evaluating, listing the columns', () => {
    const ds = parseCsv('a,b\n1,2\n');
    assert.throws(() => selectRowsWhere(ds, 'a == 1 || zz > 2'), {
      message: '--where: no column "zz" at column 11; columns are a, b',
    });
  });
});
