// Reads a dataset's text — the open editor's (possibly unsaved) text when there is one,
// else the file through workspace.fs — and keeps one parse per dataset version, so the
// decorations, hovers, status bar and Problems of one edit share a single parse.

import * as vscode from 'vscode';
import { decodeUtf8, isDatasetFileName, parseDataset } from './engine/dataset';
import type { ParsedDataset } from './engine/types';

/** Edits in a dirty dataset editor re-match marks after this pause in typing. */
const EDIT_DEBOUNCE_MS = 300;

export interface DatasetVersion {
  uri: vscode.Uri;
  text: string;
  dataset: ParsedDataset;
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

  constructor() {
    this.disposables.push(
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
    if (!cached || cached.generation <= generation) this.cache.set(id, entry);
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

  private async load(uri: vscode.Uri, key: string, doc: vscode.TextDocument | undefined): Promise<DatasetVersion> {
    const text = doc ? doc.getText() : decodeUtf8(await vscode.workspace.fs.readFile(uri));
    return { uri, text, key, dataset: parseDataset(text, baseName(uri)) };
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

/** The rowIndex of the row covering a 1-based file line, or undefined (header, blank or broken line). */
export function rowAtLine(ds: ParsedDataset, line: number): number | undefined {
  const candidate = firstRowAfter(ds, line) - 1;
  return candidate >= 0 && ds.endLineOf(candidate) >= line ? candidate : undefined;
}

/** rowIndex values of the rows touching 1-based lines first..last, in order. */
export function rowsInLines(ds: ParsedDataset, first: number, last: number): number[] {
  const rows: number[] = [];
  for (let row = rowAtLine(ds, first) ?? firstRowAfter(ds, first); row < ds.rowCount && ds.lineOf(row) <= last; row++) {
    rows.push(row);
  }
  return rows;
}

/** The first row starting after a 1-based line (rows start on increasing lines: binary search). */
function firstRowAfter(ds: ParsedDataset, line: number): number {
  let lo = 0;
  let hi = ds.rowCount;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ds.lineOf(mid) > line) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
