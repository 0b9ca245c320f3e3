// What the panel gets to work with (PanelHost): a dataset's columns and starting settings,
// runs in the worker, the export of the wanted rows, and the last result per dataset —
// kept only while the forget list it was computed from is unchanged.

import * as path from 'path';
import * as vscode from 'vscode';
import * as config from './config';
import { baseName, DatasetDocuments } from './datasetDocuments';
import { UnlearnError } from './engine/errors';
import { withoutRows } from './engine/export';
import { modelColumns } from './engine/settings';
import type { AuditSettings, ParsedDataset, UnwantedRowEvidence } from './engine/types';
import { writeFileAtomically } from './atomicWrite';
import { ForgetStore } from './forgetStore';
import type { PanelHost } from './panelHost';
import type { PanelState, WorkerProgress, WorkerResult } from './protocol';
import type { UnlearnRunner } from './unlearnRunner';

interface KeptResult {
  result: WorkerResult;
  /** The forget list's text the run used (undefined: no list file). */
  listText: string | undefined;
}

/** `paper.csv` → `paper.wanted.csv`. */
function wantedFileName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `${fileName.slice(0, dot)}.wanted${fileName.slice(dot)}` : `${fileName}.wanted`;
}

export class DatasetService implements PanelHost, vscode.Disposable {
  private readonly results = new Map<string, KeptResult>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Bumped by every run and cancel, so a cancel during the read stops the run before its worker starts. */
  private runTicket = 0;

  readonly onDidChangeDataset = this.changed.event;

  constructor(
    private readonly store: ForgetStore,
    private readonly documents: DatasetDocuments,
    private readonly runner: UnlearnRunner,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(store.onDidChange((uri) => void this.onStoreChange(uri)));
  }

  async describe(datasetUri: vscode.Uri): Promise<PanelState> {
    const snap = await this.store.snapshot(datasetUri);
    const columns = modelColumns(snap.version.columns);
    return {
      datasetLabel: vscode.workspace.asRelativePath(datasetUri),
      datasetUri: datasetUri.toString(),
      columns,
      settings: config.auditSettings(columns, snap.list.model, datasetUri),
      unwantedCount: snap.match.unwantedRows.length,
      rowCount: snap.version.dataset.rowCount,
    };
  }

  async run(
    datasetUri: vscode.Uri,
    settings: AuditSettings,
    onProgress: (p: WorkerProgress) => void,
  ): Promise<WorkerResult | undefined> {
    const ticket = ++this.runTicket;
    // The worker matches the list itself, so a large file is never parsed in the extension host.
    const listText = await this.store.listText(datasetUri);
    const data = await this.documents.bytes(datasetUri);
    if (ticket !== this.runTicket) return undefined; // cancelled (or replaced) while reading
    const result = await this.runner.run(
      {
        data,
        fileName: baseName(datasetUri),
        forgetListText: listText,
        settings,
        sweep: 'default',
        maxPoints: config.maxChartPoints(datasetUri),
      },
      `Unlearn: ${vscode.workspace.asRelativePath(datasetUri)}`,
      onProgress,
    );
    if (result) {
      this.results.set(datasetUri.toString(), { result, listText });
      this.changed.fire(datasetUri);
    }
    return result;
  }

  cancel(): void {
    this.runTicket++;
    this.runner.cancel();
  }

  /** `target` skips the save dialog (scripting and tests). */
  async exportWanted(datasetUri: vscode.Uri, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const snap = await this.store.snapshot(datasetUri);
    if (snap.listError) throw snap.listError;
    const name = baseName(datasetUri);
    const chosen =
      target ??
      (await vscode.window.showSaveDialog({
        defaultUri: datasetUri.with({ path: path.posix.join(path.posix.dirname(datasetUri.path), wantedFileName(name)) }),
        title: `Export the wanted rows of ${name}`,
        saveLabel: 'Export',
      }));
    if (!chosen) return undefined;
    if (chosen.toString() === datasetUri.toString()) {
      throw new UnlearnError('is the original dataset; export the wanted rows to a new file instead.', name);
    }
    const text = withoutRows(await this.documents.text(snap.version), snap.version.dataset, snap.match.unwantedRows);
    await writeFileAtomically(chosen, text);
    this.log.info(`Exported ${snap.version.dataset.rowCount - snap.match.unwantedRows.length} wanted rows to ${chosen.toString()}`);
    return chosen;
  }

  lastResult(datasetUri: vscode.Uri): WorkerResult | undefined {
    return this.results.get(datasetUri.toString())?.result;
  }

  /** The last run's evidence for a row, if that row still sits where it was in the run. */
  evidenceFor(datasetUri: vscode.Uri, ds: ParsedDataset, rowIndex: number): UnwantedRowEvidence | undefined {
    const rows = this.lastResult(datasetUri)?.result.unwantedRows ?? [];
    return rows.find((e) => e.row === rowIndex + 1 && e.line === ds.lineOf(rowIndex));
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }

  /** Drops a result whose forget list changed, before telling the panel. */
  private async onStoreChange(datasetUri: vscode.Uri): Promise<void> {
    const kept = this.results.get(datasetUri.toString());
    if (kept) {
      const listText = await this.store.listText(datasetUri).catch(() => undefined);
      if (listText !== kept.listText) this.results.delete(datasetUri.toString());
    }
    this.changed.fire(datasetUri);
  }
}
