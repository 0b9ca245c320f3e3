// Large datasets are parsed and matched in the index worker; small ones in the extension
// host. The two paths must show exactly the same thing: the same file, read both ways.

import * as vscode from 'vscode';
import { activate, eventually, forgetUriOf, markedLines, openDataset, readText, scratchCopy, unlearnProblems, writeText } from './helpers';

/** Everything the editor shows about a dataset and its list. */
async function shown(uri: vscode.Uri, hoverLines: number[]) {
  const problems = (target: vscode.Uri) =>
    unlearnProblems(target)
      .map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.severity} ${d.message}`)
      .sort();
  const hovers: string[] = [];
  for (const line of hoverLines) {
    const found = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line - 1, 1));
    hovers.push(
      found
        .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
        .filter((text) => text.includes('Unwanted row'))
        .join('|'),
    );
  }
  return {
    lines: await markedLines(uri),
    status: await vscode.commands.executeCommand<string | undefined>('unlearn._statusBarText'),
    datasetProblems: problems(uri),
    listProblems: problems(forgetUriOf(uri)),
    hovers,
  };
}

describe('Large-dataset path', () => {
  before(async () => {
    await activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('unlearn._useWorkerAbove', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the same marks, status bar, hovers and Problems as parsing in the extension host', async () => {
    const paper = await scratchCopy('worker-path', ['samples', 'paper.csv']);
    await openDataset(paper);
    await vscode.commands.executeCommand('unlearn.markUnwanted', { lines: [3, 5, 8], reason: 'by hand' });
    await vscode.commands.executeCommand('unlearn.markWhere', { expression: 'x > 9', reason: 'where' });
    // Another tool changes row 4 (its entry goes stale) and adds a ragged and a non-numeric row.
    const lines = (await readText(paper)).split('\n');
    lines[4] = `${lines[4]}1`;
    lines.splice(20, 0, '500,1,2,3,4', '501,abc,2.0,field-team');
    await writeText(paper, lines.join('\n'));
    const hoverLines = [3, 5, 8, 21, 150];
    await eventually('the stale entry reported', async () => (await shown(paper, hoverLines)).listProblems.length, 1);
    const onHost = await shown(paper, hoverLines);

    await vscode.commands.executeCommand('unlearn._useWorkerAbove', 0);
    await eventually('the worker path shows the same', () => shown(paper, hoverLines), onHost);

    // Marks made on the worker path read the same on the host path.
    await vscode.commands.executeCommand('unlearn.markWhere', { expression: 'x < 0.5 && source == "survey"', reason: 'where 2' });
    await vscode.commands.executeCommand('unlearn.toggleMark', { lines: [30, 31], reason: 'toggle' });
    await eventually('worker-path marks shown', async () => (await shown(paper, hoverLines)).status !== onHost.status, true);
    const onWorker = await shown(paper, [...hoverLines, 30, 31]);
    await vscode.commands.executeCommand('unlearn._useWorkerAbove', undefined);
    await eventually('the host path shows the same', () => shown(paper, [...hoverLines, 30, 31]), onWorker);
  });
});
