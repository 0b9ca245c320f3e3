// Under a seeded random mix of on-disk writes and deletes (of the forget list and the
// dataset), unsaved edits, reverts, closes and mark commands fired without waiting for the
// extension to settle, the decorations, status bar and Problems end up equal to a fresh
// read of the files — whatever order the watcher events and the reads finish in.

import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { parseDataset } from '../../src/engine/dataset';
import { addRows, emptyForgetList, matchForgetList, parseForgetList, serializeForgetList } from '../../src/engine/forgetList';
import type { ForgetList } from '../../src/engine/types';
import { seededRandom } from '../engine/random';
import { activate, eventually, forgetUriOf, markedLines, openDataset, readText, scratchCopy, unlearnProblems, writeText } from './helpers';

/** Steps per round and rounds per seed: each round ends with a comparison against the files. */
const STEPS = 24;
const ROUNDS = 3;
const SEEDS = (process.env.UNLEARN_STRESS_SEEDS ?? '7,1234').split(',').map(Number);

interface Expected {
  lines: number[];
  status: string;
  /** Fingerprints of the stale entries, sorted; undefined when the list is unreadable. */
  stale: string[] | undefined;
  /** 1-based lines of the dataset's parse errors. */
  errorLines: number[];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What the UI must show, from the files as they are now (the open editor's text wins over the disk). */
async function freshRead(dataset: vscode.Uri): Promise<Expected> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === dataset.toString() && !d.isClosed);
  const text = doc ? doc.getText() : await readText(dataset);
  const ds = parseDataset(text, 'paper.csv');
  let listText: string | undefined;
  try {
    listText = await readText(forgetUriOf(dataset));
  } catch {
    listText = undefined;
  }
  let list: ForgetList = emptyForgetList('paper.csv');
  let broken = false;
  if (listText !== undefined) {
    try {
      list = parseForgetList(listText, 'paper.csv.forget.json');
    } catch {
      broken = true;
    }
  }
  const match = matchForgetList(list, ds);
  const lines = match.unwantedRows.flatMap((row) => {
    const out: number[] = [];
    for (let line = ds.lineOf(row); line <= ds.endLineOf(row); line++) out.push(line);
    return out;
  });
  return {
    lines,
    status: `$(eye-closed) ${match.unwantedRows.length} unwanted of ${ds.rowCount} rows`,
    stale: broken ? undefined : match.stale.map((i) => list.entries[i].fingerprint).sort(),
    errorLines: ds.errors.map((e) => e.line).sort((a, b) => a - b),
  };
}

/** The same facts, as the extension shows them. */
async function shown(dataset: vscode.Uri): Promise<Expected> {
  const listProblems = unlearnProblems(forgetUriOf(dataset));
  const brokenList = listProblems.some((d) => d.severity === vscode.DiagnosticSeverity.Error);
  return {
    lines: await markedLines(dataset),
    status: (await vscode.commands.executeCommand<string | undefined>('unlearn._statusBarText')) ?? '(hidden)',
    stale: brokenList ? undefined : listProblems.map((d) => /fingerprint ([0-9a-f]{16})/.exec(d.message)?.[1] ?? d.message).sort(),
    errorLines: unlearnProblems(dataset)
      .filter((d) => d.severity === vscode.DiagnosticSeverity.Error)
      .map((d) => d.range.start.line + 1)
      .sort((a, b) => a - b),
  };
}

describe('Forget list sync under stress', function () {
  this.timeout(240_000);

  before(async () => {
    await activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  for (const seed of SEEDS) {
    it(`ends equal to a fresh read of the files after a random sequence of changes (seed ${seed})`, async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const random = seededRandom(seed);
      const pick = (n: number) => Math.floor(random() * n);
      const paper = await scratchCopy('stress', ['samples', 'paper.csv']);
      const listUri = forgetUriOf(paper);
      let editor: vscode.TextEditor | undefined = await openDataset(paper);
      const pending: Thenable<unknown>[] = [];
      const log: string[] = [];

      /** Each step changes one thing and does not wait for the extension to catch up. */
      const steps: [string, () => Promise<void>][] = [
        ['write list', async () => {
          const ds = parseDataset(await readText(paper), 'paper.csv');
          const rows = Array.from({ length: 1 + pick(6) }, () => pick(ds.rowCount));
          await writeText(listUri, serializeForgetList(addRows(emptyForgetList('paper.csv'), ds, [...new Set(rows)], 'tool', '2026-01-02')));
        }],
        ['delete list', async () => {
          await vscode.workspace.fs.delete(listUri).then(undefined, () => undefined);
        }],
        // Created and deleted within one watcher batch, which then reports neither, while a
        // freshly opened editor reads it in between.
        ['flash list', async () => {
          if (editor && !editor.document.isClosed && vscode.window.activeTextEditor === editor) {
            await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
          }
          const ds = parseDataset(await readText(paper), 'paper.csv');
          await writeText(listUri, serializeForgetList(addRows(emptyForgetList('paper.csv'), ds, [pick(ds.rowCount)], 'flash', '2026-01-02')));
          editor = await openDataset(paper);
          await sleep(pick(40));
          await vscode.workspace.fs.delete(listUri).then(undefined, () => undefined);
        }],
        ['write broken list', async () => {
          await writeText(listUri, '{ "version": 1, "entries": [ ');
        }],
        ['mark lines', async () => {
          if (!editor) return;
          const lines = [2 + pick(40), 2 + pick(40)];
          pending.push(vscode.commands.executeCommand('unlearn.toggleMark', { uri: paper, lines, reason: 'stress' }));
        }],
        ['edit in editor', async () => {
          if (!editor || editor.document.isClosed) return;
          const where = random();
          const kind = pick(3);
          const inserted = `${900 + pick(99)},${random().toFixed(3)},1.5,typed\n`;
          const appended = random() < 0.3 ? ',ragged' : '7';
          pending.push(
            editor.edit((b) => {
              // Chosen when the edit applies: edits still pending may have changed the line count.
              const line = 1 + Math.floor(where * Math.max(1, editor!.document.lineCount - 2));
              const at = editor!.document.lineAt(Math.min(line, editor!.document.lineCount - 1));
              if (kind === 0) b.insert(at.range.start, inserted);
              else if (kind === 1) b.delete(at.rangeIncludingLineBreak);
              else b.insert(at.range.end, appended);
            }),
          );
        }],
        ['write dataset on disk', async () => {
          // Only while the editor has no unsaved edits: otherwise saving would ask about the conflict.
          if (editor && editor.document.isDirty) return;
          const text = await readText(paper);
          const lines = text.split('\n');
          const at = 1 + pick(lines.length - 2);
          lines.splice(at, 0, `${800 + pick(99)},${random().toFixed(3)},2.5,disk`);
          await writeText(paper, lines.join('\n'));
        }],
        ['revert', async () => {
          if (!editor || editor.document.isClosed || vscode.window.activeTextEditor !== editor) return;
          pending.push(vscode.commands.executeCommand('workbench.action.files.revert'));
        }],
        ['close and reopen', async () => {
          if (editor && !editor.document.isClosed && vscode.window.activeTextEditor === editor) {
            await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
            editor = undefined;
          } else {
            editor = await openDataset(paper);
          }
        }],
      ];

      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < STEPS; i++) {
          const [name, step] = steps[pick(steps.length)];
          log.push(name);
          await step();
          await sleep(pick(3) === 0 ? 0 : pick(60));
        }
        await Promise.allSettled(pending.splice(0));
        editor = await openDataset(paper); // the status bar shows the active dataset
        const what = `round ${round + 1} of seed ${seed} (${log.slice(-STEPS).join(', ')})`;
        // Nothing changes the files any more: the shown state must converge on a fresh read
        // (polled, as watcher events may still be on their way) and then stay there.
        await eventually(`the editor shows the files after ${what}`, async () => {
          const [actual, expected] = [await shown(paper), await freshRead(paper)];
          return JSON.stringify(actual) === JSON.stringify(expected) ? 'equal' : JSON.stringify({ actual, expected });
        }, 'equal', 15_000);
        await sleep(500);
        assert.deepEqual(await shown(paper), await freshRead(paper), `still equal after ${what}`);
      }
    });
  }
});
