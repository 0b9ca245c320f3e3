// Problems: stale forget-list entries (with quick fixes that remove them), an unreadable
// forget list (marks are then refused, the file is kept), and broken rows or missing x/y
// cells in datasets — each at its line, never as a crash.

import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { parseDataset } from '../../src/engine/dataset';
import {
  activate,
  eventually,
  forgetUriOf,
  markedLines,
  openDataset,
  readText,
  scratchCopy,
  unlearnProblems,
  waitFor,
  writeText,
} from './helpers';

/** [1-based line, severity] of our problems on a file, sorted by line. */
function problemLines(uri: vscode.Uri): [number, vscode.DiagnosticSeverity][] {
  return unlearnProblems(uri)
    .map((d): [number, vscode.DiagnosticSeverity] => [d.range.start.line + 1, d.severity])
    .sort((a, b) => a[0] - b[0]);
}

describe('Problems', () => {
  before(async () => {
    await activate();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('reports stale entries at their line and removes them with the quick fixes', async () => {
    const paper = await scratchCopy('problems', ['samples', 'paper.csv']);
    await openDataset(paper);
    await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [3, 5, 8, 9], reason: 'r' });
    const listUri = forgetUriOf(paper);

    // Another tool changes rows 4 and 7 (file lines 5 and 8): their entries no longer match any row.
    const original = await readText(paper);
    const ds = parseDataset(original, 'paper.csv');
    const staleFingerprints = [ds.fingerprint(3), ds.fingerprint(6)];
    const lines = original.split('\n');
    lines[4] = `${lines[4]}1`;
    lines[7] = `${lines[7]}1`;
    await writeText(paper, lines.join('\n'));

    const staleLines = (await readText(listUri))
      .split('\n')
      .flatMap((line, i) => (staleFingerprints.some((fp) => line.includes(fp)) ? [i + 1] : []));
    assert.equal(staleLines.length, 2, 'the two entries are found in the file');
    await eventually(
      'stale entries as warnings at their lines',
      () => problemLines(listUri),
      staleLines.map((n): [number, vscode.DiagnosticSeverity] => [n, vscode.DiagnosticSeverity.Warning]),
    );
    await eventually('stale rows are not decorated', () => markedLines(paper), [3, 9]);

    const problem = unlearnProblems(listUri)[0];
    await vscode.workspace.openTextDocument(listUri); // code actions are computed on an open model
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      listUri,
      problem.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Remove stale entry'), `quick fixes offered: ${titles.join(', ')}`);
    assert.ok(titles.includes('Remove all 2 stale entries'), `quick fixes offered: ${titles.join(', ')}`);

    const one = actions.find((a) => a.title === 'Remove stale entry')!;
    await vscode.commands.executeCommand(one.command!.command, ...(one.command!.arguments ?? []));
    await eventually('one stale entry left', () => unlearnProblems(listUri).length, 1);
    const entries = () => readText(listUri).then((t) => (JSON.parse(t) as { entries: { line: number }[] }).entries.map((e) => e.line));
    assert.equal((await entries()).length, 3);

    await vscode.commands.executeCommand('unlearn.removeStaleEntries', paper);
    await eventually('no stale entries left', () => unlearnProblems(listUri).length, 0);
    assert.deepEqual(await entries(), [3, 9], 'the matching entries are kept');
  });

  it('reports an unreadable forget list as an error at its line and does not overwrite it', async () => {
    const paper = await scratchCopy('problems', ['samples', 'paper.csv']);
    const listUri = forgetUriOf(paper);
    const broken = '{\n  "version": 1,\n  "entries": [\n    { "row": 1 oops }\n  ]\n}\n';
    await writeText(listUri, broken);
    await openDataset(paper);

    const [[line, severity]] = await waitFor('an error on the forget list', () => {
      const found = problemLines(listUri);
      return found.length > 0 ? found : undefined;
    });
    assert.equal(severity, vscode.DiagnosticSeverity.Error);
    assert.equal(line, 4, 'at the line of the JSON error');

    assert.equal(await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [3], reason: 'r' }), 0);
    assert.equal(await readText(listUri), broken, 'the unreadable file is left as it was');
  });

  it('reports broken CSV rows and missing x/y cells at their lines, and keeps working', async () => {
    const csv = await scratchCopy('problems', ['fixtures', 'broken.csv']);
    await openDataset(csv);
    await eventually('problems at the right lines', () => problemLines(csv), [
      [3, vscode.DiagnosticSeverity.Warning], // y is missing: the row is left out of the model
      [4, vscode.DiagnosticSeverity.Error], // ragged row
      [7, vscode.DiagnosticSeverity.Error], // unterminated quote
    ]);
    assert.match(unlearnProblems(csv).find((d) => d.range.start.line === 2)!.message, /y is missing/);

    // The extension still marks rows of the readable part.
    assert.equal(await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [5], reason: 'r' }), 1);
    await eventually('marked', () => markedLines(csv), [5]);
  });

  it('reports an invalid JSONL line at its line', async () => {
    const jsonl = await scratchCopy('problems', ['fixtures', 'broken.jsonl']);
    await openDataset(jsonl);
    await eventually('an error at line 2', () => problemLines(jsonl), [[2, vscode.DiagnosticSeverity.Error]]);
    assert.equal(await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [3], reason: 'r' }), 1);
  });
});
