// @ts-check
// Headless Debian Chromium driven by playwright-core (no browser download needed).
// The web workbench reports an extension test run through two page functions:
// codeAutomationLog(type, args) for the extension host's console, and
// codeAutomationExit(code) when the tests module's run() settles.
import { chromium } from 'playwright-core';
import { chromiumPath } from './paths.mjs';

const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Launches the browser; the caller closes it (the process group is killed on exit anyway). */
export function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs, timeout: 60_000 });
}

/**
 * Opens a fresh page (own context) on a workbench URL.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {{ onLog?: (line: string) => void; onExit?: (code: number) => void }} [hooks]
 */
export async function openWorkbench(browser, url, hooks = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.exposeFunction('codeAutomationLog', (_type, args) => {
    const parts = Array.isArray(args) ? args : [args];
    hooks.onLog?.(parts.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  });
  await page.exposeFunction('codeAutomationExit', (code) => hooks.onExit?.(Number(code)));
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  return page;
}
