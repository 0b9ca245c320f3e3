import assert from 'node:assert/strict';
import { parseJsonl, resolvePath } from '../../src/engine/jsonl';

describe('parseJsonl', () => {
  it('reads one object per line, skipping blank lines, with CRLF and a BOM', () => {
    const ds = parseJsonl('\uFEFF{"id":1,"x":2}\r\n\r\n   \n{"id":2,"x":"3"}\r\n');
    assert.equal(ds.format, 'jsonl');
    assert.equal(ds.rowCount, 2);
    assert.deepEqual([ds.lineOf(0), ds.lineOf(1)], [1, 4]);
    assert.deepEqual([ds.endLineOf(1)], [4]);
    assert.equal(ds.cell(1, 'x'), '3');
    assert.deepEqual(ds.errors, []);
  });

  it('reports invalid JSON and non-objects with their lines and keeps the other rows', () => {
    const ds = parseJsonl('{"a":1}\n{"a":\n[1,2]\n{"a":2}\n42\nnull\n"s"\n');
    assert.equal(ds.rowCount, 2);
    assert.deepEqual([ds.lineOf(0), ds.lineOf(1)], [1, 4]);
    assert.deepEqual(
      ds.errors.map((e) => e.line),
      [2, 3, 5, 6, 7],
    );
    assert.match(ds.errors[0].message, /^not valid JSON: /);
    assert.equal(ds.errors[1].message, 'expected a JSON object, got an array');
    assert.equal(ds.errors[2].message, 'expected a JSON object, got a number');
    assert.equal(ds.errors[3].message, 'expected a JSON object, got null');
  });

  it('lists dot paths of leaf values in first-seen order and reads them', () => {
    const ds = parseJsonl(
      '{"id":1,"features":{"age":30,"tags":["a"]},"label":null}\n{"id":2,"extra":true,"features":{"age":41,"city":{"name":"Oslo"}}}\n',
    );
    assert.deepEqual(ds.columns, ['id', 'features.age', 'features.tags', 'label', 'extra', 'features.city.name']);
    assert.equal(ds.cell(0, 'features.age'), 30);
    assert.deepEqual(ds.cell(0, 'features.tags'), ['a']);
    assert.equal(ds.cell(1, 'features.city.name'), 'Oslo');
    assert.equal(ds.cell(0, 'extra'), undefined);
    assert.equal(ds.cell(0, 'label'), null);
  });

  it('prefers a literal key containing a dot over a nested path', () => {
    assert.equal(resolvePath({ 'a.b': 1, a: { b: 2 } }, 'a.b'), 1);
    assert.equal(resolvePath({ a: { b: 2 } }, 'a.b'), 2);
    assert.equal(resolvePath({ 'a.b': { c: 3 } }, 'a.b.c'), 3);
    assert.equal(resolvePath({ a: { 'b.c': 4 } }, 'a.b.c'), 4);
    assert.equal(resolvePath({ a: 1 }, 'a.b'), undefined);
    const ds = parseJsonl('{"a.b":1,"a":{"b":2}}\n');
    assert.equal(ds.cell(0, 'a.b'), 1);
  });

  it('fingerprints rows by content, whatever the key order', () => {
    const ds = parseJsonl('{"a":1,"b":{"c":2,"d":3}}\n{"b":{"d":3,"c":2},"a":1}\n{"a":1,"b":{"c":2,"d":4}}\n');
    assert.equal(ds.fingerprint(0), ds.fingerprint(1));
    assert.notEqual(ds.fingerprint(0), ds.fingerprint(2));
    assert.deepEqual(ds.rowValues(1), { b: { d: 3, c: 2 }, a: 1 });
  });
});
