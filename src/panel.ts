// The webview panel host: one panel per dataset, showing the EMSE audit (curves, metrics,
// unwanted rows). It only talks to the rest of the extension through PanelHost and to the
// webview through the typed messages of protocol.ts, validating everything it receives.

import * as vscode from 'vscode';
import { baseName, isDatasetUri } from './datasetDocuments';
import { UnlearnError } from './engine/errors';
import type { AuditResult, AuditSettings } from './engine/types';
import { copyModel, revealLine, saveReport } from './panelActions';
import type { PanelHost } from './panelHost';
import { renderPanelHtml } from './panelHtml';
import { isFromWebview, type FromWebview, type PanelState, type ToWebview, type WorkerProgress, type WorkerResult } from './protocol';

export const PANEL_VIEW_TYPE = 'unlearn.panel';

/** Progress messages closer together than this are dropped: the webview cannot show them anyway. */
const PROGRESS_INTERVAL_MS = 50;

type RunStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

/** What `unlearn._panelSnapshot` returns: the panel's state as last posted to its webview (for tests). */
export interface PanelSnapshot {
  viewType: string;
  datasetUri: string;
  state?: PanelState;
  status: RunStatus;
  error?: string;
  result?: AuditResult;
  chartPointCount: number;
  sweepPointCount: number;
  stale: boolean;
  lastPosted?: ToWebview['type'];
}

interface PanelDeps {
  host: PanelHost;
  log: vscode.LogOutputChannel;
  distUri: vscode.Uri;
}

function messageOf(err: unknown): string {
  if (err instanceof UnlearnError) return err.describe();
  return err instanceof Error ? err.message : String(err);
}

/** One dataset's panel: owns the WebviewPanel, the last result and the message loop. */
class DatasetPanel {
  private state?: PanelState;
  private last?: WorkerResult;
  private stale = false;
  private status: RunStatus = 'idle';
  private error?: string;
  private lastPosted?: ToWebview['type'];
  /** Settings of the last run request; they win over the defaults `describe` returns. */
  private chosenSettings?: AuditSettings;
  /** The webview drops messages until its script has said 'ready' (and again after it is hidden). */
  private webviewReady = false;
  private lastProgressAt = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly datasetUri: vscode.Uri,
    private readonly deps: PanelDeps,
    onDisposed: () => void,
  ) {
    // Set here too: a panel restored by the serializer comes without the options it was created with.
    panel.webview.options = { enableScripts: true, localResourceRoots: [deps.distUri] };
    panel.webview.html = renderPanelHtml(panel.webview, deps.distUri, panel.title);
    this.last = deps.host.lastResult(datasetUri);
    this.status = this.last ? 'done' : 'idle';
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.webviewReady = false;
      }),
      panel.onDidDispose(() => {
        vscode.Disposable.from(...this.disposables).dispose();
        onDisposed();
      }),
    );
  }

  snapshot(): PanelSnapshot {
    return {
      viewType: PANEL_VIEW_TYPE,
      datasetUri: this.datasetUri.toString(),
      state: this.state,
      status: this.status,
      error: this.error,
      result: this.last?.result,
      chartPointCount: this.last?.points.x.length ?? 0,
      sweepPointCount: this.last?.sweep.length ?? 0,
      stale: this.stale,
      lastPosted: this.lastPosted,
    };
  }

  /** Runs with the given settings, else those last chosen, else the dataset's defaults. */
  async run(settings?: AuditSettings): Promise<void> {
    if (this.status === 'running') {
      this.deps.log.info(`Run ignored: ${baseName(this.datasetUri)} is already running`);
      return;
    }
    if (settings) this.chosenSettings = settings;
    if (!this.state) await this.refreshState();
    const effective = this.chosenSettings ?? this.state?.settings;
    if (!effective) return; // refreshState has already reported why
    this.status = 'running';
    this.error = undefined;
    this.post({ type: 'running' });
    try {
      const outcome = await this.deps.host.run(this.datasetUri, effective, (p) => this.forwardProgress(p));
      if (!outcome) {
        this.status = 'cancelled';
        this.post({ type: 'cancelled' });
        return;
      }
      this.last = outcome;
      this.stale = false;
      this.status = 'done';
      this.postResult();
    } catch (err) {
      this.fail('Unlearning failed', err);
    }
  }

  /** The dataset, its marks or its forget list changed: new counts, and the shown result no longer matches. */
  async datasetChanged(): Promise<void> {
    if (this.last) this.stale = true;
    await this.refreshState();
    this.postAll();
  }

  private async refreshState(): Promise<void> {
    try {
      const described = await this.deps.host.describe(this.datasetUri);
      this.state = this.chosenSettings ? { ...described, settings: this.chosenSettings } : described;
    } catch (err) {
      this.fail(`Cannot read ${baseName(this.datasetUri)}`, err);
    }
  }

  private async receive(message: unknown): Promise<void> {
    if (!isFromWebview(message)) {
      this.deps.log.warn(`Dropped an invalid message from the Unlearn panel: ${JSON.stringify(message)?.slice(0, 200)}`);
      return;
    }
    try {
      await this.handle(message);
    } catch (err) {
      this.fail(`Unlearn: ${message.type} failed`, err);
    }
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        await this.refreshState();
        this.postAll();
        return;
      case 'run':
        return this.run(message.settings);
      case 'cancel':
        this.deps.host.cancel();
        return;
      case 'revealRow':
        return revealLine(this.datasetUri, message.line, this.panel.viewColumn);
      case 'saveReport': {
        const last = this.requireResult();
        const saved = await saveReport(this.datasetUri, last.result, last.points);
        if (saved) void vscode.window.showInformationMessage(`Audit report saved to ${vscode.workspace.asRelativePath(saved)}.`);
        return;
      }
      case 'exportWanted': {
        const exported = await this.deps.host.exportWanted(this.datasetUri);
        if (exported) void vscode.window.showInformationMessage(`Wanted rows written to ${vscode.workspace.asRelativePath(exported)}.`);
        return;
      }
      case 'copyModel':
        await copyModel(this.requireResult().result);
        void vscode.window.showInformationMessage('Model JSON copied to the clipboard.');
        return;
    }
  }

  private requireResult(): WorkerResult {
    if (!this.last) throw new Error('Run unlearning first.');
    return this.last;
  }

  /** Everything the webview needs after it (re)loads or the dataset changed. */
  private postAll(): void {
    if (this.state) this.post({ type: 'init', state: this.state });
    if (this.last) this.postResult();
    if (this.status === 'running') this.post({ type: 'running' });
    else if (this.status === 'error' && this.error) this.post({ type: 'error', message: this.error });
  }

  private postResult(): void {
    if (!this.last) return;
    const { result, points, sweep } = this.last;
    this.post({ type: 'result', result, points, sweep, stale: this.stale });
  }

  private forwardProgress(p: WorkerProgress): void {
    const now = Date.now();
    if (now - this.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    this.lastProgressAt = now;
    this.post({ type: 'progress', iteration: p.iteration, objective: p.objective });
  }

  private fail(context: string, err: unknown): void {
    const message = messageOf(err);
    this.status = 'error';
    this.error = message;
    this.deps.log.error(`${context}: ${message}`);
    this.post({ type: 'error', message });
    void vscode.window.showErrorMessage(`${context}: ${message}`);
  }

  private post(message: ToWebview): void {
    this.lastPosted = message.type;
    if (this.webviewReady) void this.panel.webview.postMessage(message);
  }
}

/** The dataset a command without an argument is about: the active editor's, or the active panel's. */
function activeDataset(panels: Map<string, DatasetPanel>): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputText ? input.uri : vscode.window.activeTextEditor?.document.uri;
  if (uri && isDatasetUri(uri)) return uri;
  return [...panels.values()].find((p) => p.panel.active)?.datasetUri;
}

export function registerPanel(context: vscode.ExtensionContext, host: PanelHost, log: vscode.LogOutputChannel): void {
  const deps: PanelDeps = { host, log, distUri: vscode.Uri.joinPath(context.extensionUri, 'dist') };
  const panels = new Map<string, DatasetPanel>();

  const adopt = (panel: vscode.WebviewPanel, datasetUri: vscode.Uri): DatasetPanel => {
    const key = datasetUri.toString();
    const created = new DatasetPanel(panel, datasetUri, deps, () => panels.delete(key));
    panels.set(key, created);
    return created;
  };

  const open = (arg: unknown): DatasetPanel | undefined => {
    const datasetUri = arg instanceof vscode.Uri ? arg : activeDataset(panels);
    if (!datasetUri) {
      void vscode.window.showErrorMessage('Unlearn: open a CSV, TSV or JSONL dataset first.');
      return undefined;
    }
    const existing = panels.get(datasetUri.toString());
    if (existing) {
      existing.panel.reveal(undefined, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      `Unlearn: ${baseName(datasetUri)}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { enableScripts: true, localResourceRoots: [deps.distUri], retainContextWhenHidden: false },
    );
    return adopt(panel, datasetUri);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('unlearn.openPanel', (arg?: unknown) => {
      open(arg);
    }),
    vscode.commands.registerCommand('unlearn.runUnlearning', async (arg?: unknown) => {
      await open(arg)?.run();
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const saved = typeof state === 'object' && state !== null ? (state as { datasetUri?: unknown }).datasetUri : undefined;
        if (typeof saved !== 'string') {
          panel.dispose();
          return;
        }
        adopt(panel, vscode.Uri.parse(saved, true));
      },
    }),
    host.onDidChangeDataset((uri) => void panels.get(uri.toString())?.datasetChanged()),
    { dispose: () => panels.forEach((p) => p.panel.dispose()) },
  );
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    // Hidden: lets the integration tests read what the panel last showed.
    context.subscriptions.push(
      vscode.commands.registerCommand('unlearn._panelSnapshot', (arg?: unknown): PanelSnapshot | undefined => {
        const all = [...panels.values()];
        const chosen = arg instanceof vscode.Uri ? panels.get(arg.toString()) : (all.find((p) => p.panel.active) ?? all[0]);
        return chosen?.snapshot();
      }),
    );
  }
}
