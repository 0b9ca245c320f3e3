import assert from 'node:assert/strict';
import { parseDataset } from '../../src/engine/dataset';
import { changeRow, changesOfKind, diffForgetLists, plain, rowContent, shorten } from '../../src/engine/forgetDiff';
import { addRows, emptyForgetList } from '../../src/engine/forgetList';
import type { ForgetList } from '../../src/engine/types';

const csv = (...rows: string[]) => parseDataset(['id,x,y', ...rows].join('\n') + '\n', 'a.csv');

function listOf(ds: ReturnType<typeof csv>, rows: number[], reason = 'bad', day = '2026-11-23'): ForgetList {
  return addRows(emptyForgetList('a.csv'), ds, rows, reason, day);
}

describe('forget-list diff', () => {
  const base = csv('1,1,10', '2,2,20', '3,3,30', '4,4,40');

  it('reports nothing when nothing changed', () => {
    const list = listOf(base, [1, 2]);
    const diff = diffForgetLists({ dataset: base, list }, { dataset: base, list });
    assert.deepEqual(diff.changes, []);
    assert.equal(diff.unchanged, 2);
    assert.deepEqual(diff.base, { entries: 2, stale: 0, unwantedRows: 2 });
  });

  it('finds added and removed entries with their rows content', () => {
    const diff = diffForgetLists({ dataset: base, list: listOf(base, [0, 1]) }, { dataset: base, list: listOf(base, [1, 3]) });
    assert.deepEqual(diff.counts, { added: 1, removed: 1, reasonChanged: 0, turnedStale: 0, rematched: 0 });
    const [added] = changesOfKind(diff, 'added');
    assert.equal(added.head?.row?.row, 4);
    assert.equal(added.head?.row?.line, 5);
    assert.equal(added.head?.row?.preview, 'id=4, x=4, y=40');
    assert.equal(added.base, undefined);
    const [removed] = changesOfKind(diff, 'removed');
    assert.equal(changeRow(removed)?.preview, 'id=1, x=1, y=10');
    assert.equal(removed.head, undefined);
  });

  it('finds a changed reason, keeping both', () => {
    const diff = diffForgetLists({ dataset: base, list: listOf(base, [2], 'old') }, { dataset: base, list: listOf(base, [2], 'new') });
    assert.equal(diff.changes.length, 1);
    assert.deepEqual(diff.changes[0].kinds, ['reasonChanged']);
    assert.equal(diff.changes[0].reason, 'new');
    assert.equal(diff.changes[0].previousReason, 'old');
  });

  it('finds an entry whose row was edited in the dataset (stale) and one whose row moved (re-matched)', () => {
    const list = listOf(base, [0, 3]);
    const head = csv('0,0,0', '1,1,11', '2,2,20', '3,3,30', '4,4,40'); // row 1 edited, a row inserted above row 4
    const diff = diffForgetLists({ dataset: base, list }, { dataset: head, list });
    assert.equal(diff.counts.turnedStale, 1);
    assert.equal(diff.counts.rematched, 1);
    const [stale] = changesOfKind(diff, 'turnedStale');
    assert.equal(stale.head?.row, undefined);
    assert.equal(changeRow(stale)?.preview, 'id=1, x=1, y=10', 'a stale entry shows the row it meant at base');
    const [moved] = changesOfKind(diff, 'rematched');
    assert.equal(moved.base?.row?.row, 4);
    assert.equal(moved.head?.row?.row, 5);
    assert.equal(diff.head.stale, 1);
  });

  it('pairs entries of identical rows one to one, and reports who when recorded', () => {
    const dup = csv('1,1,10', '1,1,10', '1,1,10');
    const b = listOf(dup, [0]);
    const h = listOf(dup, [0, 2]);
    h.entries[1].by = 'alice';
    const diff = diffForgetLists({ dataset: dup, list: b }, { dataset: dup, list: h });
    assert.equal(diff.counts.added, 1);
    assert.equal(diff.unchanged, 1);
    assert.equal(changesOfKind(diff, 'added')[0].head?.row?.row, 3);
    assert.equal(changesOfKind(diff, 'added')[0].by, 'alice');
  });

  it('treats a missing list as empty and reports model setting changes', () => {
    const h = listOf(base, [0]);
    h.model = { degree: 2 };
    const diff = diffForgetLists({ dataset: base }, { dataset: base, list: h });
    assert.equal(diff.baseHasList, false);
    assert.equal(diff.counts.added, 1);
    assert.deepEqual(diff.model, [{ key: 'degree', base: undefined, head: 2 }]);
  });

  it('shows JSONL rows by flattened dot path and shortens long values', () => {
    const ds = parseDataset(`{"id":1,"reading":{"temp":12.5,"note":"${'x'.repeat(100)}"},"tags":["a"]}\n`, 'a.jsonl');
    const row = rowContent(ds, 0);
    assert.deepEqual(row.cells.map((c) => c.column), ['id', 'reading.temp', 'reading.note', 'tags']);
    assert.equal(row.cells[1].value, '12.5');
    assert.equal(row.cells[2].value.length, 40);
    assert.ok(row.cells[2].value.endsWith('…'));
    assert.equal(row.cells[3].value, '["a"]');
    assert.ok(rowContent(ds, 0, { maxChars: 30 }).preview.length <= 30);
  });

  it('folds control and bidi characters so a preview is one plain line', () => {
    assert.equal(plain('a\r\nb\u001b[31mc\u202ed'), 'a b [31mc d');
    const ds = parseDataset('id,x,y\n"line1\nline2",1,2\n', 'a.csv');
    assert.equal(rowContent(ds, 0).preview, 'id=line1 line2, x=1, y=2');
    assert.equal(rowContent(ds, 0).endLine, 3);
  });

  it('does not cut a surrogate pair in half', () => {
    assert.equal(shorten('ab😀cd', 4), 'ab…');
    assert.equal(shorten('abc', 3), 'abc');
  });
});
