// The forget list file is the single source of truth for marks. This store finds it for
// a dataset (setting `unlearn.forgetListPattern`), reads it with workspace.fs, matches it
// against the dataset as currently seen, rewrites it atomically, and tells everyone when
// either side changes — by our own write, on disk (git checkout, another tool), or in a
// dirty dataset editor.

import * as path from 'path';
import * as vscode from 'vscode';
import * as config from './config';
import { writeFileAtomically } from './atomicWrite';
import { baseName, DatasetDocuments, DatasetVersion, isDatasetUri } from './datasetDocuments';
import { UnlearnError } from './engine/errors';
import { decodeText } from './engine/encoding';
import { emptyForgetList } from './engine/forgetList';
import type { ForgetList, ForgetMatch, ParsedDataset } from './engine/types';
import type { MarkAction, MarkEdit } from './markEdit';

export interface DatasetSnapshot {
  datasetUri: vscode.Uri;
  forgetUri: vscode.Uri;
  version: DatasetVersion;
  /** The forget list file's text, undefined when there is no file yet. */
  listText: string | undefined;
  /** The parsed list; an empty one when the file is missing or unreadable. */
  list: ForgetList;
  /** Why the file could not be read (bad JSON, wrong shape); marks are not written then. */
  listError: UnlearnError | undefined;
  match: ForgetMatch;
  /** rowIndex values of the unwanted rows, for lookups. */
  unwanted: ReadonlySet<number>;
}

interface CachedSnapshot {
  /** The dataset's invalidation count when the build started. */
  generation: number;
  /** DatasetVersion.key the build used. */
  key: string;
  snapshot: Promise<DatasetSnapshot>;
}

/** May be async: questions about a large dataset's cells go to the index worker. */
export type ForgetListEdit = (list: ForgetList, dataset: ParsedDataset) => ForgetList | Promise<ForgetList>;

/**
 * The file watcher coalesces the events of one batch, and a file created and deleted within
 * a batch is reported not at all. If a read (say, for an editor that just opened) saw such a
 * list in between, no event would ever correct it. So whenever a build sees the list change,
 * the list is read again after the watcher has surely flushed (its batches are well under
 * this) and the dataset invalidated if the file moved on meanwhile.
 */
const CONFIRM_LIST_MS = 1500;

function isFileNotFound(e: unknown): boolean {
  return e instanceof vscode.FileSystemError && e.code === 'FileNotFound';
}

/** `${fileName}` = the dataset's file name, `${baseName}` = without its last extension. */
function expandPattern(pattern: string, datasetFileName: string): string {
  const dot = datasetFileName.lastIndexOf('.');
  const stem = dot > 0 ? datasetFileName.slice(0, dot) : datasetFileName;
  return pattern.replace(/\$\{fileName\}/g, datasetFileName).replace(/\$\{baseName\}/g, stem);
}

/** A glob matching every forget list the pattern can produce, for the file watcher. */
function patternGlob(pattern: string): string {
  return `**/${path.posix.basename(pattern.replace(/\$\{(fileName|baseName)\}/g, '*'))}`;
}

export class ForgetStore implements vscode.Disposable {
  private readonly snapshots = new Map<string, CachedSnapshot>();
  /** Per dataset: bumped by every invalidation (a change on disk, in an editor, or our own write). */
  private readonly generations = new Map<string, number>();
  /** forget list uri → dataset uri, for every dataset seen so far. */
  private readonly datasetOfList = new Map<string, vscode.Uri>();
  private readonly writes = new Map<string, Promise<unknown>>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private listWatcher: vscode.FileSystemWatcher | undefined;
  /** The list text the latest build of each dataset saw (null: no file), and the pending re-reads. */
  private readonly seenList = new Map<string, string | null>();
  private readonly confirmations = new Set<ReturnType<typeof setTimeout>>();

  /** Fires with a dataset's uri when its text, its forget list or the match between them may have changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly documents: DatasetDocuments,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const datasetWatcher = vscode.workspace.createFileSystemWatcher('**/*.{csv,tsv,jsonl,ndjson,CSV,TSV,JSONL,NDJSON}');
    const onDatasetFile = (uri: vscode.Uri) => {
      documents.forget(uri);
      if (this.isTracked(uri)) this.invalidate(uri);
    };
    this.disposables.push(
      datasetWatcher,
      datasetWatcher.onDidChange(onDatasetFile),
      datasetWatcher.onDidCreate(onDatasetFile),
      datasetWatcher.onDidDelete(onDatasetFile),
      documents.onDidChangeText((uri) => this.invalidate(uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('unlearn.forgetListPattern')) return;
        const tracked = this.trackedDatasets();
        this.datasetOfList.clear();
        this.watchLists();
        for (const uri of tracked) {
          this.forgetUriFor(uri);
          this.invalidate(uri);
        }
      }),
    );
    this.watchLists();
  }

  forgetUriFor(datasetUri: vscode.Uri): vscode.Uri {
    const relative = expandPattern(config.forgetListPattern(datasetUri), baseName(datasetUri));
    const forgetUri = datasetUri.with({ path: path.posix.join(path.posix.dirname(datasetUri.path), relative) });
    this.datasetOfList.set(forgetUri.toString(), datasetUri);
    return forgetUri;
  }

  /** The dataset a forget list belongs to: a known pair, the list's `dataset` field, or the pattern read backwards. */
  async datasetUriFor(forgetUri: vscode.Uri): Promise<vscode.Uri | undefined> {
    const guess =
      this.datasetOfList.get(forgetUri.toString()) ?? (await this.readDatasetField(forgetUri)) ?? this.invertPattern(forgetUri);
    // Only a dataset whose list (under the current pattern) is this very file.
    if (guess && isDatasetUri(guess) && this.forgetUriFor(guess).toString() === forgetUri.toString()) return guess;
    return undefined;
  }

  /** Datasets whose snapshot was asked for (open editors, lists found in the workspace). */
  trackedDatasets(): vscode.Uri[] {
    return [...new Map([...this.datasetOfList.values()].map((uri) => [uri.toString(), uri])).values()];
  }

  /**
   * The dataset and its forget list as they are now. Throws UnlearnError if the dataset can't
   * be read. `reread` skips the cached read of the list (before acting on it: the watcher may lag).
   */
  async snapshot(datasetUri: vscode.Uri, reread = false): Promise<DatasetSnapshot> {
    const id = datasetUri.toString();
    // Taken before any await: a build may serve this call only if it started after the
    // latest invalidation this call has seen, so a read begun before a change on disk
    // can never be cached (or returned) as the state after it.
    const generation = this.generationOf(id);
    const version = await this.documents.current(datasetUri);
    const cached = reread ? undefined : this.snapshots.get(id);
    if (cached && cached.generation >= generation && cached.key === version.key) {
      const snap = await cached.snapshot.catch(() => undefined);
      if (snap) return snap;
    }
    const entry = { generation, key: version.key, snapshot: this.build(datasetUri, version) };
    const current = this.snapshots.get(id);
    if (!current || current.generation <= generation) this.snapshots.set(id, entry);
    entry.snapshot.catch(() => {
      if (this.snapshots.get(id) === entry) this.snapshots.delete(id);
    });
    return entry.snapshot;
  }

  /**
   * Applies an edit to the forget list and writes it atomically. Refuses (UnlearnError) when
   * the list file is unreadable or has unsaved edits in an editor, so nothing is lost.
   * Edits of one list run one after another.
   */
  async update(datasetUri: vscode.Uri, edit: ForgetListEdit): Promise<DatasetSnapshot> {
    const forgetUri = this.forgetUriFor(datasetUri);
    const id = forgetUri.toString();
    const previous = this.writes.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.applyEdit(datasetUri, forgetUri, edit));
    this.writes.set(id, next);
    return next;
  }

  isTracked(datasetUri: vscode.Uri): boolean {
    const id = datasetUri.toString();
    return this.trackedDatasets().some((uri) => uri.toString() === id);
  }

  /** The forget list file's text as on disk now, undefined when there is none. */
  listText(datasetUri: vscode.Uri): Promise<string | undefined> {
    return this.readText(this.forgetUriFor(datasetUri));
  }

  /** selectRowsWhere, in the index worker for a large dataset. */
  rowsWhere(dataset: ParsedDataset, expression: string): Promise<number[]> | number[] {
    return this.documents.rowsWhere(dataset, expression);
  }

  /** markLines() (markEdit.ts), in the index worker for a large dataset. */
  markLines(dataset: ParsedDataset, list: ForgetList, lines: number[], action: MarkAction, reason: string, date: string): Promise<MarkEdit> | MarkEdit {
    return this.documents.markLines(dataset, list, lines, action, reason, date);
  }

  /** An edit adding the rows where the expression holds, computed in the index worker for a large dataset. */
  addRowsWhere(expression: string, reason: string, date: string): ForgetListEdit {
    return (list, dataset) => this.documents.addRowsWhere(dataset, list, expression, reason, date);
  }

  /** Re-reads a dataset's list and text on next use and tells listeners. */
  invalidate(datasetUri: vscode.Uri): void {
    const id = datasetUri.toString();
    this.generations.set(id, this.generationOf(id) + 1);
    this.snapshots.delete(id);
    this.changed.fire(datasetUri);
  }

  private generationOf(id: string): number {
    return this.generations.get(id) ?? 0;
  }

  /** Finds the forget lists already in the workspace, so their Problems show without opening anything. */
  async discover(): Promise<void> {
    const glob = patternGlob(config.forgetListPattern());
    const found = await vscode.workspace.findFiles(glob, '**/node_modules/**', 500);
    for (const forgetUri of found) {
      const datasetUri = await this.datasetUriFor(forgetUri);
      if (datasetUri) this.invalidate(datasetUri);
    }
  }

  dispose(): void {
    for (const timer of this.confirmations) clearTimeout(timer);
    this.listWatcher?.dispose();
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private watchLists(): void {
    this.listWatcher?.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher(patternGlob(config.forgetListPattern()));
    const onListFile = async (forgetUri: vscode.Uri) => {
      const datasetUri = await this.datasetUriFor(forgetUri);
      if (datasetUri) this.invalidate(datasetUri);
    };
    watcher.onDidChange(onListFile);
    watcher.onDidCreate(onListFile);
    watcher.onDidDelete(onListFile);
    this.listWatcher = watcher;
  }

  private async build(datasetUri: vscode.Uri, version: DatasetVersion): Promise<DatasetSnapshot> {
    const forgetUri = this.forgetUriFor(datasetUri);
    const listText = await this.readText(forgetUri);
    this.confirmLater(datasetUri, forgetUri, listText);
    const fallback = emptyForgetList(this.relativeDatasetPath(forgetUri, datasetUri));
    const { list, error, match } = await this.documents.readList(version.dataset, listText, baseName(forgetUri), fallback);
    const listError = error && new UnlearnError(error.message, error.file, error.line);
    return {
      datasetUri,
      forgetUri,
      version,
      listText,
      list,
      listError,
      match,
      unwanted: new Set(match.unwantedRows),
    };
  }

  /** See CONFIRM_LIST_MS. */
  private confirmLater(datasetUri: vscode.Uri, forgetUri: vscode.Uri, listText: string | undefined): void {
    const id = datasetUri.toString();
    const seen = listText ?? null;
    if (this.seenList.has(id) && this.seenList.get(id) === seen) return;
    this.seenList.set(id, seen);
    const timer = setTimeout(async () => {
      this.confirmations.delete(timer);
      const now = await this.readText(forgetUri).then((text) => text ?? null, () => undefined);
      if (now !== undefined && now !== this.seenList.get(id)) {
        this.log.debug(`${baseName(forgetUri)} changed without a file event; reading it again`);
        this.invalidate(datasetUri);
      }
    }, CONFIRM_LIST_MS);
    this.confirmations.add(timer);
  }

  private async applyEdit(datasetUri: vscode.Uri, forgetUri: vscode.Uri, edit: ForgetListEdit): Promise<DatasetSnapshot> {
    const dirty = vscode.workspace.textDocuments.find((d) => d.uri.toString() === forgetUri.toString() && d.isDirty);
    if (dirty) {
      throw new UnlearnError('has unsaved changes in an editor; save or revert it first, then try again.', baseName(forgetUri));
    }
    const snap = await this.snapshot(datasetUri, true);
    if (snap.listError) {
      throw new UnlearnError(`cannot be read, so it was not changed: ${snap.listError.describe()}`, baseName(forgetUri));
    }
    const text = await this.documents.serialize(snap.version.dataset, await edit(snap.list, snap.version.dataset));
    if (text === snap.listText) return snap;
    await writeFileAtomically(forgetUri, text);
    this.log.info(`Wrote ${forgetUri.fsPath || forgetUri.toString()}`);
    this.invalidate(datasetUri);
    return this.snapshot(datasetUri);
  }

  private async readText(uri: vscode.Uri): Promise<string | undefined> {
    try {
      return decodeText(await vscode.workspace.fs.readFile(uri), baseName(uri));
    } catch (e) {
      if (isFileNotFound(e)) return undefined;
      throw e;
    }
  }

  private async readDatasetField(forgetUri: vscode.Uri): Promise<vscode.Uri | undefined> {
    try {
      const text = await this.readText(forgetUri);
      if (text === undefined) return undefined;
      // Only the one field: plain JSON.parse, not the full check with line positions, which
      // takes long on a list of a large dataset (that check runs when the snapshot is built).
      const field: unknown = (JSON.parse(text) as { dataset?: unknown } | null)?.dataset;
      if (typeof field !== 'string') return undefined; // no usable field: the pattern decides
      return forgetUri.with({ path: path.posix.join(path.posix.dirname(forgetUri.path), field) });
    } catch {
      return undefined; // unreadable: fall back to the pattern
    }
  }

  /** For patterns whose file name contains `${fileName}`: strip the rest around it. */
  private invertPattern(forgetUri: vscode.Uri): vscode.Uri | undefined {
    const pattern = config.forgetListPattern(forgetUri);
    const namePart = path.posix.basename(pattern);
    if (!namePart.includes('${fileName}') || namePart.includes('${baseName}')) return undefined;
    const [before, after] = namePart.split('${fileName}', 2);
    const name = baseName(forgetUri);
    if (!name.startsWith(before) || !name.endsWith(after) || name.length <= before.length + after.length) return undefined;
    const datasetName = name.slice(before.length, name.length - after.length);
    const listDir = path.posix.dirname(forgetUri.path);
    const datasetDir = path.posix.join(listDir, path.posix.relative(path.posix.dirname(`/${pattern}`), '/'));
    return forgetUri.with({ path: path.posix.join(datasetDir, datasetName) });
  }

  private relativeDatasetPath(forgetUri: vscode.Uri, datasetUri: vscode.Uri): string {
    return path.posix.relative(path.posix.dirname(forgetUri.path), datasetUri.path);
  }
}
