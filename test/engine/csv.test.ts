import assert from 'node:assert/strict';
import { parseCsv } from '../../src/engine/csv';
import { fingerprintValues } from '../../src/engine/fingerprint';
import type { ParsedDataset } from '../../src/engine/types';

function rows(ds: ParsedDataset): unknown[] {
  return Array.from({ length: ds.rowCount }, (_, r) => ds.rowValues(r));
}

function lines(ds: ParsedDataset): Array<[number, number]> {
  return Array.from({ length: ds.rowCount }, (_, r) => [ds.lineOf(r), ds.endLineOf(r)]);
}

describe('parseCsv', () => {
  it('reads a header and rows, addressing cells by column name', () => {
    const ds = parseCsv('id,x,y\n1,2.5,3\n2,4,5\n');
    assert.equal(ds.format, 'csv');
    assert.deepEqual(ds.columns, ['id', 'x', 'y']);
    assert.equal(ds.rowCount, 2);
    assert.equal(ds.cell(1, 'x'), '4');
    assert.equal(ds.cell(0, 'nope'), undefined);
    assert.equal(ds.cell(5, 'x'), undefined);
    assert.deepEqual(ds.errors, []);
  });

  it('unquotes fields with delimiters, doubled quotes and empty strings', () => {
    const ds = parseCsv('a,b,c\n"x,y","say ""hi""",""\n,,\n');
    assert.deepEqual(rows(ds), [['x,y', 'say "hi"', ''], ['', '', '']]);
  });

  it('keeps a quoted newline inside the cell and reports the row first and last lines', () => {
    const ds = parseCsv('id,note\n1,"two\nlines"\n2,"three\r\nline\nnote"\n3,plain\n');
    assert.deepEqual(rows(ds), [['1', 'two\nlines'], ['2', 'three\r\nline\nnote'], ['3', 'plain']]);
    assert.deepEqual(lines(ds), [[2, 3], [4, 6], [7, 7]]);
  });

  it('treats CRLF, LF and a mix the same and strips a BOM', () => {
    const lf = parseCsv('a,b\n1,2\n3,4\n');
    const crlf = parseCsv('\uFEFFa,b\r\n1,2\r\n3,4\r\n');
    const mixed = parseCsv('a,b\r\n1,2\n3,4');
    for (const ds of [crlf, mixed]) {
      assert.deepEqual(ds.columns, ['a', 'b']);
      assert.deepEqual(rows(ds), rows(lf));
      assert.deepEqual(lines(ds), [[2, 2], [3, 3]]);
    }
  });

  it('ignores blank lines between records but keeps line numbers true to the file', () => {
    const ds = parseCsv('\n\na,b\n1,2\n\n   \n3,4\n\n');
    assert.equal(ds.rowCount, 2);
    assert.deepEqual(lines(ds), [[4, 4], [7, 7]]);
    assert.deepEqual(ds.errors, []);
  });

  it('reads a quote inside an unquoted field as a literal character', () => {
    const ds = parseCsv(`name,height\nAl,5'11"\nBo,6"\n`);
    assert.deepEqual(rows(ds), [['Al', `5'11"`], ['Bo', '6"']]);
    assert.deepEqual(ds.errors, []);
  });

  it('reports an unterminated quote at its line, drops that record and resumes at the next line', () => {
    const ds = parseCsv('a,b\n1,2\n3,"broken\n5,6\n7,8\n');
    assert.deepEqual(rows(ds), [['1', '2'], ['5', '6'], ['7', '8']]);
    assert.deepEqual(lines(ds), [[2, 2], [4, 4], [5, 5]]);
    assert.deepEqual(ds.errors, [{ line: 3, message: 'unterminated quoted field' }]);
  });

  it('does not let a stray quote swallow the lines up to the next quote', () => {
    const ds = parseCsv('a,b\n1,"oops\n2,3\n4,"x"y\n5,6\n');
    assert.deepEqual(rows(ds)[0], ['2', '3']);
    assert.equal(ds.errors[0].line, 2);
    assert.match(ds.errors[0].message, /unterminated/);
    assert.equal(ds.cell(1, 'b'), 'xy');
    assert.equal(ds.lineOf(1), 4);
  });

  it('keeps text after a closing quote as part of the cell and reports it', () => {
    const ds = parseCsv('a,b\n"ab"c,"x""y"z\n');
    assert.deepEqual(rows(ds), [['abc', 'x"yz']]);
    assert.deepEqual(
      ds.errors.map((e) => e.line),
      [2, 2],
    );
    assert.match(ds.errors[0].message, /after the closing quote/);
  });

  it('keeps ragged rows, reporting the line and the cell counts', () => {
    const ds = parseCsv('a,b,c,d\n1,2,3\n1,2,3,4,5\n1,2,3,4\n');
    assert.equal(ds.rowCount, 3);
    assert.equal(ds.cell(0, 'd'), undefined);
    assert.equal(ds.cell(1, 'd'), '4');
    assert.deepEqual(ds.errors, [
      { line: 2, message: 'row has 3 cells, header has 4' },
      { line: 3, message: 'row has 5 cells, header has 4' },
    ]);
  });

  it('renames empty and duplicate header names and reports it once', () => {
    const ds = parseCsv(' x ,y,,x,x\n1,2,3,4,5\n');
    assert.deepEqual(ds.columns, ['x', 'y', 'column 3', 'x (2)', 'x (3)']);
    assert.equal(ds.cell(0, 'x (2)'), '4');
    assert.equal(ds.errors.length, 1);
    assert.equal(ds.errors[0].line, 1);
    assert.match(ds.errors[0].message, /column 3.*x \(2\).*x \(3\)/);
  });

  it('sniffs semicolon and tab delimiters, and keeps the comma when it is clearly used', () => {
    const semicolon = parseCsv('a;b;c\n1,5;2,5;x\n3;4;y\n');
    assert.deepEqual(semicolon.columns, ['a', 'b', 'c']);
    assert.equal(semicolon.cell(0, 'a'), '1,5');
    const tab = parseCsv('a\tb\n"1,2"\t3\n');
    assert.deepEqual(tab.columns, ['a', 'b']);
    assert.equal(tab.cell(0, 'a'), '1,2');
    const comma = parseCsv('a,b,note\n1,2,x;y\n3,4,z;w;v\n');
    assert.deepEqual(comma.columns, ['a', 'b', 'note']);
    assert.equal(comma.cell(1, 'note'), 'z;w;v');
  });

  it('ignores delimiters inside quotes when sniffing', () => {
    const ds = parseCsv('"a,1";"b,2"\n"x,y";z\n');
    assert.deepEqual(ds.columns, ['a,1', 'b,2']);
  });

  it('uses a given delimiter and refuses an invalid one', () => {
    const ds = parseCsv('a,b\tc\n1,2\t3\n', { delimiter: '\t' });
    assert.deepEqual(ds.columns, ['a,b', 'c']);
    assert.throws(() => parseCsv('a', { delimiter: '"' }), /invalid CSV delimiter/);
    assert.throws(() => parseCsv('a', { delimiter: ';;' }), /invalid CSV delimiter/);
  });

  it('handles empty input, a header only, and a last line without newline', () => {
    assert.equal(parseCsv('').rowCount, 0);
    assert.deepEqual(parseCsv('').columns, []);
    const header = parseCsv('a,b\r\n');
    assert.deepEqual([header.columns, header.rowCount], [['a', 'b'], 0]);
    const noNewline = parseCsv('a,b\n1,');
    assert.deepEqual(rows(noNewline), [['1', '']]);
  });

  it('counts lone CR as a line break', () => {
    const ds = parseCsv('a,b\r1,2\r3,"x\ry"\r5,6');
    assert.deepEqual(lines(ds), [[2, 2], [3, 4], [5, 5]]);
    assert.equal(ds.cell(1, 'b'), 'x\ry');
  });

  it('gives the same fingerprint whatever the quoting style or line endings', () => {
    const a = parseCsv('a,b\n1,hello\n');
    const b = parseCsv('"a","b"\r\n"1","hello"\r\n');
    const c = parseCsv('a,b\n1,hellO\n');
    assert.equal(a.fingerprint(0), b.fingerprint(0));
    assert.notEqual(a.fingerprint(0), c.fingerprint(0));
    assert.match(a.fingerprint(0), /^[0-9a-f]{16}$/);
    assert.equal(parseCsv('q\n"say ""x"""\n').fingerprint(0), fingerprintValues(['say "x"']));
  });

  it('caps the number of reported problems on a file where every row is ragged', () => {
    const text = 'a,b\n' + '1,2,\n'.repeat(3000);
    const ds = parseCsv(text);
    assert.equal(ds.rowCount, 3000);
    assert.equal(ds.errors.length, 1001);
    assert.match(ds.errors[1000].message, /^2000 more problems/);
  });

  it('parses a large file without slowing down per row (no rescans)', () => {
    const body = Array.from({ length: 100_000 }, (_, i) => `${i},${i / 10},"q ${i}",${i % 3}`).join('\n');
    const started = performance.now();
    const ds = parseCsv(`id,x,label,k\n${body}\n`);
    const elapsed = performance.now() - started;
    assert.equal(ds.rowCount, 100_000);
    assert.equal(ds.cell(99_999, 'label'), 'q 99999');
    assert.equal(ds.lineOf(99_999), 100_001);
    // Linear takes well under a second even on a busy machine; a rescan per row takes minutes.
    assert.ok(elapsed < 5000, `took ${elapsed.toFixed(0)} ms`);
  });
});

describe('CSV row fingerprints', () => {
  it('hash straight from the text exactly as fingerprintValues hashes the parsed cells', () => {
    const ds = parseCsv('a,b,c\n1,"x,""y""",é😀\n"a""b"c,,\n"multi\r\nline",z\n,,\n');
    for (let r = 0; r < ds.rowCount; r++) {
      assert.equal(ds.fingerprint(r), fingerprintValues(ds.rowValues(r) as string[]), `row ${r + 1}`);
    }
    assert.equal(ds.fingerprint(-1), fingerprintValues([]));
  });
});

describe('CSV round trip on random well-formed files', () => {
  /** A small deterministic generator so a failure can be reproduced. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
  }

  it('reads back exactly the cells and line spans that were written', () => {
    const next = random(42);
    const alphabet = ['a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', '1', '.'];
    for (let file = 0; file < 200; file++) {
      const width = 1 + Math.floor(next() * 4);
      const eol = next() < 0.5 ? '\n' : '\r\n';
      const table: string[][] = [];
      for (let r = 0; r < 1 + Math.floor(next() * 6); r++) {
        table.push(
          Array.from({ length: width }, () =>
            Array.from({ length: Math.floor(next() * 5) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''),
          ),
        );
      }
      const header = Array.from({ length: width }, (_, i) => `c${i}`);
      const encode = (cell: string) => (/[",\r\n]/.test(cell) || next() < 0.2 ? `"${cell.replaceAll('"', '""')}"` : cell);
      // In a one-column file an empty or all-space cell would be a blank line: skip those files.
      if (width === 1 && table.some((row) => row[0].trim() === '')) continue;
      const records = [header, ...table].map((row) => row.map(encode).join(','));
      const ds = parseCsv(records.join(eol) + eol, { delimiter: ',' });
      assert.deepEqual(ds.errors, [], `file ${file}`);
      assert.deepEqual(
        Array.from({ length: ds.rowCount }, (_, r) => ds.rowValues(r)),
        table,
        `file ${file}`,
      );
      let line = 2;
      table.forEach((row, r) => {
        const breaks = row.join('').split(/\r\n|\n/).length - 1;
        assert.deepEqual([ds.lineOf(r), ds.endLineOf(r)], [line, line + breaks], `file ${file} row ${r + 1}`);
        line += breaks + 1;
      });
    }
  });
});
