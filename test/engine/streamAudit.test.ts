// The streaming audit (file read in pieces, windows of whole records, two passes) must give
// the audit of the whole text: tiny windows and odd piece sizes cross every kind of border
// (inside quoted line breaks, between CR and LF, inside a JSONL line).

import assert from 'node:assert/strict';
import { addRows, emptyForgetList } from '../../src/engine/forgetList';
import { parseDataset } from '../../src/engine/dataset';
import { auditText, type AuditRequest } from '../../src/engine/pipeline';
import { auditStream, readBlocks, type TextReader } from '../../src/engine/streamAudit';
import type { AuditResult } from '../../src/engine/types';
import { seededRandom } from './random';

/** Feeds `text` in pieces of 1..maxPiece characters (deterministic). */
function reader(text: string, seed: number, maxPiece = 97): TextReader {
  return (onText) => {
    const random = seededRandom(seed);
    for (let i = 0; i < text.length; ) {
      const n = 1 + Math.floor(random() * maxPiece);
      onText(text.slice(i, i + n));
      i += n;
    }
  };
}

function close(a: number, b: number, what: string): void {
  assert.ok(a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
}

/** Everything but the chart must agree; numbers to 1e-9 (in practice they are identical). */
function assertSameAudit(stream: AuditResult, whole: AuditResult): void {
  assert.deepEqual(stream.dataset, whole.dataset);
  assert.deepEqual(stream.model, { ...whole.model, sigma: stream.model.sigma });
  close(stream.model.sigma, whole.model.sigma, 'sigma');
  for (const set of ['before', 'after', 'retrain'] as const) {
    for (const key of ['r2Wanted', 'expR2Unwanted', 'fairR2', 'forgetScore', 'mseWanted'] as const) close(stream[set][key], whole[set][key], `${set}.${key}`);
  }
  assert.deepEqual(stream.unwantedRows.map((r) => [r.row, r.line, r.x, r.y]), whole.unwantedRows.map((r) => [r.row, r.line, r.x, r.y]));
  assert.deepEqual(stream.skippedRows, whole.skippedRows);
  assert.deepEqual(stream.parseProblems, whole.parseProblems);
  assert.deepEqual(stream.diagnostics.warnings, whole.diagnostics.warnings);
}

function request(text: string, fileName: string, extra: Partial<AuditRequest> = {}): AuditRequest {
  return { text, fileName, path: fileName, ...extra };
}

function both(text: string, fileName: string, extra: Partial<AuditRequest>, windowChars: number, seed = 1) {
  const whole = auditText(request(text, fileName, extra));
  const { text: _, ...streamRequest } = request(text, fileName, extra);
  const streamed = auditStream(streamRequest, reader(text, seed), { windowChars, keepRows: 0 });
  const kept = auditStream(streamRequest, reader(text, seed + 1), { windowChars });
  return { whole, streamed, kept };
}

/** A CSV with a curve, an offset unwanted group, quoted notes with line breaks, bad rows. */
function messyCsv(rows: number, eol: string, seed: number): string {
  const random = seededRandom(seed);
  const lines = ['id,x,y,group,note'];
  for (let i = 1; i <= rows; i++) {
    const x = random() * 4 - 2;
    const bad = random() < 0.1;
    const y = x * x * x - x + (bad ? 2 : 0) + 0.1 * (random() - 0.5);
    const note = ['plain', `"two${eol}lines"`, '"a, b"', '"say ""hi"""', `"cr\rinside"`, ''][Math.floor(random() * 6)];
    let line = `${i},${x.toFixed(6)},${y.toFixed(6)},${bad ? 'bad' : 'ok'},${note}`;
    if (random() < 0.02) line = `${i},n/a,${y},ok,x`; // skipped: x is not a number
    if (random() < 0.02) line += ',extra'; // ragged
    lines.push(line);
  }
  return lines.join(eol) + eol;
}

describe('auditStream', () => {
  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['lone CR', '\r'],
  ]) {
    it(`equals the whole-text audit on a messy CSV with ${name} endings, across tiny windows`, () => {
      const text = messyCsv(700, eol, 3);
      for (const windowChars of [64, 257, 4096]) {
        // x and y given: a tiny first window is too small a sample to pick the default columns from.
        const { whole, streamed, kept } = both(text, 'messy.csv', { where: 'group == "bad"', overrides: { x: 'x', y: 'y' } }, windowChars);
        assert.ok(whole.result.dataset.unwanted > 30);
        assert.ok(whole.result.parseProblems!.count > 0);
        assertSameAudit(streamed.result, whole.result);
        assertSameAudit(kept.result, whole.result);
        assert.deepEqual(kept.points, whole.points);
        assert.equal(streamed.points.totalWanted, whole.points.totalWanted);
        assert.equal(streamed.points.totalUnwanted, whole.points.totalUnwanted);
      }
    });
  }

  it('matches a forget list whose rows moved, with duplicates, and adds --unwanted-rows', () => {
    const text = messyCsv(500, '\n', 5);
    const ds = parseDataset(text, 'd.csv');
    let list = addRows(emptyForgetList('d.csv'), ds, [3, 10, 11, 40, 41, 42, 300], 'test', '2026-12-01');
    // The rows move: two lines inserted at the top shift every entry's row.
    const lines = text.split('\n');
    lines.splice(1, 0, lines[12], '0,1,1,ok,x');
    const moved = lines.join('\n');
    list = { ...list, entries: [...list.entries, { ...list.entries[0], row: 499 }] };
    const { whole, streamed } = both(moved, 'd.csv', { forgetList: list, unwantedRowNumbers: [100, 200] }, 200);
    assert.equal(whole.result.dataset.staleForgetEntries, streamed.result.dataset.staleForgetEntries);
    assertSameAudit(streamed.result, whole.result);
  });

  it('equals the whole-text audit on JSON Lines with invalid lines and rows without y', () => {
    const random = seededRandom(9);
    const lines: string[] = [];
    for (let i = 0; i < 600; i++) {
      const x = random() * 10;
      if (i % 97 === 5) lines.push('{broken');
      else if (i % 53 === 7) lines.push(JSON.stringify({ x, note: 'no y' }));
      else lines.push(JSON.stringify({ x, y: Math.sin(x) + (i % 10 === 0 ? 3 : 0), tag: i % 10 === 0 ? 'odd' : 'even', nested: { k: i } }));
    }
    const text = lines.join('\r\n') + '\r\n';
    for (const windowChars of [50, 1000]) {
      const { whole, streamed } = both(text, 'd.jsonl', { where: 'tag == "odd"' }, windowChars);
      assertSameAudit(streamed.result, whole.result);
    }
  });

  it('refuses --strict parse problems, an empty file and a file that changed between the passes', () => {
    const text = messyCsv(300, '\n', 7);
    assert.throws(() => auditStream({ fileName: 'a.csv', path: 'a.csv', strict: true }, reader(text, 1), { windowChars: 100 }), /--strict/);
    assert.throws(() => auditStream({ fileName: 'a.csv', path: 'a.csv' }, reader('x,y\n', 1)), /no data rows/);
    let calls = 0;
    const changing: TextReader = (onText) => onText(calls++ === 0 ? text : text + '999,1,1,ok,x\n');
    assert.throws(() => auditStream({ fileName: 'a.csv', path: 'a.csv' }, changing, { windowChars: 100, keepRows: 0 }), /changed while it was being audited/);
  });

  it('says which line a quoted field that never closes starts on, as the whole-text parser does', () => {
    const text = 'x,y\n1,2\n2,3\n3,"oops\n' + Array.from({ length: 50 }, (_, i) => `${i + 4},${(i * 7) % 11}`).join('\n') + '\n';
    const { whole, streamed } = both(text, 'a.csv', {}, 40);
    assert.equal(whole.result.parseProblems!.first[0].line, 4);
    assertSameAudit(streamed.result, whole.result);
  });

  it('reads windows as exactly the records, lines and problems of the whole text, also with stray and unclosed quotes', () => {
    const random = seededRandom(21);
    const pieces = ['a', '1', '"q"', '"x,y"', '"two\nlines"', '"cr\rx"', '"crlf\r\ny"', '"', 'b"c', '"d"e', '""', ',', ',', ',', '\n', '\n', '\r\n', '\r', ' '];
    for (let trial = 0; trial < 300; trial++) {
      let text = 'h1,h2,h3\n';
      const length = 20 + Math.floor(random() * 200);
      for (let i = 0; i < length; i++) text += pieces[Math.floor(random() * pieces.length)];
      const whole = parseDataset(text, 'f.csv');
      const rows: string[] = [];
      const lines: number[] = [];
      const issues: string[] = [];
      const parser = readBlocks(reader(text, trial, 13), 'f.csv', 8 + Math.floor(random() * 40), ({ ds, lineShift, headerLines }) => {
        for (let r = 0; r < ds.rowCount; r++) {
          rows.push(JSON.stringify(ds.rowValues(r)));
          lines.push(ds.lineOf(r) + lineShift);
        }
        for (const e of ds.errors) if (e.line > headerLines && !/more problems/.test(e.message)) issues.push(`${e.line + lineShift}: ${e.message}`);
      }, Infinity); // no forced cut: a window waits as long as a field stays open
      const context = JSON.stringify(text);
      assert.equal(parser.rowCount, whole.rowCount, context);
      assert.deepEqual(rows, Array.from({ length: whole.rowCount }, (_, r) => JSON.stringify(whole.rowValues(r))), context);
      assert.deepEqual(lines, Array.from({ length: whole.rowCount }, (_, r) => whole.lineOf(r)), context);
      assert.deepEqual(issues, whole.errors.map((e) => `${e.line}: ${e.message}`), context);
    }
  });

  it('cuts a window that a never-closed quote keeps open at its size limit, reporting the field as unterminated', () => {
    const text = 'x,y\n1,2\n2,"open\n' + Array.from({ length: 400 }, (_, i) => `${i + 3},${i % 9}`).join('\n') + '\n';
    const issues: string[] = [];
    let rows = 0;
    readBlocks(reader(text, 3, 50), 'f.csv', 64, ({ ds, lineShift, headerLines }) => {
      rows += ds.rowCount;
      for (const e of ds.errors) if (e.line > headerLines) issues.push(`${e.line + lineShift}: ${e.message}`);
    }, 512);
    assert.ok(issues.includes('3: unterminated quoted field'), issues.join('; '));
    assert.ok(rows >= 390, `${rows} rows read`);
  });
});
