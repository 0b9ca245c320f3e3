import assert from 'node:assert/strict';
import { isDatasetFileName, parseDataset } from '../../src/engine/dataset';

describe('parseDataset', () => {
  it('chooses the parser by extension, case-insensitively', () => {
    assert.equal(parseDataset('a,b\n1,2\n', 'data.CSV').format, 'csv');
    assert.equal(parseDataset('{"a":1}\n', 'data.jsonl').format, 'jsonl');
    assert.equal(parseDataset('{"a":1}\n', 'data.ndjson').format, 'jsonl');
  });

  it('reads .tsv with tabs even when the header also has commas', () => {
    const ds = parseDataset('name,first\tage\nAda\t36\n', 'people.tsv');
    assert.deepEqual(ds.columns, ['name,first', 'age']);
    assert.equal(ds.cell(0, 'age'), '36');
  });

  it('sniffs other names: JSON Lines start with "{"', () => {
    assert.equal(parseDataset('\uFEFF  {"a":1}\n', 'export.txt').format, 'jsonl');
    assert.equal(parseDataset('a;b\n1;2\n', 'export.txt').format, 'csv');
    assert.deepEqual(parseDataset('a;b\n1;2\n', 'export').columns, ['a', 'b']);
  });
});

describe('isDatasetFileName', () => {
  it('accepts dataset extensions and refuses forget lists and others', () => {
    for (const name of ['a.csv', 'dir/b.TSV', 'c.jsonl', 'd.ndjson']) assert.equal(isDatasetFileName(name), true, name);
    for (const name of ['a.csv.forget.json', 'a.json', 'csv', 'a.csv.bak']) assert.equal(isDatasetFileName(name), false, name);
  });
});
