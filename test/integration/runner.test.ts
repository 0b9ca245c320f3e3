// Unlearning in the worker thread: the same numbers as the engine run here in the test
// process, a result kept for hovers until the marks change, cancel, crashes reported
// clearly without breaking the next run, and the export of the wanted rows.

import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { parseForgetList } from '../../src/engine/forgetList';
import { auditText } from '../../src/engine/pipeline';
import type { AuditSettings } from '../../src/engine/types';
import type { PanelState, WorkerResult } from '../../src/protocol';
import { activate, eventually, forgetUriOf, openDataset, readText, scratchCopy, waitFor, workspaceUri, writeText } from './helpers';

function run(uri: vscode.Uri, settings?: AuditSettings): Thenable<WorkerResult | undefined> {
  return vscode.commands.executeCommand<WorkerResult | undefined>('unlearn._run', uri, settings);
}

describe('Unlearning in the worker', () => {
  let paper: vscode.Uri;
  let settings: AuditSettings;

  before(async function () {
    this.timeout(30_000);
    await activate();
    paper = await scratchCopy('runner', ['samples', 'paper.csv']);
    await openDataset(paper);
    const marked = await vscode.commands.executeCommand<number>('unlearn.markWhere', { expression: 'source == "sensor-B"', reason: 'sensor fault' });
    assert.ok(marked > 0);
    settings = (await vscode.commands.executeCommand<PanelState>('unlearn._describe', paper)).settings;
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('unlearn._useWorkerScript', undefined);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('gives exactly the numbers of the engine run in the test process', async function () {
    this.timeout(60_000);
    assert.deepEqual([settings.x, settings.y], ['x', 'y'], 'x and y are picked from the sample');
    const result = await run(paper, settings);
    assert.ok(result, 'the run finished');

    const expected = auditText({
      text: await readText(paper),
      fileName: 'paper.csv',
      path: 'paper.csv',
      forgetList: parseForgetList(await readText(forgetUriOf(paper)), 'paper.csv.forget.json'),
      overrides: settings,
      sweep: 'default',
      maxPoints: 20_000,
    });
    assert.equal(result.result.dataset.unwanted, 30);
    assert.deepEqual(result.result, expected.result);
    assert.deepEqual(result.sweep, expected.sweep);
    assert.deepEqual(result.points, expected.points);
  });

  it('keeps the result for hovers until the marks change', async function () {
    this.timeout(60_000);
    const result = await run(paper, settings);
    assert.ok(result);
    assert.ok(await vscode.commands.executeCommand('unlearn._lastResult', paper), 'the result is kept');

    const evidence = result.result.unwantedRows[0];
    const hover = await waitFor('a hover with recall probabilities', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        paper,
        new vscode.Position(evidence.line - 1, 1),
      );
      return hovers
        .flatMap((h) => h.contents)
        .map((c) => (c as vscode.MarkdownString).value)
        .find((v) => v?.includes('Recall probability'));
    });
    const shown = /before ([\d.e+-]+) %, after EMSE ([\d.e+-]+) %, retrained ([\d.e+-]+) %/.exec(hover);
    assert.ok(shown, hover);
    const expected = [evidence.recallBefore, evidence.recallAfter, evidence.recallRetrain].map((p) => p * 100);
    shown.slice(1).forEach((text, i) => {
      // Rounded for display: one decimal, or two significant digits below 0.1 %.
      assert.ok(Math.abs(Number(text) - expected[i]) <= Math.max(0.05, expected[i] * 0.05), `${text} % vs ${expected[i]} %`);
    });

    await vscode.commands.executeCommand('unlearn.markUnwanted', { uri: paper, lines: [2], reason: 'one more' });
    await eventually('result dropped when marks change', async () => (await vscode.commands.executeCommand('unlearn._lastResult', paper)) === undefined, true);
  });

  it('cancels a run at once', async function () {
    this.timeout(60_000);
    const rows = ['x,y'];
    for (let i = 0; i < 600_000; i++) rows.push(`${(i / 60_000).toFixed(5)},${Math.sin(i / 50_000).toFixed(5)}`);
    const big = vscode.Uri.joinPath(paper, '..', 'big.csv');
    await writeText(big, `${rows.join('\n')}\n`);

    const started = run(big, { ...settings, x: 'x', y: 'y' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const cancelledAt = Date.now();
    await vscode.commands.executeCommand('unlearn._cancel');
    assert.equal(await started, undefined, 'a cancelled run resolves undefined');
    assert.ok(Date.now() - cancelledAt < 2_000, 'the worker is terminated, not waited for');
    assert.ok(await run(paper, settings), 'the next run works');
  });

  it('cancels a worker that never answers by terminating it', async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('unlearn._useWorkerScript', workspaceUri('fixtures', 'workers', 'silent.js').fsPath);
    const started = run(paper, settings);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await vscode.commands.executeCommand('unlearn._cancel');
    assert.equal(await started, undefined);
  });

  for (const [script, expected] of [
    ['throws.js', /worker crashed/],
    ['exits.js', /exit code 3/],
    ['garbage.js', /invalid message/],
  ] as const) {
    it(`reports a worker that misbehaves (${script}) and stays usable`, async function () {
      this.timeout(60_000);
      await vscode.commands.executeCommand('unlearn._useWorkerScript', workspaceUri('fixtures', 'workers', script).fsPath);
      await assert.rejects(Promise.resolve(run(paper, settings)), (e: Error) => {
        assert.match(e.message, /^Unlearning failed: /);
        assert.match(e.message, expected);
        return true;
      });
      await vscode.commands.executeCommand('unlearn._useWorkerScript', undefined);
      assert.ok(await run(paper, settings), 'the next run works');
    });
  }

  it('reports a data problem with the file it is about', async () => {
    await assert.rejects(Promise.resolve(run(paper, { ...settings, y: 'no_such_column' })), /no column "no_such_column"/);
  });

  it('exports the wanted rows, keeping the header and formatting, never over the original', async () => {
    const target = vscode.Uri.joinPath(paper, '..', 'paper.wanted.csv');
    const written = await vscode.commands.executeCommand<vscode.Uri>('unlearn._exportWanted', paper, target);
    assert.equal(written?.toString(), target.toString());

    const unwantedLines = new Set(
      (JSON.parse(await readText(forgetUriOf(paper))) as { entries: { line: number }[] }).entries.map((e) => e.line),
    );
    const expected = (await readText(paper))
      .split('\n')
      .filter((_, i) => !unwantedLines.has(i + 1))
      .join('\n');
    assert.equal(await readText(target), expected);

    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('unlearn._exportWanted', paper, paper)), /original/);
  });
});
