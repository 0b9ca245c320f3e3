// Shows the unwanted rows in dataset editors: a gutter icon, a whole-line tint and an
// overview-ruler mark on every line of a (possibly multi-line) row, in themable colours.
// `unlearn.decorationStyle` picks full / gutter / none. Only the lines in and near the
// visible ranges are decorated (again on every scroll), so a dataset with a million marks
// costs no more than one with a screenful.

import * as vscode from 'vscode';
import * as config from './config';
import { isDatasetUri } from './datasetDocuments';
import type { ForgetStore } from './forgetStore';
import { partitionPoint } from './engine/partitionPoint';

/** Lines decorated above and below what is visible, so scrolling rarely shows a gap before the refresh. */
const VISIBLE_MARGIN = 1000;

/** The first index in the sorted `lines` with a value ≥ `line`. */
function lowerBound(lines: number[], line: number): number {
  return partitionPoint(lines.length, (i) => lines[i] >= line);
}

/** The sorted 1-based `lines` within the editor's visible ranges widened by the margin. */
function visibleLines(lines: number[], editor: vscode.TextEditor): number[] {
  const shown: number[] = [];
  let next = 0;
  for (const range of editor.visibleRanges) {
    const last = range.end.line + 1 + VISIBLE_MARGIN;
    for (let i = Math.max(next, lowerBound(lines, range.start.line + 1 - VISIBLE_MARGIN)); i < lines.length && lines[i] <= last; i++) {
      shown.push(lines[i]);
      next = i + 1;
    }
  }
  return shown;
}

export class MarkDecorations implements vscode.Disposable {
  private readonly full: vscode.TextEditorDecorationType;
  private readonly gutterOnly: vscode.TextEditorDecorationType;
  /** 1-based lines last decorated per dataset uri (what `unlearn._markedLines` reports). */
  private readonly applied = new Map<string, number[]>();
  /** Latest refresh per uri: an older one finishing late must not win. */
  private readonly generation = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    extensionUri: vscode.Uri,
    private readonly store: ForgetStore,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const gutter = {
      light: { gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'unwanted-light.svg') },
      dark: { gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'unwanted-dark.svg') },
      gutterIconSize: 'contain',
      overviewRulerColor: new vscode.ThemeColor('unlearn.unwantedOverviewRuler'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    } satisfies vscode.DecorationRenderOptions;
    this.gutterOnly = vscode.window.createTextEditorDecorationType(gutter);
    this.full = vscode.window.createTextEditorDecorationType({
      ...gutter,
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('unlearn.unwantedRowBackground'),
      borderColor: new vscode.ThemeColor('unlearn.unwantedRowBorder'),
      borderStyle: 'solid',
      borderWidth: '0 0 0 2px',
    });
    this.disposables.push(
      this.full,
      this.gutterOnly,
      store.onDidChange((uri) => this.refreshUri(uri)),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => void this.refresh(e))),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => void this.refresh(e.textEditor)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('unlearn.decorationStyle')) this.refreshAll();
      }),
    );
    this.refreshAll();
  }

  /** The 1-based lines last decorated in an editor of a dataset (for tests). */
  markedLines(uri: vscode.Uri): number[] {
    return this.applied.get(uri.toString()) ?? [];
  }

  refreshAll(): void {
    for (const editor of vscode.window.visibleTextEditors) void this.refresh(editor);
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private refreshUri(uri: vscode.Uri): void {
    const id = uri.toString();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() === id) void this.refresh(editor);
    }
  }

  private async refresh(editor: vscode.TextEditor): Promise<void> {
    const uri = editor.document.uri;
    if (!isDatasetUri(uri)) return;
    const id = uri.toString();
    const generation = (this.generation.get(id) ?? 0) + 1;
    this.generation.set(id, generation);
    let lines: number[] = [];
    try {
      const snap = await this.store.snapshot(uri);
      const ds = snap.version.dataset;
      for (const row of snap.match.unwantedRows) {
        for (let line = ds.lineOf(row); line <= ds.endLineOf(row); line++) lines.push(line);
      }
    } catch (e) {
      // Unreadable datasets are reported in Problems; show no marks rather than stale ones.
      this.log.warn(`No marks shown for ${id}: ${e instanceof Error ? e.message : String(e)}`);
      lines = [];
    }
    if (this.generation.get(id) !== generation) return;
    const style = config.decorationStyle(uri);
    lines = visibleLines(lines, editor);
    const ranges = style === 'none' ? [] : lines.map((line) => new vscode.Range(line - 1, 0, line - 1, 0));
    editor.setDecorations(this.full, style === 'full' ? ranges : []);
    editor.setDecorations(this.gutterOnly, style === 'gutter' ? ranges : []);
    this.applied.set(id, style === 'none' ? [] : lines);
  }
}
