// The temp-file names of atomic writes, shared by the CLI (node fs) and the extension
// (vscode.workspace.fs): `.<target>.unlearn-tmp-<16 hex>`, unpredictable and recognisable,
// so a later write can remove what a crash left behind without touching anyone else's files.

const MARK = '.unlearn-tmp-';
const SUFFIX = /^[0-9a-f]{16}$/;

export function tempFileName(targetName: string, randomHex: string): string {
  return `.${targetName}${MARK}${randomHex}`;
}

export function isTempFileOf(name: string, targetName: string): boolean {
  const prefix = `.${targetName}${MARK}`;
  return name.startsWith(prefix) && SUFFIX.test(name.slice(prefix.length));
}
