// "N unwanted of M rows" for the dataset in the active editor, or of the Unlearn panel
// that has focus; hidden elsewhere. A click opens the panel.

import * as vscode from 'vscode';
import { baseName, isDatasetUri } from './datasetDocuments';
import type { ForgetStore } from './forgetStore';
import { panelFocus } from './panelFocus';

export class MarkStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('unlearn.marks', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private generation = 0;
  private visible = false;

  constructor(private readonly store: ForgetStore) {
    this.item.name = 'Unlearn: unwanted rows';
    this.item.command = 'unlearn.openPanel';
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
      panelFocus.onDidChange(() => void this.refresh()),
      store.onDidChange((uri) => {
        if (uri.toString() === this.datasetUri()?.toString()) void this.refresh();
      }),
    );
    void this.refresh();
  }

  /** What the item shows now (for tests): undefined when hidden. */
  get text(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }

  /** The active editor's dataset, else the focused panel's. */
  private datasetUri(): vscode.Uri | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri;
    return uri && isDatasetUri(uri) ? uri : panelFocus.datasetUri;
  }

  private async refresh(): Promise<void> {
    const generation = ++this.generation;
    const uri = this.datasetUri();
    const snap = uri ? await this.store.snapshot(uri).catch(() => undefined) : undefined;
    if (generation !== this.generation) return; // the active editor changed meanwhile
    if (!snap) {
      this.visible = false;
      this.item.hide();
      return;
    }
    const unwanted = snap.match.unwantedRows.length;
    const stale = snap.match.stale.length;
    this.item.text = `$(eye-closed) ${unwanted} unwanted of ${snap.version.dataset.rowCount} rows`;
    const tooltip = new vscode.MarkdownString(undefined, false);
    tooltip.appendText(`${baseName(snap.forgetUri)}: ${snap.list.entries.length} entries, ${stale} stale.`);
    if (snap.listError) tooltip.appendText(`\nThe forget list cannot be read: ${snap.listError.message}`);
    tooltip.appendMarkdown('\n\nClick to open the Unlearn panel.');
    this.item.tooltip = tooltip;
    this.item.backgroundColor = snap.listError ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.visible = true;
    this.item.show();
  }
}
