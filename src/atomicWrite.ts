// Every file the extension writes (forget lists, reports, exports) goes through here: a
// temporary sibling, then a rename over the target, so a crash or a full disk never leaves
// a half-written file where the user expects a whole one.

import * as vscode from 'vscode';
import { baseName } from './datasetDocuments';

export async function writeFileAtomically(target: vscode.Uri, content: Uint8Array | string): Promise<void> {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const tmp = vscode.Uri.joinPath(target, '..', `.${baseName(target)}.tmp-${Math.random().toString(36).slice(2, 10)}`);
  await vscode.workspace.fs.writeFile(tmp, bytes);
  try {
    await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
  } catch (e) {
    await Promise.resolve(vscode.workspace.fs.delete(tmp)).catch(() => undefined);
    throw e;
  }
}
