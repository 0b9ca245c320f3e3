// The forget list on disk is the single source of truth: marks follow it when another
// tool rewrites or deletes it, and stay on the same content when rows are inserted above
// them — on disk or in an unsaved editor.

import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { parseDataset } from '../../src/engine/dataset';
import { addRows, emptyForgetList, serializeForgetList } from '../../src/engine/forgetList';
import { activate, eventually, forgetUriOf, markedLines, openDataset, readText, scratchCopy, writeText } from './helpers';

/** 1-based file lines of the given 1-based data rows of a one-line-per-row CSV. */
function linesOfRows(rows: number[]): number[] {
  return rows.map((row) => row + 1);
}

describe('Forget list sync', () => {
  let paper: vscode.Uri;

  before(async () => {
    await activate();
  });

  beforeEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    paper = await scratchCopy('sync', ['samples', 'paper.csv']);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('follows a forget list written or deleted on disk by another tool', async () => {
    await openDataset(paper);
    await eventually('no marks yet', () => markedLines(paper), []);

    const ds = parseDataset(await readText(paper), 'paper.csv');
    const list = addRows(emptyForgetList('paper.csv'), ds, [9, 19, 29], 'by hand', '2026-01-02');
    await writeText(forgetUriOf(paper), serializeForgetList(list));
    await eventually('marks from the new file', () => markedLines(paper), linesOfRows([10, 20, 30]));

    await vscode.workspace.fs.delete(forgetUriOf(paper));
    await eventually('marks gone with the file', () => markedLines(paper), []);
  });

  it('keeps marks on the same content when a row is inserted above, on disk', async () => {
    await openDataset(paper);
    await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [5, 12], reason: 'r' });
    await eventually('marked', () => markedLines(paper), [5, 12]);

    const text = await readText(paper);
    const header = text.indexOf('\n') + 1;
    await writeText(paper, `${text.slice(0, header)}999,9.5,1.0,inserted\n${text.slice(header)}`);
    await eventually('marks moved down with their rows', () => markedLines(paper), [6, 13]);
  });

  it('re-matches marks against unsaved edits in the dataset editor', async () => {
    const editor = await openDataset(paper);
    await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [5, 12], reason: 'r' });
    await eventually('marked', () => markedLines(paper), [5, 12]);

    await editor.edit((b) => b.insert(new vscode.Position(1, 0), '998,9.1,1.0,typed\n997,9.2,1.1,typed\n'));
    await eventually('marks follow the unsaved text', () => markedLines(paper), [7, 14]);

    // Editing a marked row's content makes its entry stale: the mark goes away.
    const line = editor.document.lineAt(6);
    await editor.edit((b) => b.replace(line.range, `${line.text}0`));
    await eventually('edited row no longer marked', () => markedLines(paper), [14]);

    await vscode.commands.executeCommand('workbench.action.files.revert');
    await eventually('back to the file on disk', () => markedLines(paper), [5, 12]);
  });

  it('honours unlearn.forgetListPattern', async () => {
    const settings = vscode.workspace.getConfiguration('unlearn');
    await settings.update('forgetListPattern', 'lists/${baseName}.forget.json', vscode.ConfigurationTarget.Workspace);
    try {
      await openDataset(paper);
      await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [3], reason: 'elsewhere' });
      const moved = vscode.Uri.joinPath(paper, '..', 'lists', 'paper.forget.json');
      const list = JSON.parse(await readText(moved)) as { dataset: string; entries: unknown[] };
      assert.equal(list.entries.length, 1);
      assert.equal(list.dataset, '../paper.csv', 'the dataset path is relative to the list');
      await eventually('marked', () => markedLines(paper), [3]);
    } finally {
      await settings.update('forgetListPattern', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await eventually('default file has no marks', () => markedLines(paper), []);
  });
});
