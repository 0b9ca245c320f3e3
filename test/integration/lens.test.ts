// The rows behind a forget list's fingerprints, in the real editor: a CodeLens per entry
// (row, line, preview or "stale"), a hover with the whole row, a jump to the row — in the
// working-tree file and on the git: sides of the diff editor Source Control opens, where
// entries are matched against the dataset at the same ref.

import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { parseDataset } from '../../src/engine/dataset';
import { matchForgetList, parseForgetList } from '../../src/engine/forgetList';
import { parseJsonWithPositions } from '../../src/engine/jsonPositions';
import { makeRepo, type TestRepo } from './gitRepo';
import { activate, forgetUriOf, readText, scratchCopy, waitFor, workspaceUri, writeText } from './helpers';

/** Lenses on a 0-based line, by title. */
async function lensTitles(uri: vscode.Uri): Promise<Map<number, string[]>> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  const byLine = new Map<number, string[]>();
  for (const lens of lenses) {
    const titles = byLine.get(lens.range.start.line) ?? [];
    titles.push(lens.command?.title ?? '');
    byLine.set(lens.range.start.line, titles);
  }
  return byLine;
}

async function lensesOn(uri: vscode.Uri, line: number): Promise<vscode.CodeLens[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses.filter((l) => l.range.start.line === line);
}

function entryLines(listText: string): number[] {
  return parseJsonWithPositions(listText).elementLines.get('entries') ?? [];
}

/** Changes y on a 1-based file line of a CSV text, so that row's fingerprint changes. */
function editRow(csv: string, line: number): string {
  const lines = csv.split('\n');
  const cells = lines[line - 1].split(',');
  cells[2] = String(Number(cells[2]) + 1000);
  lines[line - 1] = cells.join(',');
  return lines.join('\n');
}

describe('Forget-list row lenses', () => {
  let repo: TestRepo;
  let dataset: vscode.Uri;
  let list: vscode.Uri;

  before(async function () {
    this.timeout(60_000);
    await activate();
    repo = await makeRepo('lens-repo', ['paper.csv', 'paper.csv.forget.json']);
    dataset = repo.file('paper.csv');
    list = repo.file('paper.csv.forget.json');
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the matched row, its line and a preview on every entry, as the engine matches them', async () => {
    const listText = await readText(list);
    const ds = parseDataset(await readText(dataset), 'paper.csv');
    const match = matchForgetList(parseForgetList(listText, 'paper.csv.forget.json'), ds);
    assert.equal(match.stale.length, 0, 'the sample list matches its dataset');
    await vscode.window.showTextDocument(list);
    const titles = await waitFor('lenses on the forget list', async () => {
      const t = await lensTitles(list);
      return t.size > 0 ? t : undefined;
    });
    const lines = entryLines(listText);
    assert.equal(lines.length, 30);
    lines.forEach((line, i) => {
      const row = match.rowOfEntry[i];
      const id = ds.cell(row, 'id');
      assert.deepEqual(titles.get(line - 1), [`$(go-to-file) Row ${row + 1} (line ${ds.lineOf(row)}): id=${id}, x=${ds.cell(row, 'x')}, y=${ds.cell(row, 'y')}, source=${ds.cell(row, 'source')}`]);
    });
    const summary = titles.get(parseJsonWithPositions(listText).memberLines.get('entries')! - 1) ?? [];
    assert.ok(summary.includes('Unlearn: 30 entries · 30 matched · 0 stale in paper.csv'), summary.join(' | '));
  });

  it('hovers with the whole row and the reason, and a click reveals the row in the dataset', async () => {
    const listText = await readText(list);
    const line = entryLines(listText)[0];
    await vscode.window.showTextDocument(list);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', list, new vscode.Position(line - 1, 10));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*Row 77\*\* \(line 78\)/);
    assert.match(text, /- source: \S+/);
    assert.match(text, /Reason: sensor(&nbsp;| )B(&nbsp;| )was(&nbsp;| )miscalibrated/);

    const [lens] = await lensesOn(list, line - 1);
    assert.ok(lens.command, 'the entry lens has a command');
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
    const editor = await waitFor('the dataset editor', () =>
      vscode.window.activeTextEditor?.document.uri.toString() === dataset.toString() ? vscode.window.activeTextEditor : undefined,
    );
    assert.equal(editor.selection.start.line, 77, 'line 78 is selected');
  });

  it('follows unsaved edits of the list, and shows JSONL rows by dot path', async () => {
    const jsonl = await scratchCopy('lens-jsonl', ['samples', 'sensors.jsonl']);
    const jsonlList = forgetUriOf(jsonl);
    await vscode.workspace.fs.copy(workspaceUri('samples', 'sensors.jsonl.forget.json'), jsonlList);
    const listText = await readText(jsonlList);
    const lines = entryLines(listText);
    const editor = await vscode.window.showTextDocument(jsonlList);
    const before = await waitFor('lenses on the JSONL list', async () => {
      const t = await lensTitles(jsonlList);
      return t.size > 0 ? t : undefined;
    });
    assert.match(before.get(lines[1] - 1)?.[0] ?? '', /^\$\(go-to-file\) Row 18 \(line 18\): id=18, time=2026-04-13T22:01:27\.447Z, device=probe-9, reading\.temp=33\.02/);
    // Unsaved: the first entry's row number is changed by hand; the lens says it was re-matched.
    const first = editor.document.lineAt(lines[0] - 1);
    await editor.edit((e) => e.replace(first.range, first.text.replace('"row": 8,', '"row": 30,')));
    try {
      const after = await lensTitles(jsonlList);
      assert.match(after.get(lines[0] - 1)?.[0] ?? '', /^\$\(go-to-file\) Row 8 \(line 8, was row 30\)/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('matches the HEAD side of the diff from Source Control against the dataset at HEAD', async function () {
    this.timeout(60_000);
    const original = await readText(dataset);
    const listText = await readText(list);
    // Working tree: row 77 (line 78) edited, so its entry turns stale here but not at HEAD; one entry removed.
    await writeText(dataset, editRow(original, 78));
    const edited = listText.split('\n');
    const removedLine = entryLines(listText)[1];
    edited.splice(removedLine - 1, 1);
    await writeText(list, edited.join('\n'));
    try {
      await waitFor('the Git extension to see the changed list', () =>
        repo.repository.state.workingTreeChanges.some((c) => c.uri.fsPath === list.fsPath) ? true : undefined,
      );
      await vscode.commands.executeCommand('git.openChange', list);
      const diff = await waitFor('the diff editor', () => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return input instanceof vscode.TabInputTextDiff ? input : undefined;
      });
      assert.equal(diff.original.scheme, 'git');
      assert.equal(diff.modified.toString(), list.toString());

      const head = await waitFor('lenses on the HEAD side', async () => {
        const t = await lensTitles(diff.original);
        return t.size > 0 ? t : undefined;
      });
      const headLines = entryLines(listText);
      assert.deepEqual(head.get(headLines[0] - 1), ['$(go-to-file) Row 77 (line 78): id=77, x=' + parseDataset(original, 'paper.csv').cell(76, 'x') + ', y=' + parseDataset(original, 'paper.csv').cell(76, 'y') + ', source=' + parseDataset(original, 'paper.csv').cell(76, 'source')]);
      assert.ok(head.get(headLines[1] - 1)?.[0].startsWith('$(go-to-file) Row 80 (line 81)'), 'the removed entry shows its row at HEAD');
      const headSummary = head.get(parseJsonWithPositions(listText).memberLines.get('entries')! - 1) ?? [];
      assert.ok(headSummary.includes('Unlearn: 30 entries · 30 matched · 0 stale in paper.csv at HEAD'), headSummary.join(' | '));

      const working = await lensTitles(list);
      assert.deepEqual(working.get(headLines[0] - 1), ['$(warning) Stale: no row of paper.csv has this content (was row 77)']);

      // The HEAD side's jump opens the dataset as it is at HEAD.
      const [lens] = await lensesOn(diff.original, headLines[1] - 1);
      await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
      const editor = await waitFor('the dataset at HEAD', () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.scheme === 'git' && e.document.uri.path.endsWith('/paper.csv') ? e : undefined;
      });
      assert.equal(editor.selection.start.line, 80);
      assert.equal(editor.document.lineAt(77).text, original.split('\n')[77], 'the row as committed, not as edited');
    } finally {
      await writeText(dataset, original);
      await writeText(list, listText);
    }
  });

  it('matches the staged (index) side against the staged dataset', async function () {
    this.timeout(60_000);
    const original = await readText(dataset);
    await writeText(dataset, editRow(original, 78));
    try {
      repo.git('add', 'paper.csv');
      await writeText(dataset, original); // the working tree is back; the index keeps the edit
      // What Source Control opens as the staged side: ref "" (the index).
      const staged = repo.api.toGitUri(list, '');
      await vscode.window.showTextDocument(staged);
      const line = entryLines(await readText(list))[0];
      const titles = await waitFor('lenses on the index side', async () => {
        const t = await lensTitles(staged);
        return t.size > 0 ? t : undefined;
      });
      assert.deepEqual(titles.get(line - 1), ['$(warning) Stale: no row of paper.csv has this content (was row 77)']);
      assert.ok([...titles.values()].flat().some((t) => t.includes('in paper.csv at the index (staged)')));
    } finally {
      repo.git('reset', '-q', 'paper.csv');
    }
  });
});
