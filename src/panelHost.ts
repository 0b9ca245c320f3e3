// The seam between the webview panel (src/panel.ts) and the rest of the extension:
// the panel asks for data and runs through this interface, so it never reaches into
// the forget store, the dataset cache or the worker directly.

import type * as vscode from 'vscode';
import type { AuditSettings } from './engine/types';
import type { PanelState, WorkerProgress, WorkerResult } from './protocol';

export interface PanelHost {
  /** Columns usable as x/y, the settings to start from and the counts for a dataset. Throws UnlearnError if unreadable. */
  describe(datasetUri: vscode.Uri): Promise<PanelState>;
  /**
   * Runs unlearning in the worker, with a cancellable progress notification.
   * Resolves undefined when cancelled; rejects with an Error whose message is fit to show.
   */
  run(
    datasetUri: vscode.Uri,
    settings: AuditSettings,
    onProgress: (p: WorkerProgress) => void,
  ): Promise<WorkerResult | undefined>;
  /** Stops the run in progress, if any (terminates the worker). */
  cancel(): void;
  /** Writes the dataset without its unwanted rows to a new file the user picks (never the original). */
  exportWanted(datasetUri: vscode.Uri): Promise<vscode.Uri | undefined>;
  /** The last result for a dataset, if a run finished since the forget list last changed. */
  lastResult(datasetUri: vscode.Uri): WorkerResult | undefined;
  /** Fires with the dataset's uri when its marks, its forget list or its text change. */
  readonly onDidChangeDataset: vscode.Event<vscode.Uri>;
}
