// The panel in a real extension host: one webview panel per dataset, its script loads
// under the strict CSP (it says 'ready', so the host sends it the dataset's state), and
// "Run EMSE Unlearning" produces a result on the paper sample that beats the model
// trained on all rows.

import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import type { PanelSnapshot } from '../../src/panel';
import { workspaceUri } from './helpers';

const VIEW_TYPE = 'unlearn.panel';

function paperUri(): vscode.Uri {
  return workspaceUri('samples', 'paper.csv');
}

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(VIEW_TYPE));
}

function snapshot(uri: vscode.Uri): Thenable<PanelSnapshot | undefined> {
  return vscode.commands.executeCommand<PanelSnapshot | undefined>('unlearn._panelSnapshot', uri);
}

/** Polls until `probe` returns a value; fails with `what` after the timeout. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Unlearn panel', () => {
  before(async () => {
    await vscode.extensions.getExtension('unlearn-dev.unlearn')?.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens one panel per dataset beside the editor, and its webview loads', async () => {
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(paperUri()));
    await vscode.commands.executeCommand('unlearn.openPanel');

    const tabs = await waitFor('the panel tab', () => (panelTabs().length > 0 ? panelTabs() : undefined));
    assert.equal(tabs.length, 1);
    assert.equal(tabs[0].label, 'Unlearn: paper.csv');
    assert.notEqual(tabs[0].group.viewColumn, editor.viewColumn, 'the panel opens beside the dataset');

    // The host learns the dataset's state only when the webview's script posts 'ready',
    // which it cannot do if the CSP blocked the bundle.
    const loaded = await waitFor('the webview to say ready', async () => {
      const snap = await snapshot(paperUri());
      return snap?.state ? snap : undefined;
    });
    assert.equal(loaded.viewType, VIEW_TYPE);
    assert.equal(loaded.state?.datasetLabel.endsWith('paper.csv'), true);
    assert.ok(loaded.state!.columns.some((c) => c.name === 'x'), 'x is offered as a column');
    assert.ok(loaded.state!.rowCount > 0);

    await vscode.commands.executeCommand('unlearn.openPanel', paperUri());
    assert.equal(panelTabs().length, 1, 'opening again reveals the same panel');
  });

  it('runs EMSE unlearning on the sample and improves Fair R² over the model trained on all rows', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('unlearn.runUnlearning', paperUri());

    const snap = await snapshot(paperUri());
    assert.ok(snap, 'a panel is open for the dataset');
    assert.equal(snap.status, 'done', `run ended as ${snap.status}: ${snap.error ?? ''}`);
    assert.equal(snap.lastPosted, 'result');
    assert.equal(snap.stale, false);
    const result = snap.result!;
    assert.ok(result.dataset.unwanted > 0, 'the sample has rows on its forget list');
    assert.equal(result.unwantedRows.length, result.dataset.unwanted);
    assert.ok(result.after.fairR2 > result.before.fairR2, `Fair R² ${result.before.fairR2} → ${result.after.fairR2}`);
    assert.ok(result.after.r2Wanted > result.before.r2Wanted);
    assert.equal(snap.chartPointCount, result.dataset.valid, 'a small dataset is charted in full');
  });

  it('marks the result stale when the dataset text changes', async () => {
    const document = await vscode.workspace.openTextDocument(paperUri());
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, document.lineAt(document.lineCount - 1).range.end, '\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    try {
      await waitFor('the result to go stale', async () => ((await snapshot(paperUri()))?.stale ? true : undefined));
    } finally {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });
});
