// The GitHub Action's script (scripts/action.mjs) run offline as GitHub runs it: a fixture
// repository with the PR's base as origin/main, and the environment variables GitHub sets.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, makeReviewRepo, repoRoot } from './reviewHelpers';

const script = join(repoRoot, 'scripts', 'action.mjs');

/** Parses $GITHUB_OUTPUT: `name=value` lines and `name<<DELIM … DELIM` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([\w-]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      assert.ok(end > i, `unterminated ${heredoc[1]}`);
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      const [name, ...value] = lines[i].split('=');
      out[name] = value.join('=');
    }
  }
  return out;
}

describe('GitHub Action (scripts/action.mjs, offline)', function () {
  this.timeout(60000);
  let workspace: string;
  let runner: string;
  before(() => {
    workspace = mkdtempSync(join(tmpdir(), 'unlearn-action-ws-'));
    makeReviewRepo(workspace);
    // What actions/checkout with fetch-depth 0 leaves for a PR into main: the base as origin/main.
    git(workspace, 'update-ref', 'refs/remotes/origin/main', 'HEAD~1');
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));
  beforeEach(() => (runner = mkdtempSync(join(tmpdir(), 'unlearn-action-runner-'))));
  afterEach(() => rmSync(runner, { recursive: true, force: true }));

  function runAction(env: Record<string, string>) {
    const summary = join(runner, 'summary.md');
    const output = join(runner, 'output.txt');
    writeFileSync(summary, '# Earlier step\n');
    writeFileSync(output, 'earlier=1\n');
    const r = spawnSync(process.execPath, [script], {
      cwd: runner, // the script must use GITHUB_WORKSPACE, not its cwd
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_BASE_REF: 'main',
        GITHUB_HEAD_REF: 'feature',
        GITHUB_WORKSPACE: workspace,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: output,
        RUNNER_TEMP: runner,
        ...env,
      },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, summary: readFileSync(summary, 'utf8'), outputs: parseOutputs(readFileSync(output, 'utf8')) };
  }

  it('reviews the PR against origin/<base>, fills the job summary and the outputs', () => {
    const r = runAction({});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Unlearn diff: base origin\/main → head working tree/);
    assert.ok(r.summary.startsWith('# Earlier step\n'), 'appends to the summary');
    assert.match(r.summary, /## Unlearn: forget-list review/);
    assert.match(r.summary, /\| data\/paper\.csv \| 30 → 31 \| 2 \| 1 \| 1 \| 1 \| 0 \|/);
    assert.equal(r.outputs.earlier, '1', 'appends to the outputs');
    assert.equal(r.outputs['exit-code'], '0');
    assert.equal(r.outputs['markdown-file'], join(runner, 'unlearn-review.md'));
    assert.equal(r.outputs.markdown, readFileSync(r.outputs['markdown-file'], 'utf8'));
    assert.ok(r.summary.includes(r.outputs.markdown));
  });

  it('passes gates through and fails the step on a failed gate, unless told only to report', () => {
    const failing = runAction({ UNLEARN_ARGS: '--fail-on-stale  --max-new-unwanted 5' });
    assert.equal(failing.code, 2);
    assert.equal(failing.outputs['exit-code'], '2');
    assert.match(failing.outputs.markdown, /❌ --fail-on-stale/);
    const reportOnly = runAction({ UNLEARN_ARGS: '--fail-on-stale', UNLEARN_FAIL_ON_GATE: 'false' });
    assert.equal(reportOnly.code, 0);
    assert.equal(reportOnly.outputs['exit-code'], '2');
  });

  it('takes the base input instead of GITHUB_BASE_REF, and a folder', () => {
    const r = runAction({ GITHUB_BASE_REF: '', UNLEARN_BASE: 'HEAD', UNLEARN_PATH: 'data' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.outputs.markdown, /No forget list changed|no forget list changed/i);
  });

  it('says in the summary, as inert text, when the review cannot run', () => {
    const missing = runAction({ GITHUB_BASE_REF: 'release`s' });
    assert.equal(missing.code, 1);
    assert.equal(missing.outputs['exit-code'], '1');
    assert.match(missing.summary, /The review could not run \(exit code 1\):\n\n```text\nunlearn: unknown git ref "origin\/release`s" \(is it fetched\? in CI, check out with fetch-depth: 0\)\n```/);
    const noBase = runAction({ GITHUB_BASE_REF: '', GITHUB_EVENT_NAME: 'push' });
    assert.equal(noBase.code, 1);
    assert.match(noBase.outputs.markdown, /no base to compare with/);
  });

  it('action.yml runs this script with the inputs it documents', () => {
    const yml = readFileSync(join(repoRoot, 'action.yml'), 'utf8');
    assert.match(yml, /using: composite/);
    assert.match(yml, /node "\$GITHUB_ACTION_PATH\/scripts\/action\.mjs"/);
    for (const input of ['base', 'path', 'args', 'fail-on-gate']) assert.match(yml, new RegExp(`^  ${input}:`, 'm'), input);
    for (const name of ['UNLEARN_BASE', 'UNLEARN_PATH', 'UNLEARN_ARGS', 'UNLEARN_FAIL_ON_GATE']) {
      assert.ok(yml.includes(`${name}: \${{ inputs.`), name);
      assert.ok(readFileSync(script, 'utf8').includes(`env.${name}`), `${name} read by the script`);
    }
    for (const output of ['markdown', 'markdown-file', 'exit-code']) assert.ok(yml.includes(`steps.review.outputs.${output}`), output);
  });
});
