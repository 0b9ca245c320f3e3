// Marking rows by command in a real editor: the rows under every cursor and selection go
// to the forget list on disk (one entry per line, fingerprints as the engine computes
// them), the editor decorates every line of those rows, the status bar counts them and
// a hover explains them.

import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { parseDataset } from '../../src/engine/dataset';
import { selectRowsWhere } from '../../src/engine/where';
import {
  activate,
  eventually,
  forgetUriOf,
  markedLines,
  openDataset,
  readText,
  scratchCopy,
  waitFor,
} from './helpers';

interface Entry {
  row: number;
  line: number;
  fingerprint: string;
  reason: string;
  added: string;
}

async function entries(dataset: vscode.Uri): Promise<Entry[]> {
  return (JSON.parse(await readText(forgetUriOf(dataset))) as { entries: Entry[] }).entries;
}

describe('Marking rows', () => {
  let paper: vscode.Uri;

  before(async () => {
    await activate();
  });

  beforeEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    paper = await scratchCopy('marks', ['samples', 'paper.csv']);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('marks the rows under every cursor and selection, one forget-list entry per line', async () => {
    const editor = await openDataset(paper);
    editor.selections = [
      new vscode.Selection(0, 2, 0, 2), // the header: not a row
      new vscode.Selection(2, 1, 2, 1), // file line 3
      new vscode.Selection(5, 0, 7, 4), // file lines 6..8
      new vscode.Selection(10, 0, 11, 0), // line 11 only: a selection ending at column 0 stops before
    ];
    const changed = await vscode.commands.executeCommand<number>('unlearn.markUnwanted', { reason: 'consent withdrawn' });
    assert.equal(changed, 5);

    const ds = parseDataset(editor.document.getText(), 'paper.csv');
    const listed = await entries(paper);
    assert.deepEqual(
      listed.map((e) => e.line),
      [3, 6, 7, 8, 11],
    );
    for (const entry of listed) {
      assert.equal(entry.fingerprint, ds.fingerprint(entry.row - 1), `fingerprint of row ${entry.row}`);
      assert.equal(entry.reason, 'consent withdrawn');
      assert.match(entry.added, /^\d{4}-\d{2}-\d{2}$/);
    }
    const text = await readText(forgetUriOf(paper));
    const entryLines = text.split('\n').filter((l) => l.includes('"fingerprint"'));
    assert.equal(entryLines.length, 5, 'one line per entry');
    for (const line of entryLines) assert.match(line.trim(), /^\{.*\},?$/);
    assert.ok(text.endsWith('\n'));

    await eventually('decorated lines', () => markedLines(paper), [3, 6, 7, 8, 11]);
    await eventually('status bar', () => vscode.commands.executeCommand('unlearn._statusBarText'), `$(eye-closed) 5 unwanted of ${ds.rowCount} rows`);
  });

  it('unmarks and toggles rows, and does not list a row twice', async () => {
    await openDataset(paper);
    await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [3, 4, 5], reason: 'r1' });
    assert.equal(await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [4], reason: 'again' }), 0);
    assert.equal((await entries(paper)).length, 3);

    await vscode.commands.executeCommand('unlearn.unmark', { lines: [4] });
    assert.deepEqual((await entries(paper)).map((e) => e.line), [3, 5]);

    await vscode.commands.executeCommand('unlearn.toggleMark', { lines: [3] });
    await vscode.commands.executeCommand('unlearn.toggleMark', { lines: [20], reason: 'r2' });
    const after = await entries(paper);
    assert.deepEqual(after.map((e) => [e.line, e.reason]), [[5, 'r1'], [20, 'r2']]);
    await eventually('decorated lines', () => markedLines(paper), [5, 20]);
  });

  it('marks every line of a multi-line quoted row as one row', async () => {
    const multiline = await scratchCopy('marks', ['fixtures', 'multiline.csv']);
    await openDataset(multiline);
    // File line 4 is the second line of data row 2 (a quoted newline).
    await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [4], reason: 'multi' });
    const listed = await entries(multiline);
    assert.equal(listed.length, 1);
    assert.equal(listed[0].row, 2);
    await eventually('both lines decorated', () => markedLines(multiline), [3, 4]);
  });

  it('marks the rows matching an expression', async () => {
    await openDataset(paper);
    const expression = 'source == "survey" && x > 5';
    const expected = selectRowsWhere(parseDataset(await readText(paper), 'paper.csv'), expression);
    assert.ok(expected.length > 0, 'the sample has matching rows');
    const changed = await vscode.commands.executeCommand<number>('unlearn.markWhere', { expression, reason: 'where' });
    assert.equal(changed, expected.length);
    assert.deepEqual((await entries(paper)).map((e) => e.row - 1), expected);
  });

  it('uses the last reason without asking when unlearn.askForReason is off, and clears on confirmation', async () => {
    const settings = vscode.workspace.getConfiguration('unlearn');
    await settings.update('askForReason', false, vscode.ConfigurationTarget.Workspace);
    try {
      await openDataset(paper);
      // Would wait for an input box forever if the setting were ignored.
      assert.equal(await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [2, 3] }), 2);
      assert.equal((await entries(paper)).length, 2);
    } finally {
      await settings.update('askForReason', undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.equal(await vscode.commands.executeCommand('unlearn.clearForgetList', { confirmed: true }), 2);
    assert.deepEqual(await entries(paper), []);
    await eventually('no decorations', () => markedLines(paper), []);
  });

  it('shows the reason in a hover, escaped', async () => {
    const editor = await openDataset(paper);
    await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [7], reason: '*not* [a link](command:evil)' });
    const hovers = await waitFor('a hover', async () => {
      const found = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(6, 2));
      return found.some((h) => h.contents.some((c) => (c as vscode.MarkdownString).value?.includes('Unwanted row'))) ? found : undefined;
    });
    const ours = hovers
      .flatMap((h) => h.contents)
      .map((c) => (c as vscode.MarkdownString).value)
      .find((v) => v?.includes('Unwanted row 6'));
    assert.ok(ours, 'the hover names data row 6');
    assert.ok(ours.includes('\\*not\\*'), 'markdown in the reason is escaped');
    assert.ok(!ours.includes('](command:evil)'), 'no live command link');
  });

  it('refuses to overwrite unsaved edits of the forget list', async () => {
    await openDataset(paper);
    await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [3], reason: 'first' });
    const listUri = forgetUriOf(paper);
    const before = await readText(listUri);
    const listEditor = await vscode.window.showTextDocument(listUri, { viewColumn: vscode.ViewColumn.Beside });
    await listEditor.edit((b) => b.insert(new vscode.Position(0, 0), ' '));
    assert.ok(listEditor.document.isDirty);
    try {
      assert.equal(await vscode.commands.executeCommand('unlearn.markUnwanted', { uri: paper, lines: [4], reason: 'second' }), 0);
      assert.equal(await readText(listUri), before, 'the file on disk is unchanged');
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('shows the forget list beside the dataset; the status bar shows only on datasets', async () => {
    const editor = await openDataset(paper);
    const rows = parseDataset(editor.document.getText(), 'paper.csv').rowCount;
    await eventually('status bar on the dataset', () => vscode.commands.executeCommand('unlearn._statusBarText'), `$(eye-closed) 0 unwanted of ${rows} rows`);
    await vscode.commands.executeCommand('unlearn.showForgetList');
    const shown = vscode.window.activeTextEditor;
    assert.equal(shown?.document.uri.toString(), forgetUriOf(paper).toString());
    assert.deepEqual(await entries(paper), [], 'an empty list was created');
    await eventually('status bar hidden elsewhere', () => vscode.commands.executeCommand('unlearn._statusBarText'), undefined);
  });

  it('follows unlearn.decorationStyle', async () => {
    await openDataset(paper);
    await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [4], reason: 'r' });
    await eventually('decorated', () => markedLines(paper), [4]);
    const settings = vscode.workspace.getConfiguration('unlearn');
    try {
      await settings.update('decorationStyle', 'none', vscode.ConfigurationTarget.Workspace);
      await eventually('no decorations with style none', () => markedLines(paper), []);
      await settings.update('decorationStyle', 'gutter', vscode.ConfigurationTarget.Workspace);
      await eventually('gutter decorations', () => markedLines(paper), [4]);
    } finally {
      await settings.update('decorationStyle', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('writes atomically: no temporary files are left beside the list', async () => {
    await openDataset(paper);
    await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [3, 9], reason: 'x' });
    await vscode.commands.executeCommand('unlearn.unmark', { lines: [3] });
    const names = (await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(paper, '..'))).map(([name]) => name);
    assert.deepEqual(names.sort(), ['paper.csv', 'paper.csv.forget.json']);
    assert.deepEqual((await entries(paper)).map((e) => e.line), [9]);
  });
});
