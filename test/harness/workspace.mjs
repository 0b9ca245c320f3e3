// @ts-check
// A fresh, throw-away workspace per run: tests write forget lists, so they get copies
// of samples/ and test/fixtures/ (as <workspace>/samples and <workspace>/fixtures),
// never the repo's own files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths.mjs';

/** Creates `<tmp>/unlearn-ws-XXXX/workspace` holding samples/ and fixtures/. */
export function makeWorkspace(label = 'ws') {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), `unlearn-${label}-`)), 'workspace');
  fs.mkdirSync(dir, { recursive: true });
  for (const [from, to] of [['samples', 'samples'], [path.join('test', 'fixtures'), 'fixtures']]) {
    const source = path.join(repoRoot, from);
    if (fs.existsSync(source)) fs.cpSync(source, path.join(dir, to), { recursive: true });
  }
  return dir;
}

/** Removes a temp dir made by the harness (ignores what is already gone). */
export function removeTemp(dir) {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Removes a workspace made by makeWorkspace, with its temp parent. */
export function removeWorkspace(dir) {
  removeTemp(path.dirname(dir));
}
