// Every file the extension writes (forget lists, reports, exports) goes through here: a
// temporary sibling, then a rename over the target, so a crash or a full disk never leaves
// a half-written file where the user expects a whole one.
//
// vscode.workspace.fs (required in the extension host, it also serves remote and virtual
// file systems) limits what can be promised, unlike the CLI's node-fs writer (src/nodeFiles.ts):
// - no exclusive create: the temp name carries 64 random bits, so it cannot be predicted
//   and planted, and is checked to be free just before the write;
// - no fsync: durability is the file system provider's;
// - no file mode: a new file gets the provider's default (a 600 file can become 644);
//   the rename keeps the target's name, not its permissions.
// Temp files a crash left behind (same pattern as the CLI's) are removed on the next write
// of that target when they are older than this extension host.

import * as vscode from 'vscode';
import { baseName } from './datasetDocuments';
import { isTempFileOf, tempFileName } from './tempFiles';

function randomHex(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function removeLeftoverTemps(folder: vscode.Uri, targetName: string): Promise<void> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    return;
  }
  const started = performance.timeOrigin;
  for (const [name, type] of entries) {
    if (type !== vscode.FileType.File || !isTempFileOf(name, targetName)) continue;
    const uri = vscode.Uri.joinPath(folder, name);
    try {
      if ((await vscode.workspace.fs.stat(uri)).mtime < started) await vscode.workspace.fs.delete(uri);
    } catch {
      // gone already, or not ours to remove
    }
  }
}

export async function writeFileAtomically(target: vscode.Uri, content: Uint8Array | string): Promise<void> {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const folder = vscode.Uri.joinPath(target, '..');
  await removeLeftoverTemps(folder, baseName(target));
  let tmp = vscode.Uri.joinPath(folder, tempFileName(baseName(target), randomHex()));
  if (await exists(tmp)) tmp = vscode.Uri.joinPath(folder, tempFileName(baseName(target), randomHex()));
  try {
    await vscode.workspace.fs.writeFile(tmp, bytes);
    await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
  } catch (e) {
    await Promise.resolve(vscode.workspace.fs.delete(tmp)).catch(() => undefined);
    throw e;
  }
}
