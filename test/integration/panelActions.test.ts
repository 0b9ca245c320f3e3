// The panel's workspace actions, driven directly: the dialogs around them need a user,
// the writing and the JSON do not.

import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { writeFileAtomically } from '../../src/atomicWrite';
import { modelJson, reportUriFor } from '../../src/panelActions';
import type { PanelSnapshot } from '../../src/panel';
import { workspaceUri } from './helpers';


describe('Unlearn panel actions', () => {
  it('names the report after the dataset, beside it', () => {
    const report = reportUriFor(workspaceUri('samples', 'paper.csv'));
    assert.equal(report.toString(), workspaceUri('samples', 'paper.csv.audit.md').toString());
  });

  it('replaces a file atomically and leaves no temporary file behind', async () => {
    const target = workspaceUri('atomic-test.md');
    await writeFileAtomically(target, 'first\n');
    await writeFileAtomically(target, 'second\n');
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)), 'second\n');
    const leftovers = (await vscode.workspace.fs.readDirectory(workspaceUri())).filter(([name]) => name.includes('atomic-test.md') && name !== 'atomic-test.md');
    assert.deepEqual(leftovers, []);
    await vscode.workspace.fs.delete(target);
  });

  it('copies the settings and all three models of the last run as JSON', async function () {
    this.timeout(60_000);
    const paper = workspaceUri('samples', 'paper.csv');
    await vscode.commands.executeCommand('unlearn.runUnlearning', paper);
    const snap = await vscode.commands.executeCommand<PanelSnapshot | undefined>('unlearn._panelSnapshot', paper);
    assert.ok(snap?.result, `the run produced a result (${snap?.status}: ${snap?.error ?? ''})`);
    const copied = JSON.parse(modelJson(snap.result));
    assert.deepEqual(Object.keys(copied), ['x', 'y', 'degree', 'sigma', 'lambda', 'models']);
    assert.equal(copied.x, 'x');
    assert.equal(typeof copied.sigma, 'number', 'σ is the resolved number, not "auto"');
    for (const name of ['before', 'after', 'retrain']) {
      assert.equal(copied.models[name].coefficients.length, copied.degree + 1, `${name} has degree + 1 coefficients`);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
