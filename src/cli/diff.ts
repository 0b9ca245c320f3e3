// `unlearn diff`: a forget-list change base → head, entry by entry with the rows' content, and
// what it does to the model (the audit at both sides), with gates for CI. `--all` reviews every
// forget list under a folder. Base and head come from git (`git show`) or from plain files.

import { existsSync, statSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { decodeUtf8, parseDataset } from '../engine/dataset';
import { UnlearnError } from '../engine/errors';
import { diffForgetLists, type ForgetDiff } from '../engine/forgetDiff';
import { forgetListFileName, parseForgetList } from '../engine/forgetList';
import { formatNumber } from '../engine/format';
import { verdict } from '../engine/verdict';
import type { AuditResult } from '../engine/types';
import { auditFile, auditOptions, diskFiles, numberFlag, UsageError, writeAtomic, type AuditFileOptions, type AuditRun, type FileSource, type Flags } from '../cli';
import { refuseSingleDatasetFlags, summaryOf } from './auditAll';
import { datasetOfList, DEFAULT_FORGET_PATTERN, findForgetLists, forgetListMatcher } from './discover';
import { renderReviewMarkdown, renderReviewText } from './diffReport';
import { GitRepo } from './git';
import { worstExitCode } from './table';

/** One side of a review: where its files come from, and how to name it. */
export interface ReviewSide {
  label: string;
  source: FileSource;
  options: AuditFileOptions;
}

export interface Gate {
  /** 'verdict' (the audit's rule, always judged) or the flag that asked for the gate. */
  name: string;
  ok: boolean;
  /** What was checked and what was found, in words. */
  text: string;
}

export interface GateLimits {
  minFairR2?: number;
  maxDistanceToRetrain?: number;
  maxNewUnwanted?: number;
  failOnStale: boolean;
}

export interface DatasetReview {
  dataset: string;
  forgetList: string;
  /** 'unchanged': the list and the dataset have the same bytes at both sides (not audited). */
  status: 'changed' | 'unchanged' | 'error';
  error?: string;
  /** Undefined when the dataset does not exist at that side. */
  base?: AuditResult;
  head?: AuditResult;
  diff?: ForgetDiff;
  gates: Gate[];
  exitCode: number;
}

export interface Review {
  base: string;
  head: string;
  datasets: DatasetReview[];
  exitCode: number;
}

export function gateLimits(flags: Flags): GateLimits {
  const maxNew = numberFlag(flags, 'max-new-unwanted');
  if (maxNew !== undefined && !(Number.isInteger(maxNew) && maxNew >= 0)) throw new UsageError(`--max-new-unwanted must be a whole number ≥ 0, got "${flags['max-new-unwanted']}"`);
  return {
    minFairR2: numberFlag(flags, 'min-fair-r2'),
    maxDistanceToRetrain: numberFlag(flags, 'max-distance-to-retrain'),
    maxNewUnwanted: maxNew,
    failOnStale: flags['fail-on-stale'] === true,
  };
}

/** The audit at one side, or undefined when the dataset is not there (added or deleted by the change). */
function auditSide(file: string, side: ReviewSide): AuditRun | undefined {
  if (side.source.read(file) === undefined) return undefined;
  return auditFile(file, side.options, side.source);
}

/** The gates, judged on head. The verdict rule is always one; the others when asked for. */
export function judge(head: AuditResult, diff: ForgetDiff, limits: GateLimits): Gate[] {
  const v = verdict(head, limits.minFairR2);
  const gates: Gate[] = [{ name: 'verdict', ok: v.ok, text: v.text }];
  const distance = head.diagnostics.distanceToRetrain;
  if (limits.maxDistanceToRetrain !== undefined) {
    const max = formatNumber(limits.maxDistanceToRetrain);
    const name = `--max-distance-to-retrain ${max}`;
    gates.push(
      distance <= limits.maxDistanceToRetrain
        ? { name, ok: true, text: `distance to exact retraining ${formatNumber(distance)} is within the allowed ${max}.` }
        : { name, ok: false, text: `distance to exact retraining is ${formatNumber(distance)}, ${Number.isNaN(distance) ? 'not a number' : `above the allowed ${max}`}.` },
    );
  }
  if (limits.maxNewUnwanted !== undefined) {
    const added = diff.counts.added;
    const name = `--max-new-unwanted ${limits.maxNewUnwanted}`;
    gates.push(
      added <= limits.maxNewUnwanted
        ? { name, ok: true, text: `${added} new forget-list entries, within the allowed ${limits.maxNewUnwanted}.` }
        : { name, ok: false, text: `${added} new forget-list entries, more than the allowed ${limits.maxNewUnwanted}: split the change, or raise the limit after review.` },
    );
  }
  if (limits.failOnStale) {
    const stale = diff.head.stale;
    const name = '--fail-on-stale';
    gates.push(
      stale === 0
        ? { name, ok: true, text: 'no stale forget-list entries.' }
        : { name, ok: false, text: `${stale} forget-list ${stale === 1 ? 'entry matches' : 'entries match'} no row of the dataset (stale); remove ${stale === 1 ? 'it' : 'them'} or restore the rows.` },
    );
  }
  return gates;
}

/** Reviews one dataset's forget list between two sides. */
export function reviewDataset(file: string, forgetList: string, base: ReviewSide, head: ReviewSide, limits: GateLimits): DatasetReview {
  const show = (f: string) => relative(process.cwd(), f) || f;
  const review: DatasetReview = { dataset: show(file), forgetList: show(forgetList), status: 'changed', gates: [], exitCode: 0 };
  try {
    const [b, h] = [auditSide(file, base), auditSide(file, head)];
    if (!b && !h) throw new UnlearnError(`no such file at ${base.label} nor at ${head.label}`, show(file));
    const empty = parseDataset('', basename(file));
    review.diff = diffForgetLists(
      { dataset: b?.outcome.dataset ?? empty, list: b?.forgetList?.list, match: b?.outcome.match },
      { dataset: h?.outcome.dataset ?? empty, list: h?.forgetList?.list, match: h?.outcome.match },
    );
    review.base = b?.outcome.result;
    review.head = h?.outcome.result;
    if (h) review.gates = judge(h.outcome.result, review.diff, limits);
    review.exitCode = review.gates.every((g) => g.ok) ? 0 : 2;
  } catch (e) {
    if (!(e instanceof UnlearnError)) throw e;
    Object.assign(review, { status: 'error', error: e.describe(), exitCode: 1 });
  }
  return review;
}

/** True when a list and its dataset have the same bytes at both sides. */
function sameBytes(files: string[], base: FileSource, head: FileSource): boolean {
  return files.every((f) => {
    const [b, h] = [base.read(f), head.read(f)];
    return b !== undefined && h !== undefined && Buffer.from(b).equals(Buffer.from(h));
  });
}

/** Each file read once per side: a review looks at a file several times (changed? there? audit). */
function cached(source: FileSource): FileSource {
  const seen = new Map<string, Uint8Array | undefined>();
  return {
    read: (file) => {
      const key = resolve(file);
      if (!seen.has(key)) seen.set(key, source.read(file));
      return seen.get(key);
    },
    name: (file) => source.name(file),
  };
}

function headSide(repo: () => GitRepo, flags: Flags): { label: string; source: FileSource } {
  if (flags.head === undefined) return { label: 'working tree', source: cached(diskFiles) };
  const commit = repo().commit(flags.head);
  return { label: flags.head, source: cached(repo().files(commit, flags.head)) };
}

export function diff(file: string, flags: Flags): number {
  if (flags.base === undefined) throw new UsageError('diff needs --base <git-ref | older forget list>');
  const limits = gateLimits(flags);
  const options = auditOptions(flags);
  let gitRepo: GitRepo | undefined;
  const folder = dirname(resolve(file));
  const repo = () => (gitRepo ??= GitRepo.at(existsSync(folder) ? folder : '.'));
  const head = { ...headSide(repo, flags), options };
  let base: ReviewSide;
  if (existsSync(flags.base) && statSync(flags.base).isFile()) {
    // An older forget list on disk: compared against the same dataset as head.
    base = { label: flags.base, source: head.source, options: { ...options, forget: flags.base } };
  } else {
    const commit = repo().commit(flags.base);
    base = { label: flags.base, source: cached(repo().files(commit, flags.base)), options };
  }
  const review = reviewDataset(file, options.forget ?? forgetListFileName(file), base, head, limits);
  if (review.status === 'error') throw new UnlearnError(review.error!);
  if (!review.head) throw new UnlearnError(`no such file at ${head.label}`, review.dataset);
  return report({ base: base.label, head: head.label, datasets: [review], exitCode: review.exitCode }, flags);
}

export function diffAll(folder: string, flags: Flags): number {
  refuseSingleDatasetFlags(flags, 'diff');
  if (flags.base === undefined) throw new UsageError('diff --all needs --base <git-ref>');
  const limits = gateLimits(flags);
  const options = auditOptions(flags);
  const pattern = flags['forget-pattern'] ?? DEFAULT_FORGET_PATTERN;
  const matches = forgetListMatcher(pattern);
  const repo = GitRepo.at(folder);
  const baseCommit = repo.commit(flags.base);
  const baseSource = cached(repo.files(baseCommit, flags.base));
  const head = headSide(() => repo, flags);
  const headLists = flags.head === undefined ? findForgetLists(folder, pattern) : repo.list(repo.commit(flags.head), folder).filter((f) => matches(basename(f)));
  const baseLists = repo.list(baseCommit, folder).filter((f) => matches(basename(f)));
  const lists = [...new Set([...headLists, ...baseLists])].sort();

  const datasets = lists.map((listFile): DatasetReview => {
    const side = (source: FileSource, label: string): ReviewSide => ({ label, source, options: { ...options, forget: source.read(listFile) ? listFile : null } });
    const [b, h] = [side(baseSource, flags.base!), side(head.source, head.label)];
    let dataset: string;
    try {
      const bytes = head.source.read(listFile) ?? baseSource.read(listFile)!;
      const from = head.source.read(listFile) ? head.source : baseSource;
      dataset = datasetOfList(listFile, parseForgetList(decodeUtf8(bytes), from.name(listFile)));
    } catch (e) {
      if (!(e instanceof UnlearnError)) throw e;
      const show = relative(process.cwd(), listFile) || listFile;
      return { dataset: show, forgetList: show, status: 'error', error: e.describe(), gates: [], exitCode: 1 };
    }
    if (sameBytes([listFile, dataset], baseSource, head.source)) {
      const show = (f: string) => relative(process.cwd(), f) || f;
      return { dataset: show(dataset), forgetList: show(listFile), status: 'unchanged', gates: [], exitCode: 0 };
    }
    return reviewDataset(dataset, listFile, b, h, limits);
  });
  return report({ base: flags.base, head: head.label, datasets, exitCode: worstExitCode(datasets.map((d) => d.exitCode)) }, flags);
}

function report(review: Review, flags: Flags): number {
  if (flags.markdown) writeAtomic(flags.markdown, renderReviewMarkdown(review));
  if (flags.json) {
    const datasets = review.datasets.map((d) => ({ ...d, base: d.base && summaryOf(d.base), head: d.head && summaryOf(d.head) }));
    process.stdout.write(JSON.stringify({ ...review, datasets }, null, 2) + '\n');
  } else {
    process.stdout.write(renderReviewText(review) + '\n');
  }
  return review.exitCode;
}
