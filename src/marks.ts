// The mark commands: mark / unmark / toggle the rows under every cursor and selection,
// mark rows matching an expression, clear the list, show the list. Each one edits the
// forget list through the store (atomic write); decorations and Problems follow its events.
// Every command also takes an optional argument object, for scripting and tests.

import * as vscode from 'vscode';
import * as config from './config';
import { panelFocus } from './panelFocus';
import { baseName, isDatasetUri } from './datasetDocuments';
import { UnlearnError } from './engine/errors';
import { removeEntries } from './engine/forgetList';
import { rowsAtLines, type MarkAction } from './markEdit';
import { compileWhere } from './engine/where';
import type { ForgetStore } from './forgetStore';

export interface MarkArgs {
  /** Dataset uri (string or Uri); default: the active editor's. */
  uri?: string | vscode.Uri;
  /** 1-based file lines; default: the lines under the editor's cursors and selections. */
  lines?: number[];
  /** Skips the reason prompt. */
  reason?: string;
}

export interface WhereArgs {
  uri?: string | vscode.Uri;
  /** Skips the expression prompt. */
  expression?: string;
  reason?: string;
}

export interface ClearArgs {
  uri?: string | vscode.Uri;
  /** Skips the confirmation dialog. */
  confirmed?: boolean;
}

const LAST_REASON_KEY = 'unlearn.lastReason';

/** Commands run from a menu get the resource uri; from scripts, an argument object. */
function argsOf<T extends { uri?: string | vscode.Uri }>(arg: unknown): T {
  if (arg instanceof vscode.Uri) return { uri: arg } as T;
  return typeof arg === 'object' && arg !== null ? (arg as T) : ({} as T);
}

function toUri(uri: string | vscode.Uri | undefined): vscode.Uri | undefined {
  return typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
}

/** Local date as YYYY-MM-DD: the day the user sees on their calendar. */
function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** 1-based lines touched by the editor's selections; a selection ending at column 0 stops on the line before. */
function selectedLines(editor: vscode.TextEditor): number[] {
  const lines = new Set<number>();
  for (const sel of editor.selections) {
    const last = sel.end.line > sel.start.line && sel.end.character === 0 ? sel.end.line - 1 : sel.end.line;
    for (let line = sel.start.line; line <= last; line++) lines.add(line + 1);
  }
  return [...lines].sort((a, b) => a - b);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export class MarkCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly store: ForgetStore,
    private readonly workspaceState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const command = (id: string, run: (arg: unknown) => Promise<number>) =>
      vscode.commands.registerCommand(id, (arg: unknown) => this.guard(id, () => run(arg)));
    this.disposables = [
      command('unlearn.markUnwanted', (arg) => this.mark(argsOf(arg), 'mark')),
      command('unlearn.unmark', (arg) => this.mark(argsOf(arg), 'unmark')),
      command('unlearn.toggleMark', (arg) => this.mark(argsOf(arg), 'toggle')),
      command('unlearn.markWhere', (arg) => this.markWhere(argsOf(arg))),
      command('unlearn.clearForgetList', (arg) => this.clear(argsOf(arg))),
      command('unlearn.showForgetList', (arg) => this.show(argsOf(arg))),
    ];
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }

  /** Runs a command, turning failures into one message; resolves to the number of rows changed. */
  private async guard(id: string, run: () => Promise<number>): Promise<number> {
    try {
      return await run();
    } catch (e) {
      const message = e instanceof UnlearnError ? e.describe() : e instanceof Error ? e.message : String(e);
      this.log.error(`${id}: ${message}`);
      void vscode.window.showErrorMessage(message);
      return 0;
    }
  }

  private target(uri: string | vscode.Uri | undefined): vscode.Uri {
    const target = toUri(uri) ?? vscode.window.activeTextEditor?.document.uri ?? panelFocus.datasetUri;
    if (!target || !isDatasetUri(target)) {
      throw new UnlearnError('Open a CSV, TSV or JSONL dataset first.');
    }
    return target;
  }

  private editorFor(uri: vscode.Uri): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active?.document.uri.toString() === uri.toString()) return active;
    return vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  }

  private async mark(args: MarkArgs, action: MarkAction): Promise<number> {
    const uri = this.target(args.uri);
    const editor = this.editorFor(uri);
    const lines = args.lines ?? (editor ? selectedLines(editor) : []);
    const snap = await this.store.snapshot(uri, true);
    const rows = rowsAtLines(snap.version.dataset, lines);
    if (rows.length === 0) {
      void vscode.window.showInformationMessage('No data row under the cursor (the header line is not a row).');
      return 0;
    }
    // Ask only when something may get marked; the edit below decides on the list as read from disk.
    const unmarkedRows = action === 'unmark' ? [] : rows.filter((r) => !snap.unwanted.has(r));
    const reason = unmarkedRows.length > 0 ? await this.reason(args.reason, unmarkedRows.length, uri) : '';
    if (reason === undefined) return 0;
    let marked = 0;
    let unmarked = 0;
    // The edit decides on the list as read from disk when it runs (in the index worker for a large dataset).
    await this.store.update(uri, async (list, ds) => {
      const edit = await this.store.markLines(ds, list, lines, action, reason, today());
      ({ marked, unmarked } = edit);
      return edit.list;
    });
    const verb = marked > 0 ? 'Marked' : 'Unmarked';
    vscode.window.setStatusBarMessage(`Unlearn: ${verb} ${plural(marked + unmarked, 'row')} in ${baseName(uri)}`, 4000);
    return marked + unmarked;
  }

  private async markWhere(args: WhereArgs): Promise<number> {
    const uri = this.target(args.uri);
    const expression =
      args.expression ??
      (await vscode.window.showInputBox({
        title: `Mark rows of ${baseName(uri)} where…`,
        prompt: 'An expression over the columns, e.g. source == "scraped" && x > 8',
        ignoreFocusOut: true,
        validateInput: (value) => {
          if (!value.trim()) return 'Type an expression';
          try {
            compileWhere(value);
            return undefined;
          } catch (e) {
            return e instanceof Error ? e.message : String(e);
          }
        },
      }));
    if (!expression) return 0;
    const snap = await this.store.snapshot(uri, true);
    const matched = await this.store.rowsWhere(snap.version.dataset, expression);
    const fresh = matched.filter((r) => !snap.unwanted.has(r));
    if (fresh.length === 0) {
      const already = matched.length > 0 ? ` (${plural(matched.length, 'row')} matched, all already marked)` : '';
      void vscode.window.showInformationMessage(`No rows to mark for "${expression}"${already}.`);
      return 0;
    }
    const reason = await this.reason(args.reason, fresh.length, uri, `${plural(matched.length, 'row')} match`);
    if (reason === undefined) return 0;
    const date = today();
    await this.store.update(uri, this.store.addRowsWhere(expression, reason, date));
    void vscode.window.showInformationMessage(
      `Marked ${plural(fresh.length, 'row')} where ${expression}` +
        (matched.length > fresh.length ? ` (${matched.length - fresh.length} already marked).` : '.'),
    );
    return fresh.length;
  }

  private async clear(args: ClearArgs): Promise<number> {
    const uri = this.target(args.uri);
    const snap = await this.store.snapshot(uri, true);
    const count = snap.list.entries.length;
    if (count === 0 && !snap.listError) {
      void vscode.window.showInformationMessage(`The forget list of ${baseName(uri)} is already empty.`);
      return 0;
    }
    if (!args.confirmed) {
      const answer = await vscode.window.showWarningMessage(
        `Remove all ${count === 1 ? '1 entry' : `${count} entries`} from ${baseName(snap.forgetUri)}?`,
        { modal: true, detail: 'The rows become wanted again. The dataset itself is not changed.' },
        'Clear Forget List',
      );
      if (answer !== 'Clear Forget List') return 0;
    }
    await this.store.update(uri, (list) => removeEntries(list, list.entries.map((_, i) => i)));
    return count;
  }

  private async show(args: MarkArgs): Promise<number> {
    const uri = this.target(args.uri);
    const forgetUri = this.store.forgetUriFor(uri);
    if ((await this.store.listText(uri)) === undefined) await this.store.update(uri, (list) => list);
    await vscode.window.showTextDocument(forgetUri, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    return 0;
  }

  /** The reason for new marks: given, asked (prefilled with the last one), or the last one when asking is off. */
  private async reason(given: string | undefined, count: number, uri: vscode.Uri, lead?: string): Promise<string | undefined> {
    const last = this.workspaceState.get<string>(LAST_REASON_KEY, '');
    if (given !== undefined) return given;
    if (!config.askForReason(uri)) return last;
    const answer = await vscode.window.showInputBox({
      title: `Mark ${plural(count, 'row')} of ${baseName(uri)} as unwanted`,
      prompt: `${lead ? `${lead}. ` : ''}Why are they unwanted? (optional; stored in the forget list)`,
      value: last,
      placeHolder: 'e.g. consent withdrawn, ticket #123',
    });
    if (answer !== undefined) await this.workspaceState.update(LAST_REASON_KEY, answer);
    return answer;
  }
}
