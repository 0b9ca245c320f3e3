// One entry point for "read this file as a dataset", choosing the parser by file name.

import { parseCsv } from './csv';
import { parseJsonl } from './jsonl';
import type { ParsedDataset } from './types';

const DATASET_EXTENSION = /\.(csv|tsv|jsonl|ndjson)$/i;

/** By extension: .csv, .tsv (tab), .jsonl/.ndjson; any other name is sniffed from its first character. */
export function parseDataset(text: string, fileName: string): ParsedDataset {
  const extension = DATASET_EXTENSION.exec(fileName)?.[1].toLowerCase();
  switch (extension) {
    case 'csv':
      return parseCsv(text);
    case 'tsv':
      return parseCsv(text, { delimiter: '\t' });
    case 'jsonl':
    case 'ndjson':
      return parseJsonl(text);
    default:
      return looksLikeJsonl(text) ? parseJsonl(text) : parseCsv(text);
  }
}

/** JSON Lines start with `{` (after a BOM and blank space); a CSV header practically never does. */
function looksLikeJsonl(text: string): boolean {
  return /^\uFEFF?\s*\{/.test(text);
}

export function isDatasetFileName(name: string): boolean {
  return DATASET_EXTENSION.test(name);
}
