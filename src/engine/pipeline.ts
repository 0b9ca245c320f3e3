// The whole audit from a dataset's text: parse, pick the unwanted rows (forget list, row
// numbers, a --where expression), resolve settings, fit, unlearn, sweep σ and sample the
// chart. The CLI and the worker both run exactly this, so they cannot drift apart.

import { auditPrepared, defaultSweepSigmas, prepareAudit, sweepPrepared, type AuditInput } from './audit';
import { chartPoints } from './chartPoints';
import { describeColumns, extractXY } from './columns';
import { parseDataset } from './dataset';
import { UnlearnError } from './errors';
import { matchForgetList } from './forgetList';
import { expandRowRanges, type RowRange } from './rowRanges';
import { resolveSettings, type SettingsLayer } from './settings';
import type {
  AuditResult,
  ChartPoints,
  ForgetList,
  ForgetMatch,
  ModelSettings,
  ParsedDataset,
  RunControl,
  SweepPoint,
} from './types';
import { selectRowsWhere } from './where';

export interface AuditRequest {
  /** The dataset's text (already decoded). */
  text: string;
  /** File name, for the format and for messages. */
  fileName: string;
  /** Path shown in the result (relative for the CLI, workspace-relative in the editor). */
  path: string;
  forgetList?: ForgetList;
  /** 1-based data-row numbers marked on top of the forget list. */
  unwantedRowNumbers?: number[];
  /** Ranges of 1-based data-row numbers (the CLI's --unwanted-rows), checked before they are expanded. */
  unwantedRowRanges?: RowRange[];
  /** A --where expression marking rows on top of the forget list. */
  where?: string;
  /** Settings layers, lowest priority first (editor defaults, then explicit overrides). The forget list's `model` sits between them. */
  defaults?: ModelSettings;
  overrides?: SettingsLayer;
  /** σ values for the sweep: 'default' for the standard grid around the run's σ, [] for none. */
  sweep?: number[] | 'default';
  maxPoints?: number;
}

export interface AuditOutcome {
  dataset: ParsedDataset;
  match?: ForgetMatch;
  result: AuditResult;
  points: ChartPoints;
  sweep: SweepPoint[];
}

/** Turns 1-based data-row numbers into rowIndex values, refusing rows that do not exist. */
function rowNumbersToIndices(rows: number[], ds: ParsedDataset, fileName: string): number[] {
  return rows.map((row) => {
    if (!Number.isInteger(row) || row < 1 || row > ds.rowCount) {
      throw new UnlearnError(`row ${row} does not exist: the dataset has ${ds.rowCount} data rows`, fileName);
    }
    return row - 1;
  });
}

export function auditText(request: AuditRequest, control?: RunControl): AuditOutcome {
  const { text, fileName, forgetList } = request;
  const ds = parseDataset(text, fileName);
  if (ds.rowCount === 0) throw new UnlearnError('the dataset has no data rows', fileName);

  const match = forgetList ? matchForgetList(forgetList, ds) : undefined;
  const unwanted = new Set<number>(match?.unwantedRows ?? []);
  for (const i of rowNumbersToIndices(request.unwantedRowNumbers ?? [], ds, fileName)) unwanted.add(i);
  for (const i of expandRowRanges(request.unwantedRowRanges ?? [], ds.rowCount, fileName)) unwanted.add(i);
  if (request.where) for (const i of selectRowsWhere(ds, request.where)) unwanted.add(i);

  const settings = resolveSettings(describeColumns(ds), request.defaults, forgetList?.model, request.overrides);
  const xy = extractXY(ds, settings.x, settings.y);
  const input: AuditInput = {
    path: request.path,
    format: ds.format,
    rows: ds.rowCount,
    xy,
    lineOf: (i) => ds.lineOf(i),
    unwantedRows: [...unwanted].sort((a, b) => a - b),
    staleForgetEntries: match?.stale.length ?? 0,
    settings,
  };
  // One pass over the data serves the audit and every σ of the sweep.
  const prepared = prepareAudit(input);
  const result = auditPrepared(prepared, control);

  const sigmas = request.sweep === 'default' ? defaultSweepSigmas(result.model.sigma) : (request.sweep ?? []);
  const sweep = sigmas.length ? sweepPrepared(prepared, sigmas, control) : [];

  const mask = new Uint8Array(xy.rowIndex.length);
  xy.rowIndex.forEach((rowIndex, k) => {
    if (unwanted.has(rowIndex)) mask[k] = 1;
  });
  const points = chartPoints(xy, mask, request.maxPoints ?? 20000);
  return { dataset: ds, match, result, points, sweep };
}
