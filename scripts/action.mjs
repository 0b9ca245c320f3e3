// The GitHub Action's step (action.yml): runs this repository's built CLI, `unlearn diff --all`,
// against the pull request's base, then hands the Markdown to GitHub three ways: the job summary
// ($GITHUB_STEP_SUMMARY), the step outputs `markdown`, `markdown-file` and `exit-code`
// ($GITHUB_OUTPUT), and the file itself (for a sticky-comment step). Plain Node, no network.
//
// Environment: GITHUB_WORKSPACE (the checkout), GITHUB_BASE_REF (the PR's base branch),
// GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP; the action's inputs as UNLEARN_BASE,
// UNLEARN_PATH, UNLEARN_ARGS and UNLEARN_FAIL_ON_GATE.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const env = process.env;
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const workspace = env.GITHUB_WORKSPACE || process.cwd();
const markdownFile = join(env.RUNNER_TEMP || tmpdir(), 'unlearn-review.md');

/** Text in a fenced block longer than any backtick run in it: GitHub shows it verbatim. */
function fenced(text) {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text.trim()}\n${fence}`;
}

function review() {
  const base = env.UNLEARN_BASE || (env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : '');
  if (!base) {
    return { code: 1, error: 'no base to compare with: run on a pull_request event (GITHUB_BASE_REF) or set the action input "base".' };
  }
  const extra = (env.UNLEARN_ARGS || '').split(/\s+/).filter(Boolean);
  const args = [cli, 'diff', '--all', env.UNLEARN_PATH || '.', '--base', base, '--markdown', markdownFile, ...extra];
  const run = spawnSync(process.execPath, args, { cwd: workspace, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  if (run.stderr) process.stderr.write(run.stderr);
  const code = run.status ?? 1;
  return code === 1 || !existsSync(markdownFile) ? { code, error: run.stderr || `unlearn exited with code ${code}` } : { code };
}

const { code, error } = review();
if (error) {
  // Leave a Markdown body anyway, so the summary and the PR comment say what went wrong.
  writeFileSync(markdownFile, `## Unlearn: forget-list review\n\nThe review could not run (exit code ${code}):\n\n${fenced(error)}\n`);
}
const markdown = readFileSync(markdownFile, 'utf8');
if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, markdown + '\n');
if (env.GITHUB_OUTPUT) {
  let delimiter;
  do delimiter = `UNLEARN_${randomBytes(12).toString('hex')}`;
  while (markdown.includes(delimiter));
  appendFileSync(env.GITHUB_OUTPUT, `exit-code=${code}\nmarkdown-file=${markdownFile}\nmarkdown<<${delimiter}\n${markdown}\n${delimiter}\n`);
}
// A failed gate fails the job unless the workflow asked not to (it may gate on exit-code itself).
process.exitCode = code === 2 && env.UNLEARN_FAIL_ON_GATE === 'false' ? 0 : code;
