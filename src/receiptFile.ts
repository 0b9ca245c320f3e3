// "Unlearn: Save Audit Receipt": a reproducibility receipt (src/engine/receipt.ts, docs/receipt.md)
// of the dataset and forget list as saved on disk. The files are read once; the SHA-256 digests and
// the audit (re-run in the worker on exactly those bytes) come from that one read, so a receipt
// never pairs the digests of one version with the results of another. `unlearn verify` checks it.

import * as path from 'path';
import * as vscode from 'vscode';
import { writeFileAtomically } from './atomicWrite';
import * as config from './config';
import { baseName, isDatasetUri } from './datasetDocuments';
import { describeColumns } from './engine/columns';
import { parseDataset } from './engine/dataset';
import { decodeText } from './engine/encoding';
import { errorText } from './engine/errors';
import { parseForgetList } from './engine/forgetList';
import { buildReceipt, serializeReceipt, type ReceiptFile } from './engine/receipt';
import { modelColumns } from './engine/settings';
import type { AuditResult, AuditSettings } from './engine/types';
import type { ForgetStore } from './forgetStore';
import type { UnlearnRunner } from './unlearnRunner';
import { receiptFileOf } from './receiptDigest';

export const SAVE_RECEIPT_COMMAND = 'unlearn.saveReceipt';

export interface SaveReceiptOptions {
  /** The result the panel shows: its settings are re-used, and the user is told if the files no longer give it. */
  shown?: AuditResult;
  /** Skips the save dialog (scripting, tests). */
  target?: vscode.Uri;
}

/** `<dataset file name>.receipt.json`, beside the dataset. */
export function receiptUriFor(datasetUri: vscode.Uri): vscode.Uri {
  return datasetUri.with({ path: `${datasetUri.path}.receipt.json` });
}

/** A file as the receipt names it: its path relative to the receipt's folder (where `unlearn verify` looks). */
function receiptFile(file: vscode.Uri, receipt: vscode.Uri, bytes: Uint8Array): ReceiptFile {
  return receiptFileOf(path.posix.relative(path.posix.dirname(receipt.path), file.path), bytes);
}

async function readIfExists(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  try {
    return await vscode.workspace.fs.readFile(uri);
  } catch (e) {
    if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') return undefined;
    throw e;
  }
}

/** The settings of a shown result, as the run was asked for them (σ "auto" stays auto). */
function settingsOf(result: AuditResult): AuditSettings {
  const m = result.model;
  return { x: m.x, y: m.y, degree: m.degree, sigma: m.sigmaAuto ? 'auto' : m.sigma, lambda: m.lambda, variant: m.variant };
}

function sameModels(a: AuditResult, b: AuditResult): boolean {
  return (['before', 'after', 'retrain'] as const).every((k) => {
    const [x, y] = [a.models[k].coefficients, b.models[k].coefficients];
    return x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
  });
}

export function registerReceipt(
  context: vscode.ExtensionContext,
  store: ForgetStore,
  runner: UnlearnRunner,
  log: vscode.LogOutputChannel,
): void {
  const engineVersion = String(context.extension.packageJSON.version);

  const save = async (arg?: unknown, options: SaveReceiptOptions = {}): Promise<vscode.Uri | undefined> => {
    const datasetUri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!datasetUri || !isDatasetUri(datasetUri)) {
      void vscode.window.showErrorMessage('Unlearn: open a CSV, TSV or JSONL dataset to save a receipt of its audit.');
      return undefined;
    }
    const forgetUri = store.forgetUriFor(datasetUri);
    // A receipt is about bytes others can hash again: the files on disk, not an editor's unsaved text.
    const dirty = vscode.workspace.textDocuments.find((d) => d.isDirty && [datasetUri.toString(), forgetUri.toString()].includes(d.uri.toString()));
    if (dirty) {
      void vscode.window.showErrorMessage(`Unlearn: save ${baseName(dirty.uri)} first: a receipt records the files as saved on disk.`);
      return undefined;
    }
    const target =
      options.target ??
      (await vscode.window.showSaveDialog({
        defaultUri: receiptUriFor(datasetUri),
        filters: { 'Receipt (JSON)': ['json'] },
        saveLabel: 'Save Receipt',
        title: 'Save a reproducibility receipt of the audit',
      }));
    if (!target) return undefined;
    try {
      const data = await vscode.workspace.fs.readFile(datasetUri);
      const listBytes = await readIfExists(forgetUri);
      const listText = listBytes && decodeText(listBytes, baseName(forgetUri));
      const settings =
        (options.shown && settingsOf(options.shown)) ??
        config.auditSettings(
          modelColumns(describeColumns(parseDataset(decodeText(data, baseName(datasetUri)), baseName(datasetUri)))),
          listText === undefined ? {} : parseForgetList(listText, baseName(forgetUri)).model,
          datasetUri,
        );
      const datasetFile = receiptFile(datasetUri, target, data);
      const outcome = await runner.run(
        { data, fileName: baseName(datasetUri), forgetListText: listText, settings, sweep: [], maxPoints: 100 },
        `Unlearn: auditing ${baseName(datasetUri)} for its receipt`,
        () => undefined,
      );
      if (!outcome) return undefined; // cancelled
      const receipt = buildReceipt({
        result: outcome.result,
        optimiser: { maxIterations: settings.maxIterations, tolerance: settings.tolerance },
        dataset: datasetFile,
        forgetList: listBytes && receiptFile(forgetUri, target, listBytes),
        engineVersion,
        createdAt: new Date().toISOString(),
      });
      await writeFileAtomically(target, serializeReceipt(receipt));
      log.info(`Wrote the receipt ${target.fsPath || target.toString()}`);
      const outdated = options.shown && !sameModels(options.shown, outcome.result);
      void vscode.window[outdated ? 'showWarningMessage' : 'showInformationMessage'](
        outdated
          ? `Receipt saved to ${vscode.workspace.asRelativePath(target)}, for the files as they are now: they changed since the panel's run, so its numbers differ. Run again to see them.`
          : `Receipt saved to ${vscode.workspace.asRelativePath(target)}. Check it with \`unlearn verify\`.`,
      );
      return target;
    } catch (e) {
      const message = errorText(e);
      log.error(`Receipt of ${baseName(datasetUri)} failed: ${message}`);
      void vscode.window.showErrorMessage(`Unlearn: could not save the receipt: ${message}`);
      return undefined;
    }
  };

  context.subscriptions.push(vscode.commands.registerCommand(SAVE_RECEIPT_COMMAND, save));
}
