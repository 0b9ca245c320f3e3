// The worker thread entry (dist/worker.js), in one of two roles decided by its first message:
// - an audit ('audit'): one per worker. It runs the engine's pipeline exactly as the CLI
//   does, posting progress, then the result or an error that names the file and line. The
//   host starts a fresh worker per run and terminates it to cancel.
// - the dataset index (every other request): one long-lived worker that parses large
//   datasets, keeps each version by key, and answers matching, `where` and problem queries
//   over it, so the extension host never parses or scans a large file itself.

import { parentPort } from 'worker_threads';
import { decodeText } from './engine/encoding';
import { indexDataset, LineStarts, readForgetList, transferablesOf } from './datasetIndex';
import { describeColumns, extractXY } from './engine/columns';
import { parseDataset } from './engine/dataset';
import { UnlearnError } from './engine/errors';
import { addRows, parseForgetList, serializeForgetList } from './engine/forgetList';
import { auditText } from './engine/pipeline';
import { markLines } from './markEdit';
import type { ParsedDataset } from './engine/types';
import { selectRowsWhere } from './engine/where';
import type { FromIndexWorker, FromWorker, IndexQueries, IndexRequest, WorkerAuditRequest } from './protocol';

function post(message: FromWorker | FromIndexWorker, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
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

// ---------------------------------------------------------------- the dataset index

interface KeptVersion {
  ds: ParsedDataset;
  text: string;
  lines?: LineStarts;
}

/** Versions the host still refers to; it drops each when a newer one replaces it. A cap guards against a leak. */
const kept = new Map<string, KeptVersion>();
const MAX_KEPT = 16;

function version(key: string): KeptVersion {
  const found = kept.get(key);
  if (!found) throw new Error(`the index worker no longer holds ${key}`);
  return found;
}

type Answer<K extends keyof IndexQueries> = (request: Extract<IndexRequest, { type: K }>) => IndexQueries[K]['reply'];

const answers: { [K in keyof IndexQueries]: Answer<K> } = {
  index: ({ key, fileName, data }) => {
    const text = typeof data === 'string' ? data : decodeText(data, fileName);
    const ds = parseDataset(text, fileName);
    kept.set(key, { ds, text });
    while (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value as string);
    return indexDataset(ds, describeColumns(ds));
  },
  readList: ({ key, text, fileName, fallback }) => readForgetList(text, fileName, fallback, version(key).ds),
  serialize: ({ list }) => serializeForgetList(list),
  markLines: ({ key, list, lines, action, reason, date }) => markLines(list, version(key).ds, lines, action, reason, date),
  addRowsWhere: ({ key, list, expression, reason, date }) => {
    const ds = version(key).ds;
    return addRows(list, ds, selectRowsWhere(ds, expression), reason, date);
  },
  where: ({ key, expression }) => selectRowsWhere(version(key).ds, expression),
  skipped: ({ key, x, y }) => {
    const { skipped, skippedCount } = extractXY(version(key).ds, x, y);
    return { skipped, skippedCount };
  },
  lineSpans: ({ key, lines }) => {
    const v = version(key);
    v.lines ??= new LineStarts(v.text);
    return lines.map((line) => v.lines!.span(line));
  },
  drop: ({ key }) => {
    kept.delete(key);
    return null;
  },
};

function answer(request: IndexRequest): void {
  const value = (answers[request.type] as Answer<typeof request.type>)(request as never);
  const transfer = request.type === 'index' ? transferablesOf(value as IndexQueries['index']['reply']) : [];
  if (request.type === 'readList') transfer.push((value as IndexQueries['readList']['reply']).match.rowOfEntry.buffer as ArrayBuffer);
  post({ type: 'reply', id: request.id, value }, transfer);
}

parentPort?.on('message', (request: WorkerAuditRequest | IndexRequest) => {
  try {
    if (request.type === 'audit') run(request);
    else answer(request);
  } catch (e) {
    const error: FromWorker =
      e instanceof UnlearnError
        ? { type: 'error', id: request.id, message: e.message, file: e.file, line: e.line }
        : { type: 'error', id: request.id, message: e instanceof Error ? e.message : String(e) };
    post(error);
  }
});
