// Hosts the long-lived index worker (dist/worker.js in its index role): large datasets are
// parsed, matched and queried there, and the extension host keeps only an IndexedDataset.
// Started on first use; if it dies, every pending query fails with a clear error and
// onDidLose tells DatasetDocuments to re-index what it had sent.

import * as path from 'path';
import * as vscode from 'vscode';
import { Worker } from 'worker_threads';
import { IndexedDataset, ownedBytes, type DatasetIndexData, type ReadList } from './datasetIndex';
import { UnlearnError } from './engine/errors';
import type { ForgetList } from './engine/types';
import type { MarkAction, MarkEdit } from './markEdit';
import { isFromIndexWorker, type IndexQueries, type IndexQuery, type IndexRequest } from './protocol';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class DatasetIndexer implements vscode.Disposable {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextKey = 1;
  private readonly lost = new vscode.EventEmitter<void>();

  /** Fires when the worker stopped and the versions it held are gone. */
  readonly onDidLose = this.lost.event;

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Parses a dataset version in the worker. `data` (bytes) is transferred, not copied. */
  async index(fileName: string, data: Uint8Array | string): Promise<IndexedDataset> {
    const key = `${fileName}#${this.nextKey++}`;
    const started = Date.now();
    const owned = typeof data === 'string' ? data : ownedBytes(data);
    const transfer = typeof owned === 'string' ? [] : [owned.buffer as ArrayBuffer];
    const index = await this.query<'index'>({ type: 'index', id: 0, key, fileName, data: owned }, transfer);
    this.log.info(`Indexed ${fileName} in the worker: ${index.rowCount} rows in ${Date.now() - started} ms`);
    return new IndexedDataset(index as DatasetIndexData, key);
  }

  readList(ds: IndexedDataset, text: string | undefined, fileName: string, fallback: ForgetList): Promise<ReadList> {
    return this.query<'readList'>({ type: 'readList', id: 0, key: ds.workerKey, text, fileName, fallback });
  }

  serialize(ds: IndexedDataset, list: ForgetList): Promise<string> {
    return this.query<'serialize'>({ type: 'serialize', id: 0, key: ds.workerKey, list });
  }

  markLines(ds: IndexedDataset, list: ForgetList, lines: number[], action: MarkAction, reason: string, date: string): Promise<MarkEdit> {
    return this.query<'markLines'>({ type: 'markLines', id: 0, key: ds.workerKey, list, lines, action, reason, date });
  }

  addRowsWhere(ds: IndexedDataset, list: ForgetList, expression: string, reason: string, date: string): Promise<ForgetList> {
    return this.query<'addRowsWhere'>({ type: 'addRowsWhere', id: 0, key: ds.workerKey, list, expression, reason, date });
  }

  where(ds: IndexedDataset, expression: string): Promise<number[]> {
    return this.query<'where'>({ type: 'where', id: 0, key: ds.workerKey, expression });
  }

  skipped(ds: IndexedDataset, x: string, y: string): Promise<IndexQueries['skipped']['reply']> {
    return this.query<'skipped'>({ type: 'skipped', id: 0, key: ds.workerKey, x, y });
  }

  lineSpans(ds: IndexedDataset, lines: number[]): Promise<[number, number][]> {
    return this.query<'lineSpans'>({ type: 'lineSpans', id: 0, key: ds.workerKey, lines });
  }

  /** The worker may forget this version (a newer one replaced it). */
  drop(ds: IndexedDataset): void {
    if (this.worker) void this.query<'drop'>({ type: 'drop', id: 0, key: ds.workerKey }).catch(() => undefined);
  }

  dispose(): void {
    this.stop(new Error('the extension is shutting down'));
    this.lost.dispose();
  }

  private query<K extends IndexQuery>(request: Extract<IndexRequest, { type: K }>, transfer: ArrayBuffer[] = []): Promise<IndexQueries[K]['reply']> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id }, transfer);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(this.extensionPath, 'dist', 'worker.js'));
    worker.unref(); // an idle index worker must not keep the extension host alive
    worker.on('message', (message: unknown) => {
      if (!isFromIndexWorker(message) || !this.pending.has(message.id)) {
        this.log.error(`The index worker sent an invalid message: ${JSON.stringify(message)?.slice(0, 200)}`);
        return;
      }
      const { resolve, reject } = this.pending.get(message.id)!;
      this.pending.delete(message.id);
      if (message.type === 'reply') resolve(message.value);
      else reject(new UnlearnError(message.message, message.file, message.line));
    });
    worker.on('error', (e) => this.stop(e));
    worker.on('exit', (code) => this.stop(new Error(`the index worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private stop(cause: Error): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    void worker.terminate();
    if (this.pending.size > 0) this.log.error(`Dataset index lost: ${cause.message}`);
    for (const { reject } of this.pending.values()) reject(new Error(`Reading a large dataset failed: ${cause.message}`));
    this.pending.clear();
    this.lost.fire();
  }
}
