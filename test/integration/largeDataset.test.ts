// Figures, not assertions: the extension host's longest event-loop stall while a 1M-row
// dataset is opened, 10k of its rows are marked by expression, and unlearning runs on it.
// The file (24 MB) is generated in the test workspace. Lines start with "[timing]"; with
// UNLEARN_TIMINGS_FILE set they are also appended to that file.

import * as fs from 'fs';
import { monitorEventLoopDelay } from 'perf_hooks';
import * as vscode from 'vscode';
import { activate, forgetUriOf, openDataset, waitFor, workspaceUri } from './helpers';

const ROWS = 1_000_000;
const UNWANTED_EVERY = 100;

function report(line: string): void {
  console.log(`[timing] ${line}`);
  const file = process.env.UNLEARN_TIMINGS_FILE;
  if (file) fs.appendFileSync(file, `${line}\n`);
}

/** The longest gap between 10 ms ticks of a timer, and the event-loop delay histogram's max. */
async function stallDuring<T>(what: string, body: () => Promise<T>): Promise<T> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 10);
    last = now;
  }, 10);
  histogram.enable();
  const started = performance.now();
  try {
    return await body();
  } finally {
    clearInterval(timer);
    histogram.disable();
    report(
      `${what}: ${Math.round(performance.now() - started)} ms in all, longest extension-host stall ` +
        `${Math.round(longest)} ms (event-loop delay max ${Math.round(histogram.max / 1e6)} ms, p99 ${Math.round(histogram.percentile(99) / 1e6)} ms)`,
    );
  }
}

function statusBar(): Thenable<string | undefined> {
  return vscode.commands.executeCommand<string | undefined>('unlearn._statusBarText');
}

describe('A 1M-row dataset (timings)', function () {
  this.timeout(300_000);
  let big: vscode.Uri;

  before(async () => {
    await activate();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const dir = workspaceUri('scratch', 'large');
    await vscode.workspace.fs.createDirectory(dir);
    big = vscode.Uri.joinPath(dir, 'big.csv');
    const parts = ['id,x,y,source\n'];
    for (let i = 1; i <= ROWS; i++) {
      const x = (i % 1000) / 100;
      const y = (2 + 0.5 * x - 0.03 * x * x + ((i * 7919) % 101) / 500).toFixed(3);
      parts.push(`${i},${x},${y},${i % UNWANTED_EVERY === 0 ? 'unwanted' : 'field'}\n`);
    }
    const bytes = new TextEncoder().encode(parts.join(''));
    report(`generated ${ROWS} rows, ${(bytes.length / 1e6).toFixed(1)} MB`);
    await vscode.workspace.fs.writeFile(big, bytes);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(big, '..'), { recursive: true });
  });

  it('prints the longest stall while opening, marking 10k rows by expression, and running', async () => {
    // As activation-time discovery reads a dataset with a forget list: no editor, so no document sync.
    await stallDuring('read without an editor (columns and settings for the panel)', async () => {
      await vscode.commands.executeCommand('unlearn._describe', big);
    });
    // The baseline: VS Code syncing a document of the same size (not a dataset) to the extension host.
    const plain = vscode.Uri.joinPath(big, '..', 'big.txt');
    await vscode.workspace.fs.copy(big, plain);
    await stallDuring('baseline: open the same bytes as big.txt (VS Code\'s document sync alone)', async () => {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(plain), { preview: false });
    });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // This includes VS Code syncing the 24 MB document to the extension host, as above.
    await stallDuring('open in an editor (until the status bar counts the rows)', async () => {
      await openDataset(big);
      await waitFor('the row count', async () => ((await statusBar())?.includes(`of ${ROWS} rows`) ? true : undefined), 120_000);
    });
    await stallDuring('mark rows where source == "unwanted"', async () => {
      await vscode.commands.executeCommand('unlearn.markWhere', { uri: big, expression: 'source == "unwanted"', reason: 'timing' });
      await waitFor('10k marks', async () => ((await statusBar())?.startsWith(`$(eye-closed) ${ROWS / UNWANTED_EVERY} unwanted`) ? true : undefined), 120_000);
    });
    await stallDuring('scroll to the middle (decorations of the visible rows)', async () => {
      const editor = vscode.window.activeTextEditor!;
      editor.revealRange(new vscode.Range(ROWS / 2, 0, ROWS / 2, 0));
      await new Promise((resolve) => setTimeout(resolve, 1000));
    });
    await stallDuring('toggle the mark of one row (10k entries in the list)', async () => {
      await vscode.commands.executeCommand('unlearn.toggleMark', { uri: big, lines: [ROWS / 2 + 2], reason: 'timing' });
      await waitFor('10k + 1 marks', async () => ((await statusBar())?.startsWith(`$(eye-closed) ${ROWS / UNWANTED_EVERY + 1} unwanted`) ? true : undefined), 120_000);
    });
    await stallDuring('hover on a marked row', async () => {
      await vscode.commands.executeCommand('vscode.executeHoverProvider', big, new vscode.Position(ROWS / 2, 1));
    });
    await stallDuring('unlearning run', async () => {
      const result = await vscode.commands.executeCommand('unlearn._run', big);
      if (!result) throw new Error('the run returned no result');
    });
    await vscode.workspace.fs.delete(forgetUriOf(big));
  });
});
