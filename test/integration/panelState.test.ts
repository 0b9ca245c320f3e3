// The state between features, in a real extension host: the panel with focus still offers its
// dataset to commands and the status bar; a run's settings go into the forget list's `model`
// (never over unsaved edits); a reopened panel shows its result with the settings it was
// computed with; a model changed on disk wins and the panel says the result differs; a guess
// of x and y is flagged.

import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { parseForgetList } from '../../src/engine/forgetList';
import type { AuditSettings } from '../../src/engine/types';
import type { PanelSnapshot } from '../../src/panel';
import { activate, eventually, forgetUriOf, openDataset, readText, scratchCopy, waitFor, workspaceUri, writeText } from './helpers';

const VIEW_TYPE = 'unlearn.panel';

function snapshot(uri: vscode.Uri): Thenable<PanelSnapshot | undefined> {
  return vscode.commands.executeCommand<PanelSnapshot | undefined>('unlearn._panelSnapshot', uri);
}

function panelRun(uri: vscode.Uri, settings: AuditSettings): Thenable<PanelSnapshot | undefined> {
  return vscode.commands.executeCommand<PanelSnapshot | undefined>('unlearn._panelRun', uri, settings);
}

function panelTab(uri: vscode.Uri): vscode.Tab | undefined {
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(VIEW_TYPE) && t.label === `Unlearn: ${name}`);
}

/** Opens the panel (fresh, so it takes focus) and waits until its webview has the dataset's state. */
async function openPanel(uri: vscode.Uri): Promise<PanelSnapshot> {
  await vscode.commands.executeCommand('unlearn.openPanel', uri);
  return waitFor('the panel to load the dataset', async () => {
    const snap = await snapshot(uri);
    return snap?.state ? snap : undefined;
  }, 30_000);
}

async function closePanel(uri: vscode.Uri): Promise<void> {
  const tab = panelTab(uri);
  assert.ok(tab, 'the panel is open');
  await vscode.window.tabGroups.close(tab);
  await waitFor('the panel to close', async () => ((await snapshot(uri)) === undefined && !panelTab(uri) ? true : undefined));
}

/** A scratch copy of the paper sample with the sensor-B rows marked (the list's model is empty). */
async function markedPaper(folder: string): Promise<vscode.Uri> {
  const paper = await scratchCopy(folder, ['samples', 'paper.csv']);
  await openDataset(paper);
  const marked = await vscode.commands.executeCommand<number>('unlearn.markWhere', { expression: 'source == "sensor-B"', reason: 'sensor fault' });
  assert.equal(marked, 30);
  assert.deepEqual(parseForgetList(await readText(forgetUriOf(paper)), 'list').model, {}, 'a new list has no model');
  return paper;
}

describe('Panel state between features', () => {
  before(async function () {
    this.timeout(30_000);
    await activate();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('offers the focused panel\'s dataset to the status bar and to commands run without an argument', async function () {
    this.timeout(60_000);
    const paper = await markedPaper('focus');
    await openPanel(paper);
    await waitFor('the panel, not a text editor, to have focus', () => (vscode.window.activeTextEditor === undefined ? true : undefined));
    await eventually('the status bar counts the panel\'s dataset', () => vscode.commands.executeCommand('unlearn._statusBarText'), '$(eye-closed) 30 unwanted of 150 rows');

    await vscode.commands.executeCommand('unlearn.showForgetList');
    await waitFor('the forget list in an editor', () =>
      vscode.window.activeTextEditor?.document.uri.toString() === forgetUriOf(paper).toString() ? true : undefined,
    );

  });

  it('opens the focused panel\'s dataset with "Open Dataset"', async function () {
    this.timeout(60_000);
    const paper = await markedPaper('open-dataset');
    await openPanel(paper);
    await vscode.commands.executeCommand('workbench.action.closeEditorsInOtherGroups');
    await waitFor('the panel alone, with focus', () => (vscode.window.visibleTextEditors.length === 0 && vscode.window.activeTextEditor === undefined ? true : undefined));
    await vscode.commands.executeCommand('unlearn.openDataset');
    await waitFor('the dataset in an editor', () => (vscode.window.activeTextEditor?.document.uri.toString() === paper.toString() ? true : undefined));
  });

  it('saves the run\'s settings as the forget list\'s model, and a reopened panel shows the result with them', async function () {
    this.timeout(90_000);
    const paper = await markedPaper('reopen');
    const opened = await openPanel(paper);
    assert.deepEqual([opened.state!.settings.x, opened.state!.settings.y, opened.state!.settings.degree], ['x', 'y', 3]);
    const chosen: AuditSettings = { ...opened.state!.settings, x: 'id', degree: 2 };

    const ran = await panelRun(paper, chosen);
    assert.equal(ran?.status, 'done', `${ran?.status}: ${ran?.error ?? ''}`);
    assert.deepEqual([ran!.result!.model.x, ran!.result!.model.degree], ['id', 2]);
    const list = parseForgetList(await readText(forgetUriOf(paper)), 'list');
    assert.deepEqual(list.model, { x: 'id', y: 'y', degree: 2, sigma: 'auto', lambda: 1 }, 'the run\'s settings are the list\'s model');
    assert.equal(list.entries.length, 30, 'the marks are kept');

    await closePanel(paper);
    const reopened = await openPanel(paper);
    assert.equal(reopened.result?.model.x, 'id', 'the kept result is shown again');
    assert.deepEqual([reopened.state!.settings.x, reopened.state!.settings.y, reopened.state!.settings.degree], ['id', 'y', 2], 'the form shows what the result was computed with');
    assert.equal(reopened.settingsDiffer, false);
    await eventually('the reopened result to be current', async () => (await snapshot(paper))?.stale, false);

    // A reviewer changes the model on disk: it wins, and the panel says the result is for other settings.
    const text = await readText(forgetUriOf(paper));
    await writeText(forgetUriOf(paper), text.replace('"degree": 2', '"degree": 4'));
    await waitFor('the panel to follow the new model', async () => {
      const snap = await snapshot(paper);
      return snap?.state?.settings.degree === 4 ? snap : undefined;
    }).then((snap) => {
      assert.equal(snap.result?.model.degree, 2, 'the old result is still shown with its own settings');
      assert.equal(snap.settingsDiffer, true, 'and the panel says they differ from the next run\'s');
      assert.equal(snap.stale, true);
    });
  });

  it('never writes the model over a forget list with unsaved edits, and still runs', async function () {
    this.timeout(90_000);
    const paper = await markedPaper('unsaved');
    const opened = await openPanel(paper);
    const listDoc = await vscode.workspace.openTextDocument(forgetUriOf(paper));
    const before = await readText(forgetUriOf(paper));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(listDoc.uri, new vscode.Position(0, 1), ' ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(listDoc.isDirty);
    try {
      const ran = await panelRun(paper, { ...opened.state!.settings, degree: 2 });
      assert.equal(ran?.status, 'done', `${ran?.status}: ${ran?.error ?? ''}`);
      assert.equal(ran!.result!.model.degree, 2);
      assert.equal(await readText(forgetUriOf(paper)), before, 'the list on disk is untouched');
      assert.equal(listDoc.getText().startsWith('{ '), true, 'and the unsaved edit is still there');
    } finally {
      await vscode.window.showTextDocument(listDoc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('picks a date as x and the last numeric column as y, and says it is a guess until a run', async function () {
    this.timeout(60_000);
    const dir = workspaceUri('scratch', 'co2');
    await vscode.workspace.fs.createDirectory(dir);
    const co2 = vscode.Uri.joinPath(dir, 'co2.csv');
    const rows = Array.from({ length: 60 }, (_, i) => {
      const date = `${1958 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
      return `${date},${(315 + i * 0.1 + 3 * Math.sin(i / 2)).toFixed(2)},${(315 + i * 0.1).toFixed(2)}`;
    });
    await writeText(co2, ['Date,CO2,adjusted CO2', ...rows].join('\n') + '\n');
    await openDataset(co2);
    const opened = await openPanel(co2);
    assert.deepEqual([opened.state!.settings.x, opened.state!.settings.y], ['Date', 'adjusted CO2']);
    assert.equal(opened.state!.columnsGuessed, true);

    const ran = await panelRun(co2, { ...opened.state!.settings, y: 'CO2' });
    assert.equal(ran?.status, 'done', `${ran?.status}: ${ran?.error ?? ''}`);
    assert.equal(ran!.state!.columnsGuessed, false, 'settings a person ran are no guess');
  });
});
