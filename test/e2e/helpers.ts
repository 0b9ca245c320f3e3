// What an end-to-end spec (test/e2e/*.e2e.ts) gets and the workbench moves it needs.
// The harness (test/harness/runE2E.mjs) installs out/unlearn.vsix into code-server, opens
// a fresh copy of the samples in headless Chromium for each spec, and calls spec.run(ctx).
// Selectors here are VS Code 1.100's workbench DOM; keep them in this one file.
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';

export interface E2EContext {
  /** The workbench page, already loaded on the spec's own workspace. */
  page: Page;
  /** Absolute path of the workspace folder: a temp copy holding samples/ and fixtures/. */
  workspaceDir: string;
  /** Where a spec saves screenshots and other artefacts (test-results/e2e/). */
  artifactsDir: string;
}

export interface E2ESpec {
  name: string;
  run(ctx: E2EContext): Promise<void>;
}

/** Waits until the workbench has rendered its parts (the extension host may still be starting). */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .explorer-folders-view .monaco-list-row').first().waitFor({ timeout: timeoutMs });
}

/** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. */
export async function openFile(page: Page, relativePath: string, timeoutMs = 20_000): Promise<void> {
  const name = path.basename(relativePath);
  const input = await openQuickInput(page, 'Control+P', timeoutMs);
  await input.fill(relativePath);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ timeout: timeoutMs });
  await input.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: timeoutMs });
}

/** Runs a command by its palette title, e.g. 'Unlearn: Open Panel'. */
export async function runCommand(page: Page, title: string, timeoutMs = 20_000): Promise<void> {
  const input = await openQuickInput(page, 'F1', timeoutMs);
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: timeoutMs });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Waits for a status bar item whose text matches, and returns that text. */
export async function statusBarText(page: Page, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const item = page.locator('.part.statusbar .statusbar-item', { hasText: pattern }).first();
  await item.waitFor({ timeout: timeoutMs });
  return (await item.innerText()).trim();
}

/**
 * Finds the frame of a webview whose DOM matches: a CSS selector that must exist in it,
 * or a predicate. Webviews are nested iframes of the page (host frame → content frame),
 * and page.frames() lists them all, so this polls every frame until one matches.
 */
export async function webviewFrame(
  page: Page,
  predicate: string | ((frame: Frame) => Promise<boolean>),
  timeoutMs = 20_000,
): Promise<Frame> {
  const matches = typeof predicate === 'string' ? async (f: Frame) => (await f.$(predicate)) !== null : predicate;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame() || frame.isDetached()) continue;
      // A frame can navigate or detach while we look; that only means "not this one".
      if (await matches(frame).catch(() => false)) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview frame matched ${typeof predicate === 'string' ? predicate : 'the predicate'} within ${timeoutMs / 1000} s`);
}

/**
 * Takes keyboard focus back from a webview. With focus inside one (after clicking its tab
 * or a button in it), key presses go to the webview's iframe and the workbench's
 * keybindings (F1, Ctrl+P, …) never see them. Call it before pressing workbench keys.
 */
export async function focusWorkbench(page: Page): Promise<void> {
  await page.evaluate(() => {
    if (document.activeElement instanceof HTMLIFrameElement) document.activeElement.blur();
  });
}

/** Saves a screenshot of the whole workbench (directories are created). */
export async function screenshot(page: Page, file: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
}

async function openQuickInput(page: Page, key: string, timeoutMs: number) {
  await focusWorkbench(page);
  await page.keyboard.press(key);
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  return input;
}
