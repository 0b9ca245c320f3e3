// Reviewing a forget-list change as a reviewer does, in the INSTALLED extension and Chromium:
// the workspace is a git repository with the samples committed and one entry removed in the
// working tree. The list's editor shows row lenses; "Unlearn: Review Forget List Changes" with
// Enter (HEAD) opens the review webview, whose removed row is revealed by keyboard; no
// console errors or CSP violations in the webview.

import * as assert from 'assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { focusWorkbench, openFile, screenshot, statusBarText, webviewFrame, type E2EContext, type E2ESpec } from './helpers';
import { collectWebviewErrors, probeCollector } from './panel.e2e';

const LIST = path.join('samples', 'paper.csv.forget.json');

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Reviewer', '-c', 'user.email=reviewer@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd });
}

function reviewFrame(page: Page): Promise<Frame> {
  return webviewFrame(page, '[data-testid="change-counts"]', 90_000);
}

async function checkReview(ctx: E2EContext): Promise<void> {
  const { page, workspaceDir } = ctx;
  const errors = collectWebviewErrors(page);
  git(workspaceDir, 'init', '-q', '-b', 'main');
  git(workspaceDir, 'add', 'samples');
  git(workspaceDir, 'commit', '-q', '-m', 'base');
  const listPath = path.join(workspaceDir, LIST);
  const lines = fs.readFileSync(listPath, 'utf8').split('\n');
  const removed = lines.findIndex((l) => l.includes('"row": 77,'));
  lines.splice(removed, 1);
  fs.writeFileSync(listPath, lines.join('\n'));

  await openFile(page, LIST);
  // The lenses render above the entries in the editor itself.
  await page.locator('.codelens-decoration', { hasText: /Row 80 \(line 81\): id=80/ }).first().waitFor({ timeout: 30_000 });
  await statusBarText(page, /main/, 60_000); // the Git extension has found the repository

  await focusWorkbench(page);
  await page.keyboard.press('F1');
  await page.keyboard.type('>Unlearn: Review Forget List Changes');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Unlearn: Review Forget List Changes' }).first().click();
  // Our quick pick replaces the palette: HEAD is first, Enter takes it.
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'HEAD' }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');

  const frame = await reviewFrame(page);
  await probeCollector(frame, errors);
  const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.ok(csp && /default-src 'none'/.test(csp) && /script-src 'nonce-[^']+'/.test(csp) && !/unsafe-/.test(csp), `strict CSP: ${csp}`);
  assert.match((await frame.locator('[data-kind="removed"].chip').textContent()) ?? '', /^1 removed$/);
  const removedRows = frame.locator('[data-testid="review-removed"] tbody tr');
  assert.equal(await removedRows.count(), 1);
  assert.match((await removedRows.first().textContent()) ?? '', /id=77/);
  await frame.locator('[data-testid="review-metrics"]').waitFor({ timeout: 90_000 });
  const unwanted = frame.locator('[data-testid="review-metrics"] tr[data-metric="Unwanted rows"] td');
  assert.equal(await unwanted.nth(0).textContent(), '30');
  assert.equal(await unwanted.nth(1).textContent(), '29');
  await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  await screenshot(page, path.join(ctx.artifactsDir, 'review.png'));

  // Keyboard: Enter on the removed row shows it in the dataset as committed (line 78 selected).
  await removedRows.first().focus();
  await removedRows.first().press('Enter');
  await page.locator('#status\\.editor\\.selection').filter({ hasText: /Ln 78,/ }).waitFor({ timeout: 15_000 });
  await page.locator('.tabs-container .tab.active[data-resource-name="paper.csv"]').waitFor({ timeout: 10_000 });

  assert.deepEqual(errors, [], 'the review webview logged no errors or CSP violations');
}

export const specs: E2ESpec[] = [{ name: 'review: forget-list lenses and the review panel on a git repository', run: checkReview }];
