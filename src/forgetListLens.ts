// In a forget-list editor, each entry says which row it means: a CodeLens with the row's
// line and a short preview (or "stale"), a hover with the whole row, and a click that
// jumps to the row. It works on any side of a diff editor too: a `git:` document (the
// HEAD or index side from Source Control) is matched against the dataset at the same ref,
// read through the Git extension's file system; when that cannot be read, against the
// working-tree dataset, and the lens says so.

import * as path from 'path';
import * as vscode from 'vscode';
import { baseName, DatasetDocuments } from './datasetDocuments';
import { errorText, UnlearnError } from './engine/errors';
import { rowContent, type RowContent } from './engine/forgetDiff';
import { matchForgetList, parseForgetList } from './engine/forgetList';
import { parseJsonWithPositions } from './engine/jsonPositions';
import type { ForgetList, ForgetMatch, ParsedDataset } from './engine/types';
import type { ForgetStore } from './forgetStore';
import { describeRef, gitApi, parseGitUri, type Repository } from './gitApi';
import { revealLine } from './panelActions';

/** Any scheme: file, git: (both sides of Source Control's diff editor), virtual file systems. */
export const FORGET_LIST_SELECTOR: vscode.DocumentSelector = [{ pattern: '**/*.forget.json' }];

export const REVEAL_ROW_COMMAND = 'unlearn.revealDatasetRow';

/** A lens line stays readable: short cells, short preview. The hover has room for whole values. */
const LENS_PREVIEW = { maxChars: 80, maxValueChars: 24 };
const HOVER_ROW = { maxChars: 200, maxValueChars: 500 };

/** A forget-list document matched against its dataset. */
export interface ListView {
  list: ForgetList;
  /** 1-based line of each entry in the document. */
  entryLines: number[];
  /** 1-based line of the "entries" member (for the summary lens). */
  entriesLine: number;
  datasetUri: vscode.Uri;
  dataset: ParsedDataset;
  match: ForgetMatch;
  /** "paper.csv", or "paper.csv at HEAD" for a git: document. */
  datasetLabel: string;
  /** Set when the dataset at the document's ref could not be read and the working tree's was used. */
  fallback?: string;
}

/** Where the document's dataset is: the same ref for git: documents, the store's pairing for files. */
async function datasetCandidates(
  doc: vscode.TextDocument,
  list: ForgetList,
  store: ForgetStore,
): Promise<{ uri: vscode.Uri; label: string; workingTree?: vscode.Uri }> {
  const git = parseGitUri(doc.uri);
  if (git) {
    const datasetPath = path.join(path.dirname(git.path), list.dataset);
    const fileUri = vscode.Uri.file(datasetPath);
    const atRef = doc.uri.with({ path: fileUri.path, query: JSON.stringify({ path: datasetPath, ref: git.ref }) });
    return { uri: atRef, label: `${baseName(fileUri)} at ${await refLabel(git.ref, fileUri)}`, workingTree: fileUri };
  }
  const paired = doc.uri.scheme === 'file' ? await store.datasetUriFor(doc.uri) : undefined;
  const uri = paired ?? doc.uri.with({ path: path.posix.join(path.posix.dirname(doc.uri.path), list.dataset) });
  // Other schemes (a review extension's, a virtual file system) may not serve the dataset: try the file of the same path.
  return { uri, label: baseName(uri), workingTree: uri.scheme === 'file' ? undefined : vscode.Uri.file(uri.path) };
}

/** '~' (Source Control's left side of a working-tree change) is the index when the file is staged, else HEAD. */
async function refLabel(ref: string, fileUri: vscode.Uri): Promise<string> {
  if (ref !== '~') return describeRef(ref);
  const { api } = await gitApi();
  const repository = api?.getRepository(fileUri);
  if (!repository) return describeRef(ref);
  return repository.state.indexChanges.some((c) => c.uri.fsPath === fileUri.fsPath) ? describeRef('') : 'HEAD';
}

/** Reads a forget-list document and matches it; throws UnlearnError when the list or its dataset can't be read. */
export async function viewForgetList(doc: vscode.TextDocument, store: ForgetStore, documents: DatasetDocuments): Promise<ListView> {
  const text = doc.getText();
  const name = baseName(doc.uri);
  const list = parseForgetList(text, name);
  const { memberLines, elementLines } = parseJsonWithPositions(text);
  const where = await datasetCandidates(doc, list, store);
  let datasetUri = where.uri;
  let fallback: string | undefined;
  let version;
  try {
    version = await documents.current(where.uri);
  } catch (e) {
    if (!where.workingTree || e instanceof UnlearnError) throw e;
    datasetUri = where.workingTree;
    version = await documents.current(datasetUri);
    fallback = `${where.label} could not be read; rows are from the working-tree ${baseName(datasetUri)}`;
  }
  return {
    list,
    entryLines: elementLines.get('entries') ?? [],
    entriesLine: memberLines.get('entries') ?? 1,
    datasetUri,
    dataset: version.dataset,
    match: matchForgetList(list, version.dataset),
    datasetLabel: fallback ? baseName(datasetUri) : where.label,
    fallback,
  };
}

/** The row's content, or undefined where the dataset keeps no cells in the extension host (large files parsed in a worker). */
function contentOf(ds: ParsedDataset, row: number, options: { maxChars: number; maxValueChars: number }): RowContent | undefined {
  try {
    return rowContent(ds, row, options);
  } catch {
    return undefined;
  }
}

/** Dataset text in a CodeLens title: "$(name)" would render as an icon. */
function plainLabel(text: string): string {
  return text.replace(/\$\(/g, '$\u200b(');
}

export class ForgetListLens implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly gitSubscriptions: vscode.Disposable[] = [];
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly store: ForgetStore,
    private readonly documents: DatasetDocuments,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      // A dataset or list changed (editor, disk, git checkout): lenses re-match.
      store.onDidChange(() => this.changed.fire()),
      documents.onDidChangeText(() => this.changed.fire()),
      // A commit, checkout or staging changes what a git: side of the diff editor shows.
      { dispose: () => this.gitSubscriptions.forEach((d) => d.dispose()) },
      vscode.commands.registerCommand(REVEAL_ROW_COMMAND, (datasetUri: vscode.Uri | string, line: number) =>
        revealLine(typeof datasetUri === 'string' ? vscode.Uri.parse(datasetUri, true) : datasetUri, line, vscode.window.activeTextEditor?.viewColumn),
      ),
    );
  }

  /** Follows the Git extension's repositories once a git: forget list is shown (the Git API is not needed before). */
  private watchGit(): void {
    if (this.gitSubscriptions.length > 0) return;
    const onRepository = (repository: Repository) =>
      this.gitSubscriptions.push(
        repository.state.onDidChange(() => {
          if (vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'git')) this.changed.fire();
        }),
      );
    void gitApi().then(({ api }) => {
      if (!api || this.gitSubscriptions.length > 0) return;
      this.gitSubscriptions.push(api.onDidOpenRepository(onRepository));
      api.repositories.forEach(onRepository);
    });
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (doc.uri.scheme === 'git') this.watchGit();
    let view: ListView;
    try {
      view = await viewForgetList(doc, this.store, this.documents);
    } catch (e) {
      this.log.debug(`No row lenses for ${doc.uri.toString()}: ${errorText(e)}`);
      return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: `$(warning) Unlearn: ${plainLabel(errorText(e))}`, command: '' })];
    }
    const { list, match, dataset, datasetUri } = view;
    const at = (line: number) => new vscode.Range(line - 1, 0, line - 1, 0);
    const summary = `Unlearn: ${list.entries.length} entries · ${list.entries.length - match.stale.length} matched · ${match.stale.length} stale in ${view.datasetLabel}`;
    const lenses = [new vscode.CodeLens(at(view.entriesLine), { title: plainLabel(summary), command: REVEAL_ROW_COMMAND, arguments: [datasetUri, 1], tooltip: 'Open the dataset' })];
    if (view.fallback) lenses.push(new vscode.CodeLens(at(view.entriesLine), { title: `$(info) ${plainLabel(view.fallback)}`, command: '' }));
    if (doc.uri.scheme === 'file') {
      lenses.push(
        new vscode.CodeLens(at(view.entriesLine), {
          title: '$(git-compare) Review changes',
          command: 'unlearn.reviewForgetListChanges',
          arguments: [datasetUri],
          tooltip: 'Compare this forget list with a git ref, row by row',
        }),
      );
    }
    list.entries.forEach((entry, i) => {
      const line = view.entryLines[i];
      if (line === undefined) return;
      const row = match.rowOfEntry[i];
      if (row < 0) {
        lenses.push(new vscode.CodeLens(at(line), { title: `$(warning) Stale: no row of ${plainLabel(baseName(datasetUri))} has this content (was row ${entry.row})`, command: '' }));
        return;
      }
      const moved = row + 1 !== entry.row ? `, was row ${entry.row}` : '';
      const preview = contentOf(dataset, row, LENS_PREVIEW)?.preview;
      lenses.push(
        new vscode.CodeLens(at(line), {
          title: `$(go-to-file) Row ${row + 1} (line ${dataset.lineOf(row)}${moved})${preview === undefined ? '' : `: ${plainLabel(preview)}`}`,
          command: REVEAL_ROW_COMMAND,
          arguments: [datasetUri, dataset.lineOf(row)],
          tooltip: `Show row ${row + 1} in ${view.datasetLabel}`,
        }),
      );
    });
    return lenses;
  }

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const view = await viewForgetList(doc, this.store, this.documents).catch(() => undefined);
    if (!view) return undefined;
    const i = view.entryLines.indexOf(position.line + 1);
    if (i < 0) return undefined;
    const entry = view.list.entries[i];
    const row = view.match.rowOfEntry[i];
    // Untrusted, no HTML: every dataset value goes in as text.
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.supportHtml = false;
    if (row < 0) {
      md.appendMarkdown('**Stale entry**: no row of ');
      md.appendText(view.datasetLabel);
      md.appendMarkdown(` has fingerprint \`${entry.fingerprint}\` (it was row ${entry.row}, line ${entry.line}). The row was edited or deleted.`);
    } else {
      md.appendMarkdown(`**Row ${row + 1}** (line ${view.dataset.lineOf(row)}) of `);
      md.appendText(view.datasetLabel);
      md.appendMarkdown('\n\n');
      const content = contentOf(view.dataset, row, HOVER_ROW);
      if (!content) md.appendMarkdown('_The cells of a dataset this large are not loaded in the editor: click the lens to see the row._\n');
      for (const { column, value } of content?.cells ?? []) {
        md.appendMarkdown('- ');
        md.appendText(column);
        md.appendMarkdown(': ');
        md.appendText(value);
        md.appendMarkdown('\n');
      }
    }
    md.appendMarkdown('\n\nReason: ');
    md.appendText(entry.reason || '(none given)');
    md.appendMarkdown(' — added ');
    md.appendText(entry.added);
    if (view.fallback) {
      md.appendMarkdown('\n\n_');
      md.appendText(view.fallback);
      md.appendMarkdown('_');
    }
    return new vscode.Hover(md, doc.lineAt(position.line).range);
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
