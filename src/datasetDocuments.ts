// Reads a dataset's text — the open editor's (possibly unsaved) text when there is one,
// else the file through workspace.fs — and keeps one parse per dataset version, so the
// decorations, hovers, status bar and Problems of one edit share a single parse.
// Small datasets are parsed here; large ones in the index worker (DatasetIndexer), which
// also answers what needs their cells (matching, `where`, problems): the same engine
// functions either way, so both paths give the same results.

import * as vscode from 'vscode';
import { IndexedDataset, LineStarts, readForgetList, type ReadList } from './datasetIndex';
import type { DatasetIndexer } from './datasetIndexer';
import { describeColumns, extractXY } from './engine/columns';
import { isDatasetFileName, parseDataset } from './engine/dataset';
import { decodeText } from './engine/encoding';
import { addRows, serializeForgetList } from './engine/forgetList';
import type { ColumnInfo, ForgetList, ParsedDataset, SkippedRow } from './engine/types';
import { selectRowsWhere } from './engine/where';
import { markLines, type MarkAction, type MarkEdit } from './markEdit';

/** Datasets from this size (bytes, or UTF-16 units of an editor's text) are parsed in the index worker. */
export const LARGE_DATASET_SIZE = 2_000_000;
/** A replaced version stays in the worker this long, for queries still running on it. */
const DROP_DELAY_MS = 10_000;

/** Edits in a dirty dataset editor re-match marks after this pause in typing. */
const EDIT_DEBOUNCE_MS = 300;

export interface DatasetVersion {
  uri: vscode.Uri;
  /** The text, for datasets parsed here; undefined for large ones (it stays in the worker). */
  text: string | undefined;
  /** An IndexedDataset (positions and fingerprints only) for large datasets. */
  dataset: ParsedDataset;
  /** describeColumns() of the dataset. */
  columns: ColumnInfo[];
  /** Changes whenever the text may have changed (editor version or file mtime/size). */
  key: string;
}

export function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

export function isDatasetUri(uri: vscode.Uri): boolean {
  return isDatasetFileName(baseName(uri));
}

export class DatasetDocuments implements vscode.Disposable {
  private readonly cache = new Map<string, { key: string; generation: number; version: Promise<DatasetVersion> }>();
  /** Per uri: bumped by forget() and by closing its editor, so a read begun before either is never reused after. */
  private readonly generations = new Map<string, number>();
  private readonly instances = new WeakMap<vscode.TextDocument, number>();
  private lastInstance = 0;
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  /** Fires (debounced) when an open dataset's text changes in its editor. */
  readonly onDidChangeText = this.changed.event;

  /** Tests lower this to send small files down the worker path. */
  private largeSize = LARGE_DATASET_SIZE;

  constructor(private readonly indexer: DatasetIndexer) {
    this.disposables.push(
      // The worker's parses are gone: read those datasets again.
      indexer.onDidLose(() => {
        for (const entry of this.cache.values()) {
          void entry.version.then((v) => {
            if (!(v.dataset instanceof IndexedDataset)) return;
            this.forget(v.uri);
            this.changed.fire(v.uri);
          }, () => undefined);
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && isDatasetUri(e.document.uri)) this.scheduleChange(e.document.uri);
      }),
      // Closing a dirty editor without saving reverts to the file's text.
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (!isDatasetUri(doc.uri)) return;
        this.forget(doc.uri);
        this.scheduleChange(doc.uri);
      }),
    );
  }

  openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
    const wanted = uri.toString();
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === wanted && !d.isClosed);
  }

  /** The parsed dataset as the user currently sees it. Throws what parseDataset throws. */
  async current(uri: vscode.Uri): Promise<DatasetVersion> {
    const id = uri.toString();
    // An mtime/size key alone can miss a rewrite within the same millisecond and size,
    // so a cached read also has to be newer than the last change the watcher reported.
    const generation = this.generations.get(id) ?? 0;
    const doc = this.openDocument(uri);
    const key = doc ? `doc:${this.instanceOf(doc)}:${doc.version}` : await this.diskKey(uri);
    const cached = this.cache.get(id);
    if (cached && cached.key === key && cached.generation >= generation) return cached.version;
    const entry = { key, generation, version: this.load(uri, key, doc) };
    if (!cached || cached.generation <= generation) {
      this.cache.set(id, entry);
      if (cached) this.dropLater(cached.version);
    }
    entry.version.catch(() => {
      if (this.cache.get(id) === entry) this.cache.delete(id);
    });
    return entry.version;
  }

  /**
   * The bytes to send to the worker: the unsaved editor text when dirty, else the file.
   * Files above 50 MB are never synced to extensions as documents, so they are always read from disk.
   */
  async bytes(uri: vscode.Uri): Promise<Uint8Array> {
    const doc = this.openDocument(uri);
    if (doc?.isDirty) return new TextEncoder().encode(doc.getText());
    return vscode.workspace.fs.readFile(uri);
  }

  /** Drops the cached parse (the file changed on disk). */
  forget(uri: vscode.Uri): void {
    const id = uri.toString();
    this.generations.set(id, (this.generations.get(id) ?? 0) + 1);
    this.cache.delete(id);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    this.cache.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }

  /** Versions restart at 1 when a document is reopened; the instance number tells the two apart. */
  private instanceOf(doc: vscode.TextDocument): number {
    let instance = this.instances.get(doc);
    if (instance === undefined) {
      instance = ++this.lastInstance;
      this.instances.set(doc, instance);
    }
    return instance;
  }

  private async diskKey(uri: vscode.Uri): Promise<string> {
    const stat = await vscode.workspace.fs.stat(uri);
    return `disk:${stat.mtime}:${stat.size}`;
  }

  /** Test hook: datasets from this size take the worker path (undefined: the default). Re-reads everything. */
  useWorkerAbove(size: number | undefined): vscode.Uri[] {
    this.largeSize = size ?? LARGE_DATASET_SIZE;
    const uris = [...this.cache.keys()].map((id) => vscode.Uri.parse(id));
    for (const uri of uris) this.forget(uri);
    return uris;
  }

  // ------------------------------------------------ queries that read cells: here or in the worker

  /** readForgetList(); a large list of a large dataset is parsed in the worker too. */
  readList(ds: ParsedDataset, text: string | undefined, fileName: string, fallback: ForgetList): Promise<ReadList> | ReadList {
    return ds instanceof IndexedDataset ? this.indexer.readList(ds, text, fileName, fallback) : readForgetList(text, fileName, fallback, ds);
  }

  serialize(ds: ParsedDataset, list: ForgetList): Promise<string> | string {
    return ds instanceof IndexedDataset ? this.indexer.serialize(ds, list) : serializeForgetList(list);
  }

  markLines(ds: ParsedDataset, list: ForgetList, lines: number[], action: MarkAction, reason: string, date: string): Promise<MarkEdit> | MarkEdit {
    if (ds instanceof IndexedDataset) return this.indexer.markLines(ds, list, lines, action, reason, date);
    return markLines(list, ds, lines, action, reason, date);
  }

  /** The list with every row matching the expression added (engine's addRows). */
  addRowsWhere(ds: ParsedDataset, list: ForgetList, expression: string, reason: string, date: string): Promise<ForgetList> | ForgetList {
    if (ds instanceof IndexedDataset) return this.indexer.addRowsWhere(ds, list, expression, reason, date);
    return addRows(list, ds, selectRowsWhere(ds, expression), reason, date);
  }

  rowsWhere(ds: ParsedDataset, expression: string): Promise<number[]> | number[] {
    return ds instanceof IndexedDataset ? this.indexer.where(ds, expression) : selectRowsWhere(ds, expression);
  }

  async skipped(ds: ParsedDataset, x: string, y: string): Promise<{ skipped: SkippedRow[]; skippedCount: number }> {
    if (ds instanceof IndexedDataset) return this.indexer.skipped(ds, x, y);
    const { skipped, skippedCount } = extractXY(ds, x, y);
    return { skipped, skippedCount };
  }

  /** LineStarts.span of each 1-based line of the version's text. */
  async lineSpans(version: DatasetVersion, lines: number[]): Promise<[number, number][]> {
    if (version.text === undefined) return this.indexer.lineSpans(version.dataset as IndexedDataset, lines);
    const starts = new LineStarts(version.text);
    return lines.map((line) => starts.span(line));
  }

  /** The version's text (read again for a large dataset, whose text is not kept here). */
  async text(version: DatasetVersion): Promise<string> {
    if (version.text !== undefined) return version.text;
    return decodeText(await this.bytes(version.uri), baseName(version.uri));
  }

  private async load(uri: vscode.Uri, key: string, doc: vscode.TextDocument | undefined): Promise<DatasetVersion> {
    const name = baseName(uri);
    // A clean editor shows the file: a large one is read as bytes and moved to the worker
    // rather than copied out of the editor as a string.
    const data = doc && (doc.isDirty || !(await this.isLarge(uri))) ? doc.getText() : await vscode.workspace.fs.readFile(uri);
    if (data.length >= this.largeSize) {
      const dataset = await this.indexer.index(name, data);
      return { uri, text: undefined, key, dataset, columns: dataset.columnInfo };
    }
    const text = typeof data === 'string' ? data : decodeText(data, name);
    const dataset = parseDataset(text, name);
    return { uri, text, key, dataset, columns: describeColumns(dataset) };
  }

  private async isLarge(uri: vscode.Uri): Promise<boolean> {
    try {
      return (await vscode.workspace.fs.stat(uri)).size >= this.largeSize;
    } catch {
      return false; // not a file (e.g. untitled): the editor's text it is
    }
  }

  private dropLater(version: Promise<DatasetVersion>): void {
    void version.then((v) => {
      if (v.dataset instanceof IndexedDataset) setTimeout(() => this.indexer.drop(v.dataset as IndexedDataset), DROP_DELAY_MS);
    }, () => undefined);
  }

  private scheduleChange(uri: vscode.Uri): void {
    const id = uri.toString();
    clearTimeout(this.pending.get(id));
    this.pending.set(
      id,
      setTimeout(() => {
        this.pending.delete(id);
        this.changed.fire(uri);
      }, EDIT_DEBOUNCE_MS),
    );
  }
}
