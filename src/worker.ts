// The worker thread entry (dist/worker.js): one audit per worker. It runs the engine's
// pipeline exactly as the CLI does, posting progress, then the result or an error that
// names the file and line. The host starts a fresh worker per run and terminates it to
// cancel, so nothing here needs to clean up after a run.

import { parentPort } from 'worker_threads';
import { decodeText } from './engine/encoding';
import { UnlearnError } from './engine/errors';
import { parseForgetList } from './engine/forgetList';
import { auditText } from './engine/pipeline';
import type { FromWorker, WorkerAuditRequest } from './protocol';

function post(message: FromWorker): void {
  parentPort?.postMessage(message);
}

function run(request: WorkerAuditRequest): void {
  const { id, fileName, settings } = request;
  const forgetList =
    request.forgetListText !== undefined ? parseForgetList(request.forgetListText, `${fileName}.forget.json`) : undefined;
  const outcome = auditText(
    {
      text: decodeText(request.data, fileName),
      fileName,
      path: fileName,
      forgetList,
      unwantedRowNumbers: request.unwantedRows?.map((rowIndex) => rowIndex + 1),
      // The host resolved every setting already; they win over the forget list's `model`.
      overrides: settings,
      sweep: request.sweep,
      maxPoints: request.maxPoints,
    },
    { onProgress: (p) => post({ type: 'progress', id, phase: 'emse', iteration: p.iteration, objective: p.objective }) },
  );
  post({ type: 'result', id, result: outcome.result, points: outcome.points, sweep: outcome.sweep });
}

parentPort?.on('message', (request: WorkerAuditRequest) => {
  try {
    run(request);
  } catch (e) {
    const error: FromWorker =
      e instanceof UnlearnError
        ? { type: 'error', id: request.id, message: e.message, file: e.file, line: e.line }
        : { type: 'error', id: request.id, message: e instanceof Error ? e.message : String(e) };
    post(error);
  }
});
