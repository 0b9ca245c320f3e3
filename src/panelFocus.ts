// Which Unlearn panel has focus, for what is not the panel itself: the context keys the
// Command Palette's when-clauses read, the status bar, and commands run without an argument.
// A webview tab is not a text editor, so without this everything would forget the dataset
// the moment the panel is clicked.

import * as vscode from 'vscode';

/** True while an Unlearn panel is the active editor. */
export const PANEL_FOCUSED_KEY = 'unlearn.panelFocused';
/** True while the focused panel shows a result (save report, copy model). */
export const PANEL_HAS_RESULT_KEY = 'unlearn.panelHasResult';

class PanelFocus {
  private focused: { datasetUri: vscode.Uri; hasResult: boolean } | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();

  /** Fires with the focused panel's dataset (undefined: no panel has focus) whenever it changes. */
  readonly onDidChange = this.changed.event;

  /** The dataset of the panel that has focus, if one has. */
  get datasetUri(): vscode.Uri | undefined {
    return this.focused?.datasetUri;
  }

  /** The panel for `datasetUri` is now active (hasResult: it shows a result). */
  focus(datasetUri: vscode.Uri, hasResult: boolean): void {
    const same = this.focused?.datasetUri.toString() === datasetUri.toString();
    if (same && this.focused?.hasResult === hasResult) return;
    this.focused = { datasetUri, hasResult };
    void vscode.commands.executeCommand('setContext', PANEL_FOCUSED_KEY, true);
    void vscode.commands.executeCommand('setContext', PANEL_HAS_RESULT_KEY, hasResult);
    if (!same) this.changed.fire(datasetUri);
  }

  /** The panel for `datasetUri` lost focus or closed; a newer focus of another panel stays. */
  blur(datasetUri: vscode.Uri): void {
    if (this.focused?.datasetUri.toString() !== datasetUri.toString()) return;
    this.focused = undefined;
    void vscode.commands.executeCommand('setContext', PANEL_FOCUSED_KEY, false);
    void vscode.commands.executeCommand('setContext', PANEL_HAS_RESULT_KEY, false);
    this.changed.fire(undefined);
  }
}

/** One per extension host: focus is a fact of the window, shared by the panel and the status bar. */
export const panelFocus = new PanelFocus();
