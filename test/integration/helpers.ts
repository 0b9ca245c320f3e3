// Shared by the marks, forget-sync, problems and runner suites: scratch copies of the
// samples (so no suite changes what another reads), file access through workspace.fs,
// and polling for state the extension updates asynchronously.

import * as assert from 'assert/strict';
import * as vscode from 'vscode';

export function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

export async function activate(): Promise<void> {
  const extension = vscode.extensions.getExtension('unlearn-dev.unlearn');
  assert.ok(extension, 'the extension is installed');
  await extension.activate();
  await fileEventsFlowing();
}

let watching: Promise<void> | undefined;

/**
 * The workspace's file watcher starts a moment after the window opens, and changes made
 * before it is up are never reported. Suites that change files on disk wait, once per run,
 * until a probe file's changes are seen, so they test the extension and not that start-up.
 */
function fileEventsFlowing(): Promise<void> {
  watching ??= (async () => {
    const dir = workspaceUri('scratch');
    await vscode.workspace.fs.createDirectory(dir);
    const probe = vscode.Uri.joinPath(dir, 'watch-probe.txt');
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, 'watch-probe.txt'));
    try {
      let seen = false;
      watcher.onDidCreate(() => (seen = true));
      watcher.onDidChange(() => (seen = true));
      const deadline = Date.now() + 15_000;
      for (let i = 0; !seen; i++) {
        if (Date.now() > deadline) assert.fail('the workspace file watcher reported no change within 15 s');
        await writeText(probe, String(i));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      watcher.dispose();
    }
  })();
  return watching;
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

export async function writeText(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

let scratchCount = 0;

/**
 * A fresh copy of a sample or fixture in a new folder `scratch/<folder>-<n>/`, alone there.
 * A new path each time: VS Code may keep a closed file's document (and old text) for a while.
 */
export async function scratchCopy(folder: string, source: string[]): Promise<vscode.Uri> {
  const dir = workspaceUri('scratch', `${folder}-${++scratchCount}`);
  await vscode.workspace.fs.createDirectory(dir);
  const to = vscode.Uri.joinPath(dir, source[source.length - 1]);
  await vscode.workspace.fs.copy(workspaceUri(...source), to);
  return to;
}

export function forgetUriOf(dataset: vscode.Uri): vscode.Uri {
  return dataset.with({ path: `${dataset.path}.forget.json` });
}

/** Polls until `probe` returns a value other than undefined; fails naming `what` after the timeout. */
export async function waitFor<T>(what: string, probe: () => PromiseLike<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until `actual()` deep-equals `expected`, then asserts it (so a failure shows the difference). */
export async function eventually<T>(what: string, actual: () => PromiseLike<T> | T, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await actual();
    try {
      assert.deepEqual(value, expected, what);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function markedLines(uri: vscode.Uri): Thenable<number[]> {
  return vscode.commands.executeCommand<number[]>('unlearn._markedLines', uri);
}

export function unlearnProblems(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Unlearn');
}

export async function openDataset(uri: vscode.Uri): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
}
