// The export of wanted rows must remove exactly the rows the parser (and so the audit) saw
// as unwanted: checked by re-parsing the export and comparing fingerprints, for every kind
// of line ending and for quoted fields that span lines.

import assert from 'node:assert/strict';
import { parseDataset } from '../../src/engine/dataset';
import { withoutRows } from '../../src/engine/export';
import type { ParsedDataset } from '../../src/engine/types';
import { seededRandom } from './random';

function fingerprints(ds: ParsedDataset): string[] {
  return Array.from({ length: ds.rowCount }, (_, r) => ds.fingerprint(r));
}

/** Exports without `unwanted`, re-parses, and checks the multiset of fingerprints left. */
function checkExport(text: string, fileName: string, unwanted: number[]): string {
  const ds = parseDataset(text, fileName);
  const exported = withoutRows(text, ds, unwanted);
  const again = parseDataset(exported, fileName);
  const drop = new Set(unwanted);
  const expected = fingerprints(ds).filter((_, r) => !drop.has(r));
  assert.deepEqual(fingerprints(again), expected, `export of ${JSON.stringify(text)} without ${unwanted}`);
  assert.deepEqual(again.columns, ds.columns);
  // No unwanted fingerprint survives unless a wanted row has the same content.
  const kept = new Set(expected);
  for (const r of unwanted) if (!kept.has(ds.fingerprint(r))) assert.ok(!fingerprints(again).includes(ds.fingerprint(r)));
  return exported;
}

describe('withoutRows (export of the wanted rows)', () => {
  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['lone CR', '\r'],
  ]) {
    it(`removes exactly the unwanted rows with ${name} line endings, keeping the other bytes`, () => {
      const text = ['id,x,y', '1,1,2', '2,2,4', '3,3,6', '4,4,8'].join(eol) + eol;
      const out = checkExport(text, 'a.csv', [1, 3]);
      assert.equal(out, ['id,x,y', '1,1,2', '3,3,6'].join(eol) + eol);
    });

    it(`removes multi-line quoted rows whole with ${name} line endings`, () => {
      const text = ['id,note', `1,"two${eol}lines"`, `2,"say ""hi""${eol}${eol}and more"`, '3,plain', `4,"end${eol}"`].join(eol);
      checkExport(text, 'a.csv', [1]);
      checkExport(text, 'a.csv', [0, 3]);
      checkExport(text, 'a.csv', [2]);
      const out = checkExport(text, 'a.csv', [1, 3]);
      assert.equal(out, ['id,note', `1,"two${eol}lines"`, '3,plain', ''].join(eol));
    });
  }

  it('removes a row whose quoted field holds a lone CR (which the old line split on LF kept)', () => {
    const text = 'id,note\r1,"a\rb"\r2,c\r3,"d\re"\r';
    const out = checkExport(text, 'a.csv', [0, 2]);
    assert.equal(out, 'id,note\r2,c\r');
  });

  it('keeps the header, a BOM, blank lines and lines the parser could not read', () => {
    const text = '\uFEFFid,x\n\n1,"a"\n   \n2,b\n3,"unterminated\n4,d\n';
    const ds = parseDataset(text, 'a.csv');
    assert.equal(ds.rowCount, 3);
    const out = checkExport(text, 'a.csv', [0, 2]);
    assert.equal(out, '\uFEFFid,x\n\n   \n2,b\n3,"unterminated\n');
  });

  it('removes the last row when the file does not end with a line break, and quoted first and last cells', () => {
    checkExport('a,b\n"1",2\n3,"4"', 'a.csv', [1]);
    checkExport('a,b\n"1",2\n3,"4"', 'a.csv', [0]);
    checkExport('a,b\n"x"y,2\n3,"4"z', 'a.csv', [0, 1]);
    checkExport('a;b\r\n1;2\r\n3;4', 'a.csv', [1]);
  });

  it('removes JSONL rows, keeping invalid lines and CRLF endings', () => {
    const text = '{"x":1,"y":2}\r\n{"x":2,"y":3}\r\nnot json\r\n\r\n{"x":3,"y":5}';
    const out = checkExport(text, 'a.jsonl', [1, 2]);
    assert.equal(out, '{"x":1,"y":2}\r\nnot json\r\n\r\n');
  });

  it('agrees with the parser on generated files mixing line endings and quoted line breaks', () => {
    const random = seededRandom(8);
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
    for (let trial = 0; trial < 200; trial++) {
      const lines = ['id,x,note'];
      const rows = 1 + Math.floor(random() * 12);
      for (let r = 0; r < rows; r++) {
        const note = pick(['plain', '"q"', '"a, b"', '"two\nlines"', '"cr\rhere"', '"crlf\r\nin"', '"say ""x"""', '']);
        lines.push(`${r},${pick(['1', '"2"', ''])},${note}`);
      }
      let text = '';
      for (const line of lines) text += line + pick(['\n', '\r\n', '\r']);
      if (random() < 0.3) text = text.replace(/[\r\n]+$/, '');
      const unwanted = Array.from({ length: rows }, (_, r) => r).filter(() => random() < 0.4);
      checkExport(text, 'gen.csv', unwanted);
    }
  });
});
