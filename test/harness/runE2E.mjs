// @ts-check
// End-to-end phase: out/unlearn.vsix is installed into a fresh extensions dir the way a
// user installs it, code-server runs that installed copy, and each spec exported by
// out/test/e2e/*.e2e.js drives the workbench in headless Chromium on its own fresh
// workspace. A failing spec leaves a screenshot in test-results/e2e/.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { launchBrowser, openWorkbench } from './browser.mjs';
import { installExtension, makeProfile, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { e2eDir, resultsDir, vsixPath } from './paths.mjs';
import { record } from './summary.mjs';
import { makeWorkspace, removeTemp, removeWorkspace } from './workspace.mjs';

const require = createRequire(import.meta.url);
export const artifactsDir = path.join(resultsDir, 'e2e');

/** Loads every compiled spec module; a module that fails to load becomes a failed test. */
function loadSpecs(phase) {
  if (!fs.existsSync(e2eDir)) throw new Error(`${e2eDir} is missing (did \`npm run compile-tests\` fail?)`);
  const specs = [];
  for (const file of fs.readdirSync(e2eDir).filter((f) => f.endsWith('.e2e.js')).sort()) {
    try {
      const mod = require(path.join(e2eDir, file));
      if (!Array.isArray(mod.specs)) throw new Error('it does not export `specs: E2ESpec[]`');
      for (const spec of mod.specs) specs.push({ file, spec });
    } catch (err) {
      record(phase, { title: file, ok: false, message: `could not load: ${err instanceof Error ? err.message : err}` });
    }
  }
  return specs;
}

/** Rejects when `promise` has not settled within `ms`. */
function within(promise, ms, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * @param {import('./summary.mjs').Phase} phase
 * @param {{ specTimeoutMs: number; grep?: RegExp }} options
 */
export async function runE2E(phase, { specTimeoutMs, grep }) {
  if (!fs.existsSync(vsixPath)) throw new Error(`${vsixPath} does not exist (did \`npm run package\` fail?)`);
  const { waitForWorkbench } = require(path.join(e2eDir, 'helpers.js'));
  const specs = loadSpecs(phase).filter(({ spec }) => !grep || grep.test(spec.name));
  fs.rmSync(artifactsDir, { recursive: true, force: true });
  fs.mkdirSync(artifactsDir, { recursive: true });

  const profile = makeProfile('e2e');
  await installExtension(vsixPath, profile);
  const server = await startCodeServer({ profile });
  const browser = await launchBrowser();
  try {
    for (const { file, spec } of specs) {
      const workspaceDir = makeWorkspace('e2e');
      /** @type {import('playwright-core').Page | undefined} */
      let page;
      const pageErrors = [];
      const started = Date.now();
      try {
        await within((async () => {
          page = await openWorkbench(browser, workbenchUrl(server.origin, workspaceDir));
          page.on('pageerror', (err) => pageErrors.push(err.message));
          await waitForWorkbench(page);
          await spec.run({ page, workspaceDir, artifactsDir });
        })(), specTimeoutMs, spec.name);
        record(phase, { title: spec.name, ok: true, ms: Date.now() - started });
      } catch (err) {
        const shot = path.join(artifactsDir, `failed-${spec.name.replace(/[^\w.-]+/g, '_')}.png`);
        await page?.screenshot({ path: shot }).catch(() => {});
        const errors = pageErrors.length ? `\npage errors:\n${pageErrors.slice(-5).join('\n')}` : '';
        record(phase, { title: `${spec.name} (${file})`, ok: false, message: `${err instanceof Error ? err.message : err}\nscreenshot: ${shot}${errors}` });
      } finally {
        await page?.context().close().catch(() => {});
        removeWorkspace(workspaceDir);
      }
    }
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    removeTemp(profile.root);
  }
}
