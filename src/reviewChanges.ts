// "Unlearn: Review Forget List Changes": the forget list and dataset at a git ref (read with
// the built-in Git extension's API, never a shell) against the working tree, as `unlearn diff`
// shows them: entries added, removed, with a new reason, turned stale or re-matched, each with
// its row, and both sides audited (in the worker) with the metrics base → head.

import * as vscode from 'vscode';
import * as config from './config';
import { baseName, type DatasetDocuments, isDatasetUri } from './datasetDocuments';
import { describeColumns } from './engine/columns';
import { parseDataset } from './engine/dataset';
import { decodeText } from './engine/encoding';
import { errorText, UnlearnError } from './engine/errors';
import { diffForgetLists, type DiffSide } from './engine/forgetDiff';
import { parseForgetList } from './engine/forgetList';
import { modelColumns } from './engine/settings';
import type { AuditResult, ForgetList, ParsedDataset } from './engine/types';
import { verdict } from './engine/verdict';
import type { ForgetStore } from './forgetStore';
import { gitApi, RefType, type GitAPI, type Repository } from './gitApi';
import { revealLine } from './panelActions';
import { renderPanelHtml } from './panelHtml';
import { isFromReview, type FromReview, type ReviewAudit, type ReviewSideMetrics, type ReviewState, type ToReview } from './protocol';
import type { UnlearnRunner } from './unlearnRunner';

export const REVIEW_VIEW_TYPE = 'unlearn.review';
export const REVIEW_COMMAND = 'unlearn.reviewForgetListChanges';

/** What `unlearn._reviewSnapshot` returns (tests): what the panel last posted. */
export interface ReviewSnapshot {
  datasetUri: string;
  ref: string;
  state?: ReviewState;
  audit?: ReviewAudit;
  error?: string;
  stale: boolean;
}

/** The side of a comparison: what the audit worker needs besides the parsed dataset. */
interface Side extends DiffSide {
  bytes: Uint8Array;
  listText?: string;
}

function summarise(result: AuditResult): ReviewSideMetrics {
  const { after, retrain, diagnostics } = result;
  return {
    fairR2: after.fairR2,
    r2Wanted: after.r2Wanted,
    expR2Unwanted: after.expR2Unwanted,
    forgetScore: after.forgetScore,
    retrainFairR2: retrain.fairR2,
    distanceToRetrain: diagnostics.distanceToRetrain,
    unwanted: result.dataset.unwanted,
    overlapShare: diagnostics.overlapShare,
    independenceDoubtful: diagnostics.independenceDoubtful,
    verdict: verdict(result).text,
  };
}

interface ReviewDeps {
  store: ForgetStore;
  documents: DatasetDocuments;
  runner: UnlearnRunner;
  log: vscode.LogOutputChannel;
  distUri: vscode.Uri;
}

/** One dataset's review: the ref it compares with, the last review posted, the message loop. */
class ReviewPanel {
  private state?: ReviewState;
  private audit?: ReviewAudit;
  private error?: string;
  private stale = false;
  private ready = false;
  /** Bumped by every load, so an older load's late results are dropped. */
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly datasetUri: vscode.Uri,
    private ref: string,
    private readonly api: GitAPI,
    private readonly repository: Repository,
    private readonly deps: ReviewDeps,
    onDisposed: () => void,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [deps.distUri] };
    panel.webview.html = renderPanelHtml(panel.webview, deps.distUri, panel.title, 'review');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      deps.store.onDidChange((uri) => {
        if (uri.toString() !== datasetUri.toString() || !this.state) return;
        this.stale = true;
        this.post({ type: 'stale' });
      }),
      panel.onDidDispose(() => {
        this.generation++;
        vscode.Disposable.from(...this.disposables).dispose();
        onDisposed();
      }),
    );
  }

  snapshot(): ReviewSnapshot {
    return { datasetUri: this.datasetUri.toString(), ref: this.ref, state: this.state, audit: this.audit, error: this.error, stale: this.stale };
  }

  /** Compares with `ref` (the current one if not given): the diff first, then both audits. */
  async load(ref = this.ref): Promise<void> {
    const generation = ++this.generation;
    this.ref = ref;
    this.panel.title = `Review: ${baseName(this.datasetUri)} (${ref} → working tree)`;
    this.state = undefined;
    this.audit = undefined;
    this.error = undefined;
    this.stale = false;
    let sides: { base: Side; head: Side };
    try {
      const read = await this.readSides(ref);
      if (generation !== this.generation) return;
      sides = read;
      this.state = read.state;
      this.post({ type: 'review', state: read.state });
    } catch (e) {
      if (generation !== this.generation) return;
      this.error = errorText(e);
      this.deps.log.error(`Review of ${baseName(this.datasetUri)} against ${ref} failed: ${this.error}`);
      this.post({ type: 'error', message: this.error });
      return;
    }
    this.audit = { state: 'running' };
    this.post({ type: 'audit', audit: this.audit });
    const done: Extract<ReviewAudit, { state: 'done' }> = { state: 'done' };
    // One after the other: the runner runs one audit at a time.
    for (const which of ['base', 'head'] as const) {
      try {
        const outcome = await this.runAudit(sides[which], which === 'base' ? ref : 'working tree');
        if (generation !== this.generation) return;
        if (!outcome) {
          this.audit = { state: 'cancelled' };
          this.post({ type: 'audit', audit: this.audit });
          return;
        }
        done[which] = summarise(outcome);
      } catch (e) {
        if (generation !== this.generation) return;
        done[which === 'base' ? 'baseError' : 'headError'] = errorText(e);
      }
    }
    this.audit = done;
    this.post({ type: 'audit', audit: done });
  }

  private async readSides(ref: string): Promise<{ base: Side; head: Side; state: ReviewState }> {
    const { store } = this.deps;
    const commit = await this.repository.getCommit(ref).catch(() => {
      throw new UnlearnError(`"${ref}" is not a commit, branch or tag of the repository at ${this.repository.rootUri.fsPath}`);
    });
    const forgetUri = store.forgetUriFor(this.datasetUri);
    const notes: string[] = [];

    const snap = await store.snapshot(this.datasetUri, true);
    if (snap.listError) throw snap.listError;
    // The diff's rows and the head audit come from the same bytes, parsed here with their cells.
    const headBytes = await this.deps.documents.bytes(this.datasetUri);
    const head: Side = {
      dataset: parseDataset(decodeText(headBytes, baseName(this.datasetUri)), baseName(this.datasetUri)),
      list: snap.listText === undefined ? undefined : snap.list,
      bytes: headBytes,
      listText: snap.listText,
    };
    if (!head.list) notes.push(`There is no ${baseName(forgetUri)} in the working tree.`);

    const show = async (uri: vscode.Uri): Promise<string | undefined> => {
      try {
        return await this.repository.show(ref, uri.fsPath);
      } catch (e) {
        // "Not in that commit" is an answer (git's own words, or the Git extension's when it
        // retried with the path's case as committed); any other failure must not pass for one.
        const stderr = String((e as { stderr?: unknown }).stderr ?? (e instanceof Error ? e.message : e)).trim();
        if (/does not exist in|exists on disk, but not in|relative path not found/i.test(stderr)) return undefined;
        throw new UnlearnError(`could not read ${baseName(uri)} at ${ref}: ${stderr}`);
      }
    };
    const [datasetText, listText] = await Promise.all([show(this.datasetUri), show(forgetUri)]);
    let list: ForgetList | undefined;
    if (listText === undefined) notes.push(`There was no ${baseName(forgetUri)} at ${ref}: every entry is new.`);
    else list = parseForgetList(listText, `${baseName(forgetUri)} at ${ref}`);
    let dataset: ParsedDataset;
    let bytes: Uint8Array;
    if (datasetText === undefined) {
      notes.push(`${baseName(this.datasetUri)} did not exist at ${ref}; the base side is matched against the working-tree dataset.`);
      dataset = head.dataset;
      bytes = head.bytes;
    } else {
      dataset = parseDataset(datasetText, baseName(this.datasetUri));
      bytes = new TextEncoder().encode(datasetText);
    }
    const base: Side = { dataset, list, bytes, listText };
    const dirty = this.deps.documents.openDocument(this.datasetUri)?.isDirty ? ' (with unsaved edits)' : '';
    const state: ReviewState = {
      datasetLabel: vscode.workspace.asRelativePath(this.datasetUri),
      baseLabel: `${ref} (${commit.hash.slice(0, 8)}: ${commit.message.split('\n')[0]})`,
      headLabel: `working tree${dirty}`,
      diff: diffForgetLists(base, head),
      notes,
    };
    return { base, head, state };
  }

  private async runAudit(side: Side, label: string): Promise<AuditResult | undefined> {
    const settings = config.auditSettings(modelColumns(describeColumns(side.dataset)), side.list?.model ?? {}, this.datasetUri);
    const outcome = await this.deps.runner.run(
      { data: side.bytes, fileName: baseName(this.datasetUri), forgetListText: side.listText, settings, sweep: [], maxPoints: 100 },
      `Unlearn: auditing ${baseName(this.datasetUri)} at ${label}`,
      () => undefined,
    );
    return outcome?.result;
  }

  private async receive(message: unknown): Promise<void> {
    if (!isFromReview(message)) {
      this.deps.log.warn(`Dropped an invalid message from the review panel: ${JSON.stringify(message)?.slice(0, 200)}`);
      return;
    }
    try {
      await this.handle(message);
    } catch (e) {
      void vscode.window.showErrorMessage(`Unlearn: ${errorText(e)}`);
    }
  }

  private async handle(message: FromReview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (this.state) this.post({ type: 'review', state: this.state });
        if (this.audit) this.post({ type: 'audit', audit: this.audit });
        if (this.error) this.post({ type: 'error', message: this.error });
        if (this.stale) this.post({ type: 'stale' });
        return;
      case 'refresh':
        return this.load();
      case 'pickRef': {
        const ref = await pickRef(this.repository, this.ref);
        if (ref) await this.load(ref);
        return;
      }
      case 'revealRow': {
        // The base row is shown in the dataset as it was at the ref (a read-only git: document).
        const target = message.side === 'base' ? this.api.toGitUri(this.datasetUri, this.ref) : this.datasetUri;
        return revealLine(target, message.line, this.panel.viewColumn);
      }
    }
  }

  private post(message: ToReview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }
}

/** A quick pick of refs, HEAD first (Enter takes it); anything typed is taken as a ref too. */
export async function pickRef(repository: Repository, current = 'HEAD'): Promise<string | undefined> {
  type Item = vscode.QuickPickItem & { ref: string };
  const refItems: Item[] = [{ label: 'HEAD', description: `the last commit${current === 'HEAD' ? ' (current)' : ''}`, ref: 'HEAD' }];
  const kinds: [RefType, string][] = [
    [RefType.Head, 'git-branch'],
    [RefType.Tag, 'tag'],
    [RefType.RemoteHead, 'cloud'],
  ];
  for (const [type, icon] of kinds) {
    for (const ref of repository.state.refs) {
      if (ref.type === type && ref.name) refItems.push({ label: `$(${icon}) ${ref.name}`, description: ref.commit?.slice(0, 8), ref: ref.name });
    }
  }
  const commits = await repository.log({ maxEntries: 30 }).catch(() => []);
  const commitItems: Item[] = commits.map((c) => ({
    label: `$(git-commit) ${c.hash.slice(0, 8)}`,
    description: c.message.split('\n')[0],
    detail: [c.authorName, c.authorDate?.toISOString().slice(0, 10)].filter(Boolean).join(' · ') || undefined,
    ref: c.hash,
  }));
  const quickPick = vscode.window.createQuickPick<Item>();
  quickPick.title = 'Unlearn: compare the forget list with…';
  quickPick.placeholder = 'A branch, tag or commit (Enter for HEAD; type any ref git knows)';
  const fixed = [...refItems, { label: 'Recent commits', kind: vscode.QuickPickItemKind.Separator, ref: '' }, ...commitItems];
  quickPick.items = fixed;
  quickPick.onDidChangeValue((value) => {
    const typed = value.trim();
    const known = fixed.some((i) => i.ref === typed);
    quickPick.items = typed && !known ? [{ label: typed, description: 'use this ref', ref: typed }, ...fixed] : fixed;
  });
  return new Promise((resolve) => {
    quickPick.onDidAccept(() => {
      resolve(quickPick.selectedItems[0]?.ref || undefined);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      resolve(undefined);
      quickPick.dispose();
    });
    quickPick.show();
  });
}

/** The dataset a command is about: its argument (a dataset or forget list, or a Source Control resource), else the active editor's. */
async function targetDataset(store: ForgetStore, arg: unknown): Promise<vscode.Uri | undefined> {
  const resource = (arg as Partial<vscode.SourceControlResourceState> | undefined)?.resourceUri;
  const uri = arg instanceof vscode.Uri ? arg : resource instanceof vscode.Uri ? resource : vscode.window.activeTextEditor?.document.uri;
  if (!uri) return undefined;
  if (isDatasetUri(uri)) return uri.scheme === 'file' ? uri : undefined;
  return uri.scheme === 'file' ? store.datasetUriFor(uri) : undefined;
}

export function registerReviewChanges(
  context: vscode.ExtensionContext,
  store: ForgetStore,
  documents: DatasetDocuments,
  runner: UnlearnRunner,
  log: vscode.LogOutputChannel,
): void {
  const deps: ReviewDeps = { store, documents, runner, log, distUri: vscode.Uri.joinPath(context.extensionUri, 'dist') };
  const panels = new Map<string, ReviewPanel>();

  /** `ref` skips the quick pick (scripting, tests). */
  const review = async (arg?: unknown, ref?: unknown): Promise<void> => {
    const datasetUri = await targetDataset(store, arg);
    if (!datasetUri) {
      void vscode.window.showErrorMessage('Unlearn: open a dataset or its forget list (a file in the workspace) to review its changes.');
      return;
    }
    const { api, why } = await gitApi();
    const repository = api?.getRepository(datasetUri);
    if (!api || !repository) {
      void vscode.window.showErrorMessage(
        `Unlearn: cannot review ${baseName(datasetUri)}: ${why ?? 'it is not in a git repository the Git extension has open'}.`,
      );
      return;
    }
    const chosen = typeof ref === 'string' && ref !== '' ? ref : await pickRef(repository);
    if (!chosen) return;
    const key = datasetUri.toString();
    let open = panels.get(key);
    if (open) {
      open.panel.reveal(undefined, false);
    } else {
      const panel = vscode.window.createWebviewPanel(
        REVIEW_VIEW_TYPE,
        `Review: ${baseName(datasetUri)}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        { enableScripts: true, localResourceRoots: [deps.distUri], retainContextWhenHidden: false },
      );
      open = new ReviewPanel(panel, datasetUri, chosen, api, repository, deps, () => panels.delete(key));
      panels.set(key, open);
    }
    await open.load(chosen);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(REVIEW_COMMAND, review),
    { dispose: () => panels.forEach((p) => p.panel.dispose()) },
  );
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    context.subscriptions.push(
      vscode.commands.registerCommand('unlearn._reviewSnapshot', (uri: vscode.Uri | string): ReviewSnapshot | undefined =>
        panels.get(typeof uri === 'string' ? uri : uri.toString())?.snapshot(),
      ),
    );
  }
}
