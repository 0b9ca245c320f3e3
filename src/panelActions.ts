// The panel's buttons that act on the workspace: save the audit report, copy the model,
// and jump to an unwanted row in the dataset. Kept apart from the panel's message loop.

import * as vscode from 'vscode';
import { writeFileAtomically } from './atomicWrite';
import { renderReport } from './engine/report';
import type { AuditResult, ChartPoints } from './engine/types';
import { SAVE_RECEIPT_COMMAND, type SaveReceiptOptions } from './receiptFile';

/** `<dataset file name>.audit.md`, beside the dataset (as the forget list is). */
export function reportUriFor(datasetUri: vscode.Uri): vscode.Uri {
  return datasetUri.with({ path: `${datasetUri.path}.audit.md` });
}

/**
 * Asks what to save — the Markdown report, or the reproducibility receipt (its own command, which
 * reports where it saved) — then where. Returns the report file, or undefined otherwise.
 */
export async function saveReport(
  datasetUri: vscode.Uri,
  result: AuditResult,
  points: ChartPoints,
): Promise<vscode.Uri | undefined> {
  const choice = await vscode.window.showQuickPick(
    [
      { label: '$(markdown) Audit report', description: 'Markdown: verdict, metrics, chart and rows', receipt: false },
      { label: '$(verified) Reproducibility receipt', description: 'JSON: file digests, settings, exact coefficients — for `unlearn verify`', receipt: true },
    ],
    { title: 'Save audit report', placeHolder: 'What to save' },
  );
  if (!choice) return undefined;
  if (choice.receipt) {
    await vscode.commands.executeCommand(SAVE_RECEIPT_COMMAND, datasetUri, { shown: result } satisfies SaveReceiptOptions);
    return undefined;
  }
  const target = await vscode.window.showSaveDialog({
    defaultUri: reportUriFor(datasetUri),
    filters: { Markdown: ['md'] },
    saveLabel: 'Save Audit Report',
    title: 'Save the unlearning audit report',
  });
  if (!target) return undefined;
  await writeFileAtomically(target, renderReport(result, points));
  return target;
}

/** What "Copy model JSON" puts on the clipboard: enough to evaluate all three models elsewhere. */
export function modelJson(result: AuditResult): string {
  const { x, y, degree, sigma, lambda } = result.model;
  return JSON.stringify({ x, y, degree, sigma, lambda, models: result.models }, null, 2);
}

export async function copyModel(result: AuditResult): Promise<void> {
  await vscode.env.clipboard.writeText(modelJson(result));
}

/**
 * The column to show the dataset in: the editor already showing it if there is one, otherwise
 * the first column, or beside the panel if the panel is in the first.
 */
function datasetColumn(datasetUri: vscode.Uri, panelColumn?: vscode.ViewColumn): { visible?: vscode.TextEditor; viewColumn: vscode.ViewColumn } {
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === datasetUri.toString());
  const viewColumn = visible?.viewColumn ?? (panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One);
  return { visible, viewColumn };
}

/** Shows the dataset with the row's line selected (see datasetColumn for where). */
export async function revealLine(datasetUri: vscode.Uri, line: number, panelColumn?: vscode.ViewColumn): Promise<void> {
  const { visible, viewColumn } = datasetColumn(datasetUri, panelColumn);
  const document = visible?.document ?? (await vscode.workspace.openTextDocument(datasetUri));
  const index = Math.min(line, document.lineCount) - 1;
  const range = document.lineAt(index).range;
  const editor = await vscode.window.showTextDocument(document, {
    viewColumn,
    selection: new vscode.Selection(range.start, range.end),
    preserveFocus: false,
  });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** Shows the dataset (see datasetColumn for where) and gives it focus. */
export async function showDataset(datasetUri: vscode.Uri, panelColumn?: vscode.ViewColumn): Promise<void> {
  const { visible, viewColumn } = datasetColumn(datasetUri, panelColumn);
  await vscode.window.showTextDocument(visible?.document ?? (await vscode.workspace.openTextDocument(datasetUri)), { viewColumn, preview: false });
}
