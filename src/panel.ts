// The webview panel host: one panel per dataset, showing the EMSE audit (curves, metrics,
// unwanted rows). It runs and describes datasets through PanelHost, reads the forget store
// only to tell whether a shown result still matches the files and to save the run's model
// into the list, and talks to the webview through the typed messages of protocol.ts,
// validating everything it receives.

import * as vscode from 'vscode';
import { baseName, isDatasetUri } from './datasetDocuments';
import { UnlearnError } from './engine/errors';
import { columnsGuessed, modelSettingsOf, sameModelSettings } from './engine/settings';
import type { AuditResult, AuditSettings } from './engine/types';
import { describeModelWrite, saveListModel } from './forgetListModel';
import type { ForgetStore } from './forgetStore';
import { copyModel, revealLine, saveReport, showDataset } from './panelActions';
import { panelFocus } from './panelFocus';
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
  /** The shown result was computed with settings other than those the next run will use. */
  settingsDiffer: boolean;
  lastPosted?: ToWebview['type'];
}

interface PanelDeps {
  host: PanelHost;
  store: ForgetStore;
  log: vscode.LogOutputChannel;
  distUri: vscode.Uri;
  /** Per dataset, what the last run read (see inputsOf); outlives its panel, as the kept result does. */
  runInputs: Map<string, string>;
}

function messageOf(err: unknown): string {
  if (err instanceof UnlearnError) return err.describe();
  return err instanceof Error ? err.message : String(err);
}

/** Asks where, writes the wanted rows there, and says where they went. */
async function exportWanted(host: PanelHost, datasetUri: vscode.Uri): Promise<void> {
  const exported = await host.exportWanted(datasetUri);
  if (exported) void vscode.window.showInformationMessage(`Wanted rows written to ${vscode.workspace.asRelativePath(exported)}.`);
}

/** The settings a result was computed with, as the form edits them. */
function settingsOfResult(result: AuditResult): AuditSettings {
  return { ...modelSettingsOf(result.model), variant: result.model.variant };
}

/** One dataset's panel: owns the WebviewPanel, the last result and the message loop. */
class DatasetPanel {
  private state?: PanelState;
  private last?: WorkerResult;
  private stale = false;
  private status: RunStatus = 'idle';
  private error?: string;
  private lastPosted?: ToWebview['type'];
  /** Settings of the last run (or its request); they win over the defaults `describe` returns. */
  private chosenSettings?: AuditSettings;
  /** The forget list's `model` as last read, so a change to it on disk wins over chosenSettings. */
  private listModelSeen?: string;
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
    // A reopened panel shows the kept result: the form starts from the settings it was computed with.
    if (this.last) {
      this.chosenSettings = settingsOfResult(this.last.result);
      void this.checkStale().then((changed) => changed && this.postResult());
    }
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.webviewReady = false;
        this.updateFocus();
      }),
      panel.onDidDispose(() => {
        panelFocus.blur(datasetUri);
        vscode.Disposable.from(...this.disposables).dispose();
        onDisposed();
      }),
    );
    this.updateFocus();
  }

  /** Tells the palette and the status bar whether this panel has focus. */
  private updateFocus(): void {
    if (this.panel.active) panelFocus.focus(this.datasetUri, this.last !== undefined);
    else panelFocus.blur(this.datasetUri);
  }

  private settingsDiffer(): boolean {
    const next = this.chosenSettings ?? this.state?.settings;
    return this.last !== undefined && next !== undefined && !sameModelSettings(modelSettingsOf(this.last.result.model), next);
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
      settingsDiffer: this.settingsDiffer(),
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
      // Before the run reads the list, so the result and the list's model agree.
      await this.saveModel(effective);
      const inputs = await this.inputs();
      const outcome = await this.deps.host.run(this.datasetUri, effective, (p) => this.forwardProgress(p));
      if (!outcome) {
        this.status = 'cancelled';
        this.post({ type: 'cancelled' });
        return;
      }
      this.last = outcome;
      this.chosenSettings = effective;
      this.deps.runInputs.set(this.datasetUri.toString(), inputs);
      this.stale = false;
      this.status = 'done';
      // The form now shows what was run (no longer a guess), with its result.
      if (this.state) this.state = { ...this.state, settings: effective, columnsGuessed: false };
      this.updateFocus();
      this.postAll();
    } catch (err) {
      this.fail('Unlearning failed', err);
    }
  }

  /** Writes the run's settings into the forget list's `model` and says so; a refusal only warns. */
  private async saveModel(settings: AuditSettings): Promise<void> {
    try {
      const write = await saveListModel(this.deps.store, this.datasetUri, settings);
      if (write.kind !== 'written') return;
      const listName = baseName(this.deps.store.forgetUriFor(this.datasetUri));
      this.deps.log.info(`${listName}: model ${JSON.stringify(write.before)} → ${JSON.stringify(write.after)}`);
      void vscode.window.showInformationMessage(describeModelWrite(write, listName));
    } catch (err) {
      const message = `The forget list's model was not updated, so \`unlearn audit\` may audit other settings: ${messageOf(err)}`;
      this.deps.log.warn(message);
      void vscode.window.showWarningMessage(message);
    }
  }

  /** What a run reads: the dataset's version and the forget list's text. Equal inputs, equal result. */
  private async inputs(): Promise<string> {
    const snap = await this.deps.store.snapshot(this.datasetUri);
    return `${snap.version.key}\n${snap.listText ?? ''}`;
  }

  /**
   * A shown result is stale once the dataset or its forget list differ from what its run read.
   * Returns whether that changed.
   */
  private async checkStale(): Promise<boolean> {
    const shown = this.last;
    const recorded = this.deps.runInputs.get(this.datasetUri.toString());
    const current = await this.inputs().catch(() => undefined);
    if (shown !== this.last) return false; // a newer run finished meanwhile
    const stale = recorded === undefined || current !== recorded;
    const changed = stale !== this.stale;
    this.stale = stale;
    return changed;
  }

  /** The dataset, its marks or its forget list changed: new counts, and maybe a result that no longer matches. */
  async datasetChanged(): Promise<void> {
    if (this.last) await this.checkStale();
    await this.refreshState();
    this.postAll();
  }

  private async refreshState(): Promise<void> {
    try {
      const described = await this.deps.host.describe(this.datasetUri);
      const { model } = (await this.deps.store.snapshot(this.datasetUri)).list;
      // A model changed on disk (by hand, by git) wins over what was last run here.
      const seen = JSON.stringify(model);
      if (this.listModelSeen !== undefined && seen !== this.listModelSeen) this.chosenSettings = undefined;
      this.listModelSeen = seen;
      this.state = this.chosenSettings
        ? { ...described, settings: this.chosenSettings, columnsGuessed: false }
        : { ...described, columnsGuessed: columnsGuessed(described.settings, model) };
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
      case 'saveReport':
        return this.saveReport();
      case 'exportWanted':
        return exportWanted(this.deps.host, this.datasetUri);
      case 'copyModel':
        return this.copyModel();
    }
  }

  async saveReport(): Promise<void> {
    const last = this.requireResult();
    const saved = await saveReport(this.datasetUri, last.result, last.points);
    if (saved) void vscode.window.showInformationMessage(`Audit report saved to ${vscode.workspace.asRelativePath(saved)}.`);
  }

  async copyModel(): Promise<void> {
    await copyModel(this.requireResult().result);
    void vscode.window.showInformationMessage('Model JSON copied to the clipboard.');
  }

  openDataset(): Promise<void> {
    return showDataset(this.datasetUri, this.panel.viewColumn);
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

/** The dataset a command without an argument is about: the active editor's, or the focused panel's. */
function activeDataset(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputText ? input.uri : vscode.window.activeTextEditor?.document.uri;
  if (uri && isDatasetUri(uri)) return uri;
  return panelFocus.datasetUri;
}

export function registerPanel(context: vscode.ExtensionContext, host: PanelHost, store: ForgetStore, log: vscode.LogOutputChannel): void {
  const deps: PanelDeps = { host, store, log, distUri: vscode.Uri.joinPath(context.extensionUri, 'dist'), runInputs: new Map() };
  const panels = new Map<string, DatasetPanel>();

  const adopt = (panel: vscode.WebviewPanel, datasetUri: vscode.Uri): DatasetPanel => {
    const key = datasetUri.toString();
    const created = new DatasetPanel(panel, datasetUri, deps, () => panels.delete(key));
    panels.set(key, created);
    return created;
  };

  const datasetOf = (arg: unknown): vscode.Uri | undefined => {
    const datasetUri = arg instanceof vscode.Uri ? arg : activeDataset();
    if (!datasetUri) void vscode.window.showErrorMessage('Unlearn: open a CSV, TSV or JSONL dataset first.');
    return datasetUri;
  };

  const open = (arg: unknown): DatasetPanel | undefined => {
    const datasetUri = datasetOf(arg);
    if (!datasetUri) return undefined;
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

  /** A panel command: on the given dataset's panel, or the focused one's; errors shown, not thrown. */
  const onPanel = (id: string, action: (panel: DatasetPanel) => Promise<void>) =>
    vscode.commands.registerCommand(id, async (arg?: unknown) => {
      const datasetUri = datasetOf(arg);
      const panel = datasetUri && (panels.get(datasetUri.toString()) ?? open(datasetUri));
      if (!panel) return;
      try {
        await action(panel);
      } catch (err) {
        void vscode.window.showErrorMessage(`Unlearn: ${messageOf(err)}`);
      }
    });

  context.subscriptions.push(
    vscode.commands.registerCommand('unlearn.openPanel', (arg?: unknown) => {
      open(arg);
    }),
    vscode.commands.registerCommand('unlearn.runUnlearning', async (arg?: unknown) => {
      await open(arg)?.run();
    }),
    onPanel('unlearn.saveReport', (p) => p.saveReport()),
    vscode.commands.registerCommand('unlearn.exportWanted', async (arg?: unknown) => {
      const datasetUri = datasetOf(arg);
      if (!datasetUri) return;
      try {
        await exportWanted(host, datasetUri);
      } catch (err) {
        void vscode.window.showErrorMessage(`Unlearn: ${messageOf(err)}`);
      }
    }),
    onPanel('unlearn.copyModel', (p) => p.copyModel()),
    onPanel('unlearn.openDataset', (p) => p.openDataset()),
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
    // Hidden: lets the integration tests read what the panel last showed, and run it as its Run button does.
    const panelFor = (arg?: unknown): DatasetPanel | undefined => {
      const all = [...panels.values()];
      return arg instanceof vscode.Uri ? panels.get(arg.toString()) : (all.find((p) => p.panel.active) ?? all[0]);
    };
    context.subscriptions.push(
      vscode.commands.registerCommand('unlearn._panelSnapshot', (arg?: unknown): PanelSnapshot | undefined => panelFor(arg)?.snapshot()),
      vscode.commands.registerCommand('unlearn._panelRun', async (arg: unknown, settings: AuditSettings) => {
        await panelFor(arg)?.run(settings);
        return panelFor(arg)?.snapshot();
      }),
    );
  }
}
