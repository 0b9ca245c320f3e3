// Problems (source "Unlearn"): broken rows and non-numeric x/y cells at their line in the
// dataset; stale or unreadable entries at their line in the forget list, with quick fixes
// that remove stale entries through the engine (never by editing the JSON by hand).

import * as vscode from 'vscode';
import * as config from './config';
import { baseName, isDatasetUri } from './datasetDocuments';
import type { DatasetDocuments } from './datasetDocuments';
import { LineStarts } from './datasetIndex';
import { UnlearnError } from './engine/errors';
import { matchForgetList, removeEntries } from './engine/forgetList';
import { modelColumns } from './engine/settings';
import type { ForgetList } from './engine/types';
import type { DatasetSnapshot, ForgetStore } from './forgetStore';

const SOURCE = 'Unlearn';
const STALE_ENTRY_CODE = 'stale-entry';
const REMOVE_STALE_COMMAND = 'unlearn.removeStaleEntries';

function lineRange([line, length]: [number, number]): vscode.Range {
  return new vscode.Range(line, 0, line, length);
}

function diagnostic(range: vscode.Range, message: string, severity: vscode.DiagnosticSeverity): vscode.Diagnostic {
  const d = new vscode.Diagnostic(range, message, severity);
  d.source = SOURCE;
  return d;
}

/** The 1-based line of each entry in the list's text: where its fingerprint appears, in order. */
function entryLines(text: string, list: ForgetList): number[] {
  const lines = text.split('\n');
  const entriesLine = Math.max(0, lines.findIndex((l) => l.includes('"entries"')));
  let from = entriesLine;
  return list.entries.map((entry) => {
    const needle = JSON.stringify(entry.fingerprint);
    const found = lines.findIndex((l, i) => i >= from && l.includes(needle));
    if (found < 0) return entriesLine + 1;
    from = found + 1;
    return found + 1;
  });
}

export class ProblemReporter implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('unlearn');
  /** dataset uri → forget list uri last reported, so a renamed pattern clears the old file. */
  private readonly listOf = new Map<string, vscode.Uri>();
  /** Latest update per dataset: an older one finishing late must not win. */
  private readonly generation = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [this.diagnostics];

  constructor(
    private readonly store: ForgetStore,
    private readonly documents: DatasetDocuments,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      store.onDidChange((uri) => void this.update(uri)),
      vscode.commands.registerCommand(REMOVE_STALE_COMMAND, (uri?: vscode.Uri, entries?: number[]) =>
        this.removeStale(uri, entries),
      ),
      vscode.languages.registerCodeActionsProvider({ pattern: '**/*.json' }, new StaleEntryFixes(store), {
        providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
      }),
    );
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private async update(datasetUri: vscode.Uri): Promise<void> {
    const id = datasetUri.toString();
    const generation = (this.generation.get(id) ?? 0) + 1;
    this.generation.set(id, generation);
    const forgetUri = this.store.forgetUriFor(datasetUri);
    const previousList = this.listOf.get(id);
    if (previousList && previousList.toString() !== forgetUri.toString()) this.diagnostics.delete(previousList);
    this.listOf.set(id, forgetUri);
    let snap: DatasetSnapshot;
    let datasetProblems: vscode.Diagnostic[];
    try {
      snap = await this.store.snapshot(datasetUri);
      datasetProblems = await this.datasetProblems(snap);
    } catch (e) {
      if (this.generation.get(id) !== generation) return;
      this.diagnostics.delete(forgetUri);
      if (e instanceof vscode.FileSystemError) {
        this.diagnostics.delete(datasetUri); // deleted or moved: nothing to report on
        return;
      }
      const error = e instanceof UnlearnError ? e : new UnlearnError(String(e));
      const line = Math.max(0, (error.line ?? 1) - 1);
      this.diagnostics.set(datasetUri, [
        diagnostic(new vscode.Range(line, 0, line, 0), error.message, vscode.DiagnosticSeverity.Error),
      ]);
      return;
    }
    if (this.generation.get(id) !== generation) return; // a newer update is on its way
    this.diagnostics.set(datasetUri, datasetProblems);
    if (snap.listText === undefined) this.diagnostics.delete(forgetUri);
    else this.diagnostics.set(forgetUri, this.listProblems(snap, snap.listText));
  }

  private async datasetProblems(snap: DatasetSnapshot): Promise<vscode.Diagnostic[]> {
    const ds = snap.version.dataset;
    const found: { line: number; message: string; severity: vscode.DiagnosticSeverity }[] = ds.errors.map((issue) => ({
      ...issue,
      severity: vscode.DiagnosticSeverity.Error,
    }));
    try {
      const settings = config.auditSettings(modelColumns(snap.version.columns), snap.list.model, snap.datasetUri);
      const xy = await this.documents.skipped(ds, settings.x, settings.y);
      xy.skipped.forEach((skip, i) => {
        const more = i === xy.skipped.length - 1 ? xy.skippedCount - xy.skipped.length : 0;
        found.push({
          line: skip.line,
          message: `Row ${skip.row} is left out of the model: ${skip.message}${more > 0 ? ` (and ${more} more rows)` : ''}`,
          severity: vscode.DiagnosticSeverity.Warning,
        });
      });
    } catch (e) {
      // No usable x/y (too few numeric columns, or the list names a missing column): the panel says so on a run.
      this.log.debug(`No x/y problems for ${snap.datasetUri.toString()}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (found.length === 0) return [];
    const spans = await this.documents.lineSpans(snap.version, found.map((p) => p.line));
    return found.map((p, i) => diagnostic(lineRange(spans[i]), p.message, p.severity));
  }

  private listProblems(snap: DatasetSnapshot, text: string): vscode.Diagnostic[] {
    const lines = new LineStarts(text);
    if (snap.listError) {
      const message = `${snap.listError.message} — marks are not saved until this is fixed.`;
      return [diagnostic(lineRange(lines.span(snap.listError.line ?? 1)), message, vscode.DiagnosticSeverity.Error)];
    }
    const lineOfEntry = entryLines(text, snap.list);
    return snap.match.stale.map((entry) => {
      const e = snap.list.entries[entry];
      const d = diagnostic(
        lineRange(lines.span(lineOfEntry[entry])),
        `Stale entry: no row of ${baseName(snap.datasetUri)} matches fingerprint ${e.fingerprint} (was row ${e.row}, line ${e.line}).`,
        vscode.DiagnosticSeverity.Warning,
      );
      d.code = STALE_ENTRY_CODE;
      return d;
    });
  }

  /** Removes stale entries (the given ones, or all) after re-checking that they are still stale. */
  private async removeStale(uri: vscode.Uri | undefined, entries: number[] | undefined): Promise<number> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    const datasetUri = target && (await this.datasetOf(target));
    if (!datasetUri) {
      void vscode.window.showWarningMessage('Open a dataset or its forget list to remove stale entries.');
      return 0;
    }
    let removed = 0;
    try {
      await this.store.update(datasetUri, (list, ds) => {
        const stale = matchForgetList(list, ds).stale;
        const chosen = entries ? stale.filter((i) => entries.includes(i)) : stale;
        removed = chosen.length;
        return removeEntries(list, chosen);
      });
    } catch (e) {
      void vscode.window.showErrorMessage(e instanceof UnlearnError ? e.describe() : String(e));
      return 0;
    }
    return removed;
  }

  private async datasetOf(uri: vscode.Uri): Promise<vscode.Uri | undefined> {
    return isDatasetUri(uri) ? uri : this.store.datasetUriFor(uri);
  }
}

/** Quick fixes on a forget list's stale-entry problems: remove this one, or all of them. */
class StaleEntryFixes implements vscode.CodeActionProvider {
  constructor(private readonly store: ForgetStore) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): Promise<vscode.CodeAction[]> {
    const problems = context.diagnostics.filter((d) => d.source === SOURCE && d.code === STALE_ENTRY_CODE);
    if (problems.length === 0) return [];
    const datasetUri = await this.store.datasetUriFor(document.uri);
    const snap = datasetUri && (await this.store.snapshot(datasetUri).catch(() => undefined));
    if (!datasetUri || !snap || snap.listText === undefined || snap.listError) return [];
    // The problem's line says which entry it is about (the file may have been edited since).
    const lineOfEntry = entryLines(snap.listText, snap.list);
    const actions: vscode.CodeAction[] = [];
    for (const problem of problems) {
      const entry = snap.match.stale.find((i) => lineOfEntry[i] === problem.range.start.line + 1);
      if (entry === undefined) continue;
      const fix = new vscode.CodeAction('Remove stale entry', vscode.CodeActionKind.QuickFix);
      fix.diagnostics = [problem];
      fix.isPreferred = true;
      fix.command = { title: fix.title, command: REMOVE_STALE_COMMAND, arguments: [datasetUri, [entry]] };
      actions.push(fix);
    }
    if (snap.match.stale.length > 1) {
      const all = new vscode.CodeAction(`Remove all ${snap.match.stale.length} stale entries`, vscode.CodeActionKind.QuickFix);
      all.diagnostics = problems;
      all.command = { title: all.title, command: REMOVE_STALE_COMMAND, arguments: [datasetUri] };
      actions.push(all);
    }
    return actions;
  }
}
