// The panel as a user sees it: the INSTALLED extension in code-server and Chromium. Opens
// samples/paper.csv, runs "Unlearn: Open Panel", clicks Run inside the webview and reads the
// result from its DOM; fails on any console error of the webview (CSP violations included);
// saves screenshots of the workbench in the dark, light and high contrast themes.

import * as assert from 'assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { ConsoleMessage, Frame, Page } from 'playwright-core';
import { focusWorkbench, openFile, runCommand, screenshot, statusBarText, waitForWorkbench, webviewFrame, type E2EContext, type E2ESpec } from './helpers';

const RUN_TIMEOUT_MS = 90_000;

/** The webview frame of our panel: the one whose document holds the settings form. */
function panelFrame(page: Page): Promise<Frame> {
  return webviewFrame(page, async (frame) => (await frame.locator('section.controls #run').count()) > 0, 30_000);
}

async function numberAttr(frame: Frame, selector: string): Promise<number> {
  const text = await frame.locator(selector).first().getAttribute('data-value');
  assert.ok(text !== null, `${selector} carries its value`);
  return Number(text);
}

/** Marks the console collector's self-check, so it can be told apart from real errors. */
const PROBE = 'unlearn-e2e-probe';

/**
 * Console errors that may come from a webview, and every CSP report. Errors logged by a
 * webview's own code arrive with no URL (its document is written in by the host frame) or
 * a webview/resource URL; the workbench's own errors (workbench.js, the offline gallery)
 * are not ours to judge here.
 */
export function collectWebviewErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    const url = message.location().url ?? '';
    const fromWebview = url === '' || /\/webview\/|vscode-resource|vscode-cdn/i.test(url);
    const csp = /Content Security Policy/i.test(message.text());
    if ((message.type() === 'error' && fromWebview) || csp) errors.push(`${message.text()} (${url || 'webview'})`);
  });
  return errors;
}

/** Proves the collector hears the panel's frame: a check that cannot hear would always pass. */
export async function probeCollector(frame: Frame, errors: string[]): Promise<void> {
  await frame.evaluate((probe) => console.error(probe), PROBE);
  const deadline = Date.now() + 5_000;
  while (!errors.some((e) => e.includes(PROBE))) {
    assert.ok(Date.now() < deadline, 'console errors of the webview reach the test');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  errors.splice(errors.findIndex((e) => e.includes(PROBE)), 1);
}

/** Picks a colour theme the way a user does: the palette command opens a second quick pick. */
async function switchTheme(page: Page, theme: string): Promise<void> {
  await runCommandKeepingPicker(page, 'Preferences: Color Theme');
  await page.keyboard.type(theme);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: theme }).first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.waitForTimeout(1_000); // let the webview receive the theme and redraw its charts
}

/** Like runCommand, for a command whose own quick pick replaces the palette. */
async function runCommandKeepingPicker(page: Page, title: string): Promise<void> {
  await focusWorkbench(page);
  await page.keyboard.press('F1');
  await page.keyboard.type(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().click();
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ state: 'detached' });
}

/** The titles the Command Palette lists for a filter, without running any (Escape closes it). */
async function paletteTitles(page: Page, filter: string): Promise<string[]> {
  await focusWorkbench(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${filter}`);
  const rows = page.locator('.quick-input-widget .monaco-list-row .label-name');
  await rows.first().waitFor({ timeout: 10_000 });
  const titles = (await rows.allTextContents()).map((t) => t.trim());
  await page.keyboard.press('Escape');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  return titles;
}

async function checkPanel(ctx: E2EContext): Promise<void> {
  const { page } = ctx;
  const errors = collectWebviewErrors(page);

  await openFile(page, 'samples/paper.csv');
  // The palette lists the extension's commands once it is active: its status bar item says so.
  await statusBarText(page, /unwanted of/, 30_000);
  await runCommand(page, 'Unlearn: Open Panel');
  const frame = await panelFrame(page);
  await probeCollector(frame, errors);

  const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.ok(csp, 'the panel declares a CSP');
  assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-[^']+'/);

  await frame.locator('#run').click();
  await frame.locator('[data-testid="fair-r2"]').waitFor({ timeout: RUN_TIMEOUT_MS });
  // A quick run's progress notification must not outlive its result (VS Code keeps one up for
  // at least 800 ms once open, so it must not open at all).
  assert.equal(await page.locator('.notifications-toasts .notification-toast', { hasText: /Unlearn: samples|EMSE iteration/ }).count(), 0, 'no progress notification is left once the result shows');

  // The headline's words and colour come from the verdict rule: EMSE matches retraining here.
  const summary = frame.locator('section.summary');
  assert.equal(await summary.getAttribute('data-verdict'), 'matches');
  assert.equal(await summary.getAttribute('data-tone'), 'good');
  assert.match((await frame.locator('[data-testid="verdict"]').textContent()) ?? '', /Matches exact retraining/);

  // The result keeps its own settings: editing the form says the next run will differ, live.
  const differ = frame.locator('[data-testid="settings-differ"]');
  assert.equal(await differ.isHidden(), true, 'no banner while the form matches the result');
  await frame.locator('#degree input').fill('2');
  await differ.waitFor({ state: 'visible', timeout: 5_000 });
  assert.match((await differ.textContent()) ?? '', /result below is for y on x, degree 3.*next run will use y on x, degree 2/);
  await frame.locator('#degree input').fill('3');
  await differ.waitFor({ state: 'hidden', timeout: 5_000 });

  const fairBefore = await numberAttr(frame, '[data-testid="fair-r2"] .before');
  const fairAfter = await numberAttr(frame, '[data-testid="fair-r2"] .after');
  assert.ok(fairAfter > fairBefore, `Fair R² after (${fairAfter}) > before (${fairBefore})`);
  const r2WantedAfter = await numberAttr(frame, 'table.metrics tr[data-metric="R² wanted"] td.after');
  assert.ok(r2WantedAfter > 0.95, `R² wanted after EMSE is ${r2WantedAfter}`);

  const canvas = await frame.locator('.plot canvas').first().boundingBox();
  assert.ok(canvas && canvas.width > 0 && canvas.height > 0, 'the chart canvas has a size');
  assert.equal(await frame.locator('.plot[role="img"]').count(), 2, 'both charts are labelled images');

  const forgetList = JSON.parse(fs.readFileSync(path.join(ctx.workspaceDir, 'samples', 'paper.csv.forget.json'), 'utf8')) as { entries: { line: number }[] };
  assert.equal(await frame.locator('table.rows tbody tr').count(), forgetList.entries.length, 'one table row per forget-list entry');

  // The settings the run used are the ones the form shows.
  assert.equal(await frame.locator('#x-column').evaluate((e) => (e as HTMLInputElement).value), 'x');
  assert.equal(await frame.locator('#y-column').evaluate((e) => (e as HTMLInputElement).value), 'y');

  // Screenshots with the verdict and the chart in view, in the default theme and two others.
  await frame.locator('.summary').evaluate((e) => e.scrollIntoView());
  // Put the marked rows in view in the editor, with the cursor there, so the picture shows the
  // decorations and the status bar's count too.
  await runCommand(page, 'View: Focus First Editor Group');
  await runCommandKeepingPicker(page, 'Go to Line/Column');
  await page.keyboard.type(String(forgetList.entries[0].line + 8));
  await page.keyboard.press('Enter');
  // The run's progress notification lingers a moment after the run; keep it out of the picture.
  await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  await screenshot(page, path.join(ctx.artifactsDir, 'panel.png'));
  for (const [theme, file] of [
    ['Dark Modern', 'panel-dark.png'],
    ['Dark High Contrast', 'panel-high-contrast.png'],
    ['Light Modern', 'panel-light.png'],
  ]) {
    await switchTheme(page, theme);
    await screenshot(page, path.join(ctx.artifactsDir, file));
  }

  // Hidden and shown again, the webview is rebuilt (no retainContextWhenHidden) and must
  // come back with its result from the saved state and the host, not as an empty form.
  const panelTab = page.locator('.tabs-container .tab', { hasText: 'Unlearn: paper.csv' });
  await panelTab.click();
  await runCommand(page, 'File: New Untitled Text File');
  await frame.waitForSelector('[data-testid="fair-r2"]', { state: 'detached', timeout: 10_000 }).catch(() => undefined);
  await panelTab.click();
  const shownAgain = await webviewFrame(page, async (f) => (await f.locator('[data-testid="fair-r2"]').count()) > 0, 20_000);
  assert.equal(await numberAttr(shownAgain, '[data-testid="fair-r2"] .after'), fairAfter, 'the same result is shown again');
  assert.equal(await shownAgain.locator('.banner.stale').isHidden(), true, 'and it is not marked out of date');

  // With the panel focused, the palette offers the commands about its dataset, and the status bar stays.
  await statusBarText(page, /30 unwanted of 150 rows/, 10_000);
  const offered = await paletteTitles(page, 'Unlearn:');
  for (const title of ['Run EMSE Unlearning', 'Show Forget List', 'Save Audit Report…', 'Export Wanted Rows…', 'Copy Model JSON', 'Open Dataset']) {
    assert.ok(offered.some((t) => t.endsWith(title)), `the palette offers "Unlearn: ${title}" with the panel focused (offered: ${offered.join(' | ')})`);
  }

  // Keyboard: Enter on an unwanted row reveals its line in the dataset editor.
  const firstRow = shownAgain.locator('table.rows tbody tr').first();
  await firstRow.focus();
  await firstRow.press('Enter');
  await page.locator('#status\\.editor\\.selection').filter({ hasText: /selected/ }).waitFor({ timeout: 10_000 });

  // After a window reload the serializer brings the panel back for the same dataset.
  await runCommand(page, 'Developer: Reload Window');
  await waitForWorkbench(page);
  const restored = await webviewFrame(page, 'section.controls #run', 60_000);
  assert.match((await restored.locator('h1').textContent()) ?? '', /paper\.csv/);

  assert.deepEqual(errors, [], 'the webview logged no errors or CSP violations');
}

export const specs: E2ESpec[] = [{ name: 'panel: run EMSE from the webview and read the result', run: checkPanel }];
