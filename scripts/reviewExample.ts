// The README's "Code review" example, made by the tool: a git repository with the shipped
// samples in two commits (base: as shipped; head: a realistic forget-list change), then
// `unlearn diff` on it. The tests build the same repository (makeReviewRepo), so the example
// and what is tested cannot drift apart.
// Run: npm run build && npm run compile-tests && node out/scripts/reviewExample.js [--keep]

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDataset } from '../src/engine/dataset';
import { addRows, matchForgetList, parseForgetList, serializeForgetList } from '../src/engine/forgetList';

const repoRoot = resolve(__dirname, '..', '..');
/** The day of the head change's new marks, fixed so the example does not churn. */
const MARKED_ON = '2026-12-01';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `git init` with a committer identity and a fixed branch name, independent of the user's config. */
export function initRepo(dir: string): void {
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'config', 'user.name', 'Unlearn Tests');
  git(dir, 'config', 'user.email', 'tests@unlearn.invalid');
  git(dir, 'config', 'commit.gpgsign', 'false');
}

export function commitAll(dir: string, message: string): void {
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', message);
}

/**
 * Commit 1 (base): samples/ as shipped, under data/. Commit 2 (head): in data/paper.csv two new
 * sensor-B readings are appended and marked (by "dana"), row 81's y is corrected (its entry turns
 * stale), row 80's entry is removed (checked: a valid reading) and row 77's reason is reworded.
 * data/sensors.jsonl does not change.
 */
export function makeReviewRepo(dir: string): void {
  initRepo(dir);
  mkdirSync(join(dir, 'data'));
  for (const f of ['paper.csv', 'paper.csv.forget.json', 'sensors.jsonl', 'sensors.jsonl.forget.json']) {
    copyFileSync(join(repoRoot, 'samples', f), join(dir, 'data', f));
  }
  commitAll(dir, 'Samples as shipped');

  const csvPath = join(dir, 'data', 'paper.csv');
  const listPath = join(dir, 'data', 'paper.csv.forget.json');
  const text = readFileSync(csvPath, 'utf8')
    .replace('\n81,6.493,7.817,sensor-B\n', '\n81,6.493,7.871,sensor-B\n')
    .concat('151,6.412,8.904,sensor-B\n152,6.521,8.713,sensor-B\n');
  writeFileSync(csvPath, text);
  const ds = parseDataset(text, 'paper.csv');
  let list = parseForgetList(readFileSync(listPath, 'utf8'), 'paper.csv.forget.json');
  const { rowOfEntry } = matchForgetList(list, ds);
  list = {
    ...list,
    entries: list.entries
      .filter((_, i) => rowOfEntry[i] !== 79)
      .map((e) => (e.row === 77 ? { ...e, reason: 'sensor B miscalibrated, confirmed by the vendor (ticket DATA-112)' } : e)),
  };
  list = addRows(list, ds, [150, 151], 'sensor B was miscalibrated (ticket DATA-112)', MARKED_ON);
  list = { ...list, entries: list.entries.map((e) => (e.row > 150 ? { ...e, by: 'dana' } : e)) };
  writeFileSync(listPath, serializeForgetList(list));
  commitAll(dir, 'Forget two more sensor-B readings; row 80 is valid; fix row 81');
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'unlearn-review-'));
  try {
    makeReviewRepo(dir);
    const cli = join(repoRoot, 'dist', 'cli.js');
    const run = (...args: string[]) => {
      try {
        return execFileSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
      } catch (e) {
        return (e as { stdout: string }).stdout; // a failed gate still prints the review
      }
    };
    process.stdout.write(`$ git log --oneline\n${git(dir, 'log', '--format=%s')}\n`);
    process.stdout.write(`$ unlearn diff data/paper.csv --base HEAD~1 --max-new-unwanted 5 --fail-on-stale --markdown review.md\n`);
    process.stdout.write(run('diff', 'data/paper.csv', '--base', 'HEAD~1', '--max-new-unwanted', '5', '--fail-on-stale', '--markdown', 'review.md'));
    process.stdout.write(`\n$ unlearn diff --all --base HEAD~1\n`);
    process.stdout.write(run('diff', '--all', '--base', 'HEAD~1'));
    process.stdout.write(`\n----- review.md -----\n${readFileSync(join(dir, 'review.md'), 'utf8')}`);
    if (process.argv.includes('--keep')) process.stdout.write(`\n(repository kept in ${dir})\n`);
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
