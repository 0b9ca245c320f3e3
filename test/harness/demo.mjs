// @ts-check
// `npm run demo`: opens the extension (this repo, as the development extension) in a real
// VS Code on the shipped samples. Desktop `code` when it is on PATH; otherwise code-server
// on 127.0.0.1, printing the URL and staying up until Ctrl-C.
// `--check` starts code-server the same way, loads the URL in headless Chromium, checks
// that paper.csv opens with the extension's status bar item showing, and exits 0 or 1;
// `npm test` runs it so the README's first command stays true.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser, openWorkbench } from './browser.mjs';
import { makeProfile, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { ensureCodeServer } from './install.mjs';
import { repoRoot } from './paths.mjs';
import { removeTemp } from './workspace.mjs';

const samplesDir = path.join(repoRoot, 'samples');
const sampleFile = path.join(samplesDir, 'paper.csv');

function hasDesktopCode() {
  try {
    execFileSync('code', ['--version'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

function openDesktop() {
  console.log(`Opening VS Code with the extension from ${repoRoot} on ${samplesDir}`);
  spawn('code', [`--extensionDevelopmentPath=${repoRoot}`, samplesDir, sampleFile], { stdio: 'inherit' });
}

/** Starts code-server on the samples with this repo as the development extension. */
async function startDemoServer() {
  await ensureCodeServer();
  const profile = makeProfile('demo');
  const server = await startCodeServer({ profile, folder: samplesDir });
  const url = workbenchUrl(server.origin, samplesDir, { extensionDevelopmentPath: repoRoot });
  return { url, profile, stop: async () => { await server.stop(); removeTemp(profile.root); }, logTail: server.logTail };
}

async function serveUntilInterrupted() {
  const demo = await startDemoServer();
  console.log(`\nUnlearn is running in code-server (VS Code 1.100). Open this URL in a browser:\n\n  ${demo.url}\n`);
  console.log('Then open paper.csv (Ctrl+P) and run "Unlearn: Open Panel". Press Ctrl-C to stop.');
  // proc.mjs's SIGINT handler, which runs next, kills code-server's process group.
  process.prependListener('SIGINT', () => {
    removeTemp(demo.profile.root);
    console.log('\nStopped.');
  });
  await new Promise(() => {});
}

/** Headless version of what a person does after `npm run demo`; resolves true when it works. */
async function check() {
  const started = Date.now();
  const demo = await startDemoServer();
  const browser = await launchBrowser();
  try {
    // The compiled e2e helpers: the same workbench moves the e2e specs make.
    const helpers = path.join(repoRoot, 'out', 'test', 'e2e', 'helpers.js');
    if (!fs.existsSync(helpers)) throw new Error(`${helpers} is missing: run \`npm run compile-tests\` first`);
    const { waitForWorkbench, openFile, statusBarText } = await import(pathToFileURL(helpers).href);
    const page = await openWorkbench(browser, demo.url);
    await waitForWorkbench(page);
    await openFile(page, 'paper.csv');
    const status = await statusBarText(page, /unwanted of/, 30_000);
    console.log(`demo --check: paper.csv open, status bar "${status}" (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return true;
  } catch (err) {
    console.error(`demo --check failed: ${err instanceof Error ? err.message : err}\ncode-server log:\n${demo.logTail()}`);
    return false;
  } finally {
    await browser.close().catch(() => {});
    await demo.stop();
  }
}

if (process.argv.includes('--check')) {
  process.exit((await check()) ? 0 : 1);
} else if (hasDesktopCode()) {
  openDesktop();
} else {
  await serveUntilInterrupted();
}
