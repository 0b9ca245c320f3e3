// One entry point for "read this file as a dataset", choosing the parser by file name.

import { parseCsv } from './csv';
import { parseJsonl } from './jsonl';
import type { DatasetFormat, ParsedDataset } from './types';

const DATASET_EXTENSION = /\.(csv|tsv|jsonl|ndjson)$/i;

/** By extension: .csv, .tsv (tab), .jsonl/.ndjson; any other name is sniffed from its first character. */
export function parseDataset(text: string, fileName: string): ParsedDataset {
  if (datasetFormatOf(fileName, text) === 'jsonl') return parseJsonl(text);
  return /\.tsv$/i.test(fileName) ? parseCsv(text, { delimiter: '\t' }) : parseCsv(text);
}

/** The format parseDataset reads a file as, from its name and (without a known extension) its start. */
export function datasetFormatOf(fileName: string, head: string): DatasetFormat {
  const extension = DATASET_EXTENSION.exec(fileName)?.[1].toLowerCase();
  if (extension === 'jsonl' || extension === 'ndjson') return 'jsonl';
  if (extension === 'csv' || extension === 'tsv') return 'csv';
  return looksLikeJsonl(head) ? 'jsonl' : 'csv';
}

/** JSON Lines start with `{` (after a BOM and blank space); a CSV header practically never does. */
function looksLikeJsonl(text: string): boolean {
  return /^\uFEFF?\s*\{/.test(text);
}

export function isDatasetFileName(name: string): boolean {
  return DATASET_EXTENSION.test(name);
}
