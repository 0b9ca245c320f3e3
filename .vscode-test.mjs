// Desktop runner for the same integration suites: `npx vscode-test` downloads VS Code
// (needs internet, so it is not part of `npm test`, which runs them in code-server instead;
// see docs/testing.md). Run `npm run build && npm run compile-tests` first.
import { defineConfig } from '@vscode/test-cli';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The suites write forget lists, so they get a throw-away copy of samples/ and
// test/fixtures/, laid out as the offline harness lays it out.
const workspaceFolder = join(mkdtempSync(join(tmpdir(), 'unlearn-desktop-')), 'workspace');
cpSync('samples', join(workspaceFolder, 'samples'), { recursive: true });
cpSync('test/fixtures', join(workspaceFolder, 'fixtures'), { recursive: true });

export default defineConfig({
  label: 'integration',
  files: 'out/test/integration/**/*.test.js',
  version: '1.100.3',
  workspaceFolder,
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'bdd', timeout: 20_000, color: true },
});
