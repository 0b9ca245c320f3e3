// @ts-check
// Integration phase: the PACKAGED extension (unzipped from out/unlearn.vsix, so a missing
// asset or unbundled dependency fails here) runs in code-server's real extension host
// as the development extension, with out/test/integration/index.js as its tests module,
// on a fresh copy of the samples. Results arrive as console lines through codeAutomationLog.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, openWorkbench } from './browser.mjs';
import { makeProfile, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { integrationEntry, vsixPath } from './paths.mjs';
import { mustRun, tail } from './proc.mjs';
import { fail, record } from './summary.mjs';
import { makeWorkspace, removeTemp, removeWorkspace } from './workspace.mjs';

/** Must match RESULT_PREFIX in test/integration/index.ts. */
const RESULT_PREFIX = '[unlearn-test] ';

/** Unzips the .vsix's `extension/` folder into a temp dir; returns that folder. */
export async function unpackVsix(vsix = vsixPath) {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} does not exist (did \`npm run package\` fail?)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-vsix-'));
  await mustRun('unzip', ['-q', vsix, 'extension/*', '-d', dir], { timeoutMs: 60_000 });
  return path.join(dir, 'extension');
}

/**
 * @param {import('./summary.mjs').Phase} phase
 * @param {{ timeoutMs: number }} options
 */
export async function runIntegration(phase, { timeoutMs }) {
  if (!fs.existsSync(integrationEntry)) throw new Error(`${integrationEntry} is missing (did \`npm run compile-tests\` fail?)`);
  const extensionDir = await unpackVsix();
  const workspace = makeWorkspace('it');
  const profile = makeProfile('it');
  const server = await startCodeServer({ profile, folder: workspace });
  const browser = await launchBrowser();
  /** Extension-host console lines that are not results, shown when something goes wrong. */
  const hostLog = [];
  /** @type {{ passed: number; failed: number } | undefined} */
  let done;
  try {
    const url = workbenchUrl(server.origin, workspace, { extensionDevelopmentPath: extensionDir, extensionTestsPath: integrationEntry });
    const exitCode = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the tests did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
      openWorkbench(browser, url, {
        onLog: (line) => {
          if (!line.startsWith(RESULT_PREFIX)) return void hostLog.push(line);
          const [kind, ...rest] = line.slice(RESULT_PREFIX.length).split(' ');
          const data = JSON.parse(rest.join(' '));
          if (kind === 'pass') record(phase, { title: data.title, ok: true, ms: data.ms });
          if (kind === 'fail') record(phase, { title: data.title, ok: false, message: `${data.message}\n${data.stack ?? ''}`.trim() });
          if (kind === 'done') done = data;
        },
        onExit: (code) => {
          clearTimeout(timer);
          resolve(code);
        },
      }).catch(reject);
    });
    if (!done) {
      fail(phase, `run() settled with exit code ${exitCode} before mocha finished (a suite failed to load?). Extension host log:\n${tail(hostLog.join('\n'))}`);
    } else if (done.passed + done.failed !== phase.tests.length) {
      fail(phase, `mocha counted ${done.passed} passed and ${done.failed} failed, but ${phase.tests.length} results arrived`);
    } else if (exitCode !== 0 && phase.tests.every((t) => t.ok)) {
      fail(phase, `exit code ${exitCode} although no test failed. Extension host log:\n${tail(hostLog.join('\n'))}`);
    } else if (phase.tests.length === 0) {
      console.log('  (no integration tests found in out/test/integration)');
    }
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : err}\nExtension host log:\n${tail(hostLog.join('\n'))}\ncode-server log:\n${server.logTail()}`);
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    removeTemp(path.dirname(extensionDir));
    removeTemp(profile.root);
    removeWorkspace(workspace);
  }
}
