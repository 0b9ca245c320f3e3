// "Unlearn: Save Audit Receipt" in the real editor: the digests are those of the files on disk,
// the coefficients those of the engine on the same bytes, and the CLI's `unlearn verify`
// (built from this repository) accepts the receipt the editor wrote.

import * as assert from 'assert/strict';
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { auditText } from '../../src/engine/pipeline';
import { parseForgetList } from '../../src/engine/forgetList';
import { parseExactDecimal, parseReceipt } from '../../src/engine/receipt';
import type { AuditResult } from '../../src/engine/types';
import type { SaveReceiptOptions } from '../../src/receiptFile';
import { activate, forgetUriOf, openDataset, readText, scratchCopy, workspaceUri } from './helpers';

/** out/test/integration → the repository, whose dist/cli.js the build made. */
const cli = path.resolve(__dirname, '../../../dist/cli.js');

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function saveReceipt(dataset: vscode.Uri, options: SaveReceiptOptions): Thenable<vscode.Uri | undefined> {
  return vscode.commands.executeCommand<vscode.Uri | undefined>('unlearn.saveReceipt', dataset, options);
}

describe('Audit receipts', () => {
  let paper: vscode.Uri;

  before(async () => {
    await activate();
  });

  beforeEach(async () => {
    paper = await scratchCopy('receipt', ['samples', 'paper.csv']);
    await vscode.workspace.fs.copy(workspaceUri('samples', 'paper.csv.forget.json'), forgetUriOf(paper));
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('records the digests of the files on disk and the engine\'s exact coefficients, and `unlearn verify` accepts it', async function () {
    this.timeout(60_000);
    const target = vscode.Uri.joinPath(paper, '..', 'paper.csv.receipt.json');
    assert.equal((await saveReceipt(paper, { target }))?.toString(), target.toString());
    const receipt = parseReceipt(await readText(target), 'paper.csv.receipt.json');
    const data = await vscode.workspace.fs.readFile(paper);
    const list = await vscode.workspace.fs.readFile(forgetUriOf(paper));
    assert.deepEqual(receipt.dataset, { path: 'paper.csv', sha256: sha256(data), bytes: data.length });
    assert.deepEqual(receipt.forgetList, { path: 'paper.csv.forget.json', sha256: sha256(list), bytes: list.length });
    assert.equal(receipt.engineVersion, vscode.extensions.getExtension('unlearn-dev.unlearn')?.packageJSON.version);

    const engine = auditText({
      text: new TextDecoder().decode(data),
      fileName: 'paper.csv',
      path: 'paper.csv',
      forgetList: parseForgetList(new TextDecoder().decode(list), 'paper.csv.forget.json'),
      defaults: { degree: 3, sigma: 'auto', lambda: 1 },
      sweep: [],
    }).result;
    assert.equal(receipt.unwantedRows.length, 30);
    for (const name of ['before', 'after', 'retrain'] as const) {
      assert.deepEqual(receipt.models[name].coefficients.map(parseExactDecimal), engine.models[name].coefficients, `${name} coefficients, bit for bit`);
    }

    // The CLI re-runs the audit from the receipt and checks every field (exit 0 = all match).
    const out = execFileSync(process.execPath, [cli, 'verify', target.fsPath], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    assert.match(out, /paper\.csv/);
  });

  it('refuses while the dataset has unsaved edits, and writes nothing', async () => {
    const editor = await openDataset(paper);
    await editor.edit((e) => e.insert(new vscode.Position(1, 0), '999,1,1,edited\n'));
    assert.ok(editor.document.isDirty);
    const target = vscode.Uri.joinPath(paper, '..', 'dirty.receipt.json');
    try {
      assert.equal(await saveReceipt(paper, { target }), undefined);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(target)), /FileNotFound|ENOENT|not found/i);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('is for the files as they are now when the shown result is older', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('unlearn.runUnlearning', paper);
    const shown = (await vscode.commands.executeCommand<{ result?: AuditResult }>('unlearn._panelSnapshot', paper))?.result;
    assert.ok(shown, 'the panel ran');
    // The list changes on disk after the run: the receipt must describe the new list, not the shown result.
    const listText = await readText(forgetUriOf(paper));
    const fewer = listText.replace(/\n    \{ "row": 77,[^\n]*\n/, '\n');
    assert.notEqual(fewer, listText);
    await vscode.workspace.fs.writeFile(forgetUriOf(paper), new TextEncoder().encode(fewer));
    const target = vscode.Uri.joinPath(paper, '..', 'later.receipt.json');
    await saveReceipt(paper, { target, shown });
    const receipt = parseReceipt(await readText(target), 'later.receipt.json');
    assert.equal(receipt.forgetList?.sha256, sha256(new TextEncoder().encode(fewer)));
    assert.equal(receipt.unwantedRows.length, 29);
    assert.ok(!receipt.unwantedRows.includes(77));
  });
});
