// Hosts the unlearning worker. A fresh worker per run, so a crash or a cancel can never
// poison the next run; a cancellable progress notification for runs that take a while;
// every message checked with isFromWorker; any failure becomes one clear error for the
// caller and a log line.

import * as path from 'path';
import * as vscode from 'vscode';
import { Worker } from 'worker_threads';
import { UnlearnError } from './engine/errors';
import { isFromWorker, type WorkerAuditRequest, type WorkerProgress, type WorkerResult } from './protocol';

export type AuditJob = Omit<WorkerAuditRequest, 'type' | 'id'>;

interface ActiveRun {
  id: number;
  stop: () => void;
}

/**
 * The notification opens only for runs still going after this long. VS Code keeps a progress
 * notification up for at least 800 ms after it opens, so one opened for a quick run would
 * outlive the result the panel already shows (the panel has its own progress and Cancel).
 */
export const NOTIFY_AFTER_MS = 1_000;

function progressText(p: WorkerProgress): string {
  return `EMSE iteration ${p.iteration}, objective ${p.objective.toPrecision(6)}`;
}

export class UnlearnRunner implements vscode.Disposable {
  private active: ActiveRun | undefined;
  private nextId = 1;
  /** Tests point this at a misbehaving script to check crash handling. */
  private scriptOverride: string | undefined;

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get isRunning(): boolean {
    return this.active !== undefined;
  }

  /**
   * Runs one audit in a new worker; a cancellable notification shows its latest iteration once
   * it has run NOTIFY_AFTER_MS, and closes as the result arrives. Resolves undefined when
   * cancelled; rejects with an Error (an UnlearnError naming file and line for data problems)
   * whose message is fit to show. A run already in progress is cancelled first.
   */
  run(job: AuditJob, title: string, onProgress: (p: WorkerProgress) => void): Promise<WorkerResult | undefined> {
    this.cancel();
    const id = this.nextId++;
    let latest: WorkerProgress | undefined;
    let report: ((p: WorkerProgress) => void) | undefined;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const timer = setTimeout(() => {
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        token.onCancellationRequested(() => {
          if (this.active?.id === id) this.active.stop();
        });
        report = (p) => progress.report({ message: progressText(p) });
        if (latest) report(latest);
        return done;
      });
    }, NOTIFY_AFTER_MS);
    const outcome = this.host(id, job, (p) => {
      latest = p;
      report?.(p);
      onProgress(p);
    });
    // Settled (result, error or cancel): the notification goes with it, or never opens.
    return outcome.finally(() => {
      clearTimeout(timer);
      finished();
    });
  }

  /** Runs one request in a new worker; settles once, terminating the worker whatever happened. */
  private host(id: number, job: AuditJob, onProgress: (p: WorkerProgress) => void): Promise<WorkerResult | undefined> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const script = this.scriptOverride ?? path.join(this.extensionPath, 'dist', 'worker.js');
      let worker: Worker;
      try {
        worker = new Worker(script);
      } catch (e) {
        reject(this.failure(`could not start the unlearning worker (${script})`, e));
        return;
      }
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        if (this.active?.id === id) this.active = undefined;
        void worker.terminate();
        outcome();
      };
      const cancel = () =>
        settle(() => {
          this.log.info(`Run ${id} cancelled after ${Date.now() - started} ms`);
          resolve(undefined);
        });
      this.active = { id, stop: cancel };

      worker.on('message', (message: unknown) => {
        if (!isFromWorker(message) || message.id !== id) {
          settle(() => reject(this.failure('the unlearning worker sent an invalid message', JSON.stringify(message)?.slice(0, 200))));
        } else if (message.type === 'progress') {
          onProgress(message);
        } else if (message.type === 'result') {
          settle(() => {
            this.log.info(`Run ${id} finished in ${Date.now() - started} ms (${message.result.after.iterations} EMSE iterations)`);
            resolve(message);
          });
        } else {
          const error = new UnlearnError(message.message, message.file, message.line);
          settle(() => {
            this.log.warn(`Run ${id} failed: ${error.describe()}`);
            reject(error);
          });
        }
      });
      worker.on('error', (e) => settle(() => reject(this.failure('the unlearning worker crashed', e))));
      worker.on('exit', (code) => settle(() => reject(this.failure(`the unlearning worker stopped unexpectedly (exit code ${code})`))));
      this.log.info(`Run ${id}: ${job.fileName}, x=${job.settings.x}, y=${job.settings.y}, degree ${job.settings.degree}`);
      // Copied, not moved: callers (the review, receipts) still read their bytes after the run,
      // and a copy of even 50 MB is one memcpy.
      const request: WorkerAuditRequest = { type: 'audit', id, ...job };
      worker.postMessage(request);
    });
  }

  /** Terminates the worker of the run in progress at once; that run resolves undefined. */
  cancel(): void {
    this.active?.stop();
  }

  /** For tests: run this script instead of dist/worker.js (undefined restores it). */
  useWorkerScript(script: string | undefined): void {
    this.scriptOverride = script;
  }

  dispose(): void {
    this.cancel();
  }

  private failure(what: string, cause?: unknown): Error {
    const detail = cause instanceof Error ? cause.message : cause === undefined ? '' : String(cause);
    this.log.error(`Unlearning failed: ${what}${detail ? `: ${detail}` : ''}`);
    return new Error(`Unlearning failed: ${what}. Nothing was written; see the "Unlearn" output for details.`);
  }
}
