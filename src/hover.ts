// Hover on a marked row: why it is unwanted, since when, and — after a run whose forget
// list is still current — how likely the model recalls it before / after / on retraining.
// Untrusted Markdown, no command links; dataset text is escaped.

import * as vscode from 'vscode';
import { rowAtLine } from './markEdit';
import type { DatasetService } from './datasetService';
import type { ForgetStore } from './forgetStore';

export const DATASET_SELECTOR: vscode.DocumentSelector = [
  { pattern: '**/*.{csv,tsv,jsonl,ndjson,CSV,TSV,JSONL,NDJSON}' },
];

/** One decimal for ordinary values; two significant digits for tiny ones, which are the point of unlearning. */
function percent(p: number): string {
  const value = p * 100;
  if (value === 0 || value >= 0.1) return `${value.toFixed(1)} %`;
  return `${value.toPrecision(2)} %`;
}

export class MarkHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly store: ForgetStore,
    private readonly service: DatasetService,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const snap = await this.store.snapshot(document.uri).catch(() => undefined);
    if (!snap) return undefined;
    const ds = snap.version.dataset;
    const row = rowAtLine(ds, position.line + 1);
    if (row === undefined || !snap.unwanted.has(row)) return undefined;
    const entries = snap.list.entries.filter((_, i) => snap.match.rowOfEntry[i] === row);

    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.appendMarkdown(`**Unwanted row ${row + 1}** (in the forget list)\n\n`);
    for (const entry of entries) {
      md.appendMarkdown('Reason: ');
      md.appendText(entry.reason || '(none given)');
      md.appendMarkdown(' — added ');
      md.appendText(entry.added);
      md.appendMarkdown('\n\n');
    }
    const evidence = this.service.evidenceFor(document.uri, ds, row);
    if (evidence) {
      md.appendMarkdown(
        `Recall probability: before ${percent(evidence.recallBefore)}, ` +
          `after EMSE ${percent(evidence.recallAfter)}, retrained ${percent(evidence.recallRetrain)}`,
      );
    } else {
      md.appendMarkdown('_Run EMSE unlearning to see how well this row is forgotten._');
    }
    const range = new vscode.Range(ds.lineOf(row) - 1, 0, ds.endLineOf(row) - 1, Number.MAX_SAFE_INTEGER);
    return new vscode.Hover(md, document.validateRange(range));
  }
}
