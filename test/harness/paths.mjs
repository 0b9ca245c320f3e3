// @ts-check
// Where the harness keeps things. Everything it installs lives under .vscode-test/
// (git-ignored) so a second run reuses it; everything a run writes lives in a temp dir
// or test-results/, never in the repo's tracked files.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** code-server 4.100.3 is VS Code 1.100.3, the last line that runs on Node 20. */
export const codeServerVersion = '4.100.3';
export const cacheDir = path.join(repoRoot, '.vscode-test');
export const codeServerDir = path.join(cacheDir, 'code-server');
export const codeServerPackageDir = path.join(codeServerDir, 'node_modules', 'code-server');
export const codeServerBin = path.join(codeServerDir, 'node_modules', '.bin', 'code-server');
/** Written last by the installer: its absence means a missing or half-finished install. */
export const installMarker = path.join(codeServerDir, `installed-${codeServerVersion}.json`);

export const chromiumPath = process.env.UNLEARN_CHROMIUM ?? '/usr/bin/chromium';

export const vsixPath = path.join(repoRoot, 'out', 'unlearn.vsix');
export const resultsDir = path.join(repoRoot, 'test-results');
export const integrationEntry = path.join(repoRoot, 'out', 'test', 'integration', 'index.js');
export const e2eDir = path.join(repoRoot, 'out', 'test', 'e2e');
