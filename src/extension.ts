// Wires the features together; each lives in its own module.

import * as vscode from 'vscode';
import { DatasetDocuments, isDatasetUri } from './datasetDocuments';
import { DatasetIndexer } from './datasetIndexer';
import { DatasetService } from './datasetService';
import type { AuditSettings } from './engine/types';
import { MarkDecorations } from './decorations';
import { FORGET_LIST_SELECTOR, ForgetListLens } from './forgetListLens';
import { ForgetStore } from './forgetStore';
import { DATASET_SELECTOR, MarkHoverProvider } from './hover';
import { MarkCommands } from './marks';
import { registerPanel } from './panel';
import { ProblemReporter } from './problems';
import { registerReceipt } from './receiptFile';
import { registerReviewChanges } from './reviewChanges';
import { MarkStatusBar } from './statusBar';
import { UnlearnRunner } from './unlearnRunner';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Unlearn', { log: true });
  const indexer = new DatasetIndexer(context.extensionPath, log);
  const documents = new DatasetDocuments(indexer);
  const store = new ForgetStore(documents, log);
  const runner = new UnlearnRunner(context.extensionPath, log);
  const service = new DatasetService(store, documents, runner, log);
  const problems = new ProblemReporter(store, documents, log);
  const decorations = new MarkDecorations(context.extensionUri, store, log);
  const statusBar = new MarkStatusBar(store);
  const listLens = new ForgetListLens(store, documents, log);

  context.subscriptions.push(
    log,
    indexer,
    documents,
    store,
    runner,
    service,
    problems,
    decorations,
    statusBar,
    new MarkCommands(store, context.workspaceState, log),
    vscode.languages.registerHoverProvider(DATASET_SELECTOR, new MarkHoverProvider(store, service)),
    listLens,
    vscode.languages.registerCodeLensProvider(FORGET_LIST_SELECTOR, listLens),
    vscode.languages.registerHoverProvider(FORGET_LIST_SELECTOR, listLens),
    // Datasets opened later get their Problems and marks as soon as they open.
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (isDatasetUri(doc.uri)) store.invalidate(doc.uri);
    }),
  );
  // Test hooks can swap the worker script, so they exist only when VS Code runs extension tests.
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    context.subscriptions.push(
      ...registerTestHooks(decorations, runner, service, statusBar),
      vscode.commands.registerCommand('unlearn._useWorkerAbove', (size?: number) => {
        for (const uri of documents.useWorkerAbove(size)) store.invalidate(uri);
      }),
    );
  }
  registerPanel(context, service, store, log);
  registerReviewChanges(context, store, documents, runner, log);
  registerReceipt(context, store, runner, log);

  for (const doc of vscode.workspace.textDocuments) if (isDatasetUri(doc.uri)) store.invalidate(doc.uri);
  store.discover().catch((e) => log.warn(`Could not look for forget lists: ${e instanceof Error ? e.message : String(e)}`));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

/**
 * Hidden commands for the integration tests (not contributed, so not in the palette, and
 * registered only in ExtensionMode.Test):
 * they read state the UI shows (decorations, status bar) and drive runs without the panel.
 */
function registerTestHooks(
  decorations: MarkDecorations,
  runner: UnlearnRunner,
  service: DatasetService,
  statusBar: MarkStatusBar,
): vscode.Disposable[] {
  const uriOf = (uri: string | vscode.Uri) => (typeof uri === 'string' ? vscode.Uri.parse(uri) : uri);
  return [
    vscode.commands.registerCommand('unlearn._markedLines', (uri: string | vscode.Uri) => decorations.markedLines(uriOf(uri))),
    vscode.commands.registerCommand('unlearn._statusBarText', () => statusBar.text),
    vscode.commands.registerCommand('unlearn._useWorkerScript', (script?: string) => runner.useWorkerScript(script)),
    vscode.commands.registerCommand('unlearn._describe', (uri: string | vscode.Uri) => service.describe(uriOf(uri))),
    vscode.commands.registerCommand('unlearn._run', async (uri: string | vscode.Uri, settings?: AuditSettings) => {
      const target = uriOf(uri);
      return service.run(target, settings ?? (await service.describe(target)).settings, () => undefined);
    }),
    vscode.commands.registerCommand('unlearn._cancel', () => service.cancel()),
    vscode.commands.registerCommand('unlearn._lastResult', (uri: string | vscode.Uri) => service.lastResult(uriOf(uri))),
    vscode.commands.registerCommand('unlearn._exportWanted', (uri: string | vscode.Uri, target: string | vscode.Uri) =>
      service.exportWanted(uriOf(uri), uriOf(target)),
    ),
  ];
}
