// @ts-check
// `npm test`: build → compile tests → engine unit tests → package → (install code-server)
// → integration tests in a real extension host → end-to-end specs in the browser →
// the demo check. Ends with ONE line `N passed, N failed` and test-results/summary.json;
// exits non-zero on any failure. Every phase has a deadline.
//   --only unit|integration|e2e   run that phase (and what it needs) only
//   --grep <regexp>               run only the e2e specs whose name matches
//   --screenshot                  after e2e, copy the panel screenshot to docs/images/
import fs from 'node:fs';
import path from 'node:path';
import { ensureCodeServer } from './install.mjs';
import { repoRoot } from './paths.mjs';
import { runProcess, tail } from './proc.mjs';
import { runE2E, artifactsDir } from './runE2E.mjs';
import { runIntegration } from './runIntegration.mjs';
import { npmStep, pruneStaleTests, runPackage, runUnit } from './runSteps.mjs';
import { fail, finish, newPhase, runPhase } from './summary.mjs';

const MINUTE = 60_000;
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
if (only !== undefined && !['unit', 'integration', 'e2e'].includes(only)) {
  console.error(`--only takes unit, integration or e2e, not ${only}`);
  process.exit(2);
}
const wants = (name) => only === undefined || only === name;
const grep = args.includes('--grep') ? new RegExp(args[args.indexOf('--grep') + 1], 'i') : undefined;
const startedAt = Date.now();
/** @type {import('./summary.mjs').Phase[]} */
const phases = [];

/**
 * Runs a phase unless a phase it needs could not run; returns whether it ran (failed tests
 * still count as ran: integration tests then show what a failed package check means).
 */
async function phase(name, timeoutMs, needs, body) {
  const p = newPhase(name);
  phases.push(p);
  const broken = needs.find((n) => !n.ok);
  if (broken) {
    console.log(`\n── ${name} ──`);
    fail(p, `skipped: ${broken.name} could not run`);
    return { name, ok: false };
  }
  await runPhase(p, timeoutMs, body);
  return { name, ok: !p.error };
}

const build = await phase('build', 5 * MINUTE, [], () => npmStep('build'));
// tsc still emits when others' files have type errors, so later phases run on what it wrote.
await phase('compile', 5 * MINUTE, [], async () => {
  pruneStaleTests();
  await npmStep('compile-tests');
});
if (wants('unit')) await phase('unit', 6 * MINUTE, [], runUnit);
if (only !== 'unit') {
  const packaged = await phase('package', 4 * MINUTE, [build], runPackage);
  const vscode = await phase('code-server', 25 * MINUTE, [], async () => {
    console.log(`  ${await ensureCodeServer((line) => console.log(`  ${line}`))}`);
  });
  if (wants('integration')) {
    await phase('integration', 7 * MINUTE, [packaged, vscode], (p) => runIntegration(p, { timeoutMs: 6 * MINUTE }));
  }
  if (wants('e2e')) {
    const e2e = await phase('e2e', 12 * MINUTE, [packaged, vscode], (p) => runE2E(p, { specTimeoutMs: 2 * MINUTE, grep }));
    if (args.includes('--screenshot')) await phase('screenshot', MINUTE, [e2e], copyPanelScreenshot);
  }
  if (only === undefined) await phase('demo', 5 * MINUTE, [build, vscode], demoCheck);
}
process.exit(finish(phases, startedAt));

/** `npm run demo -- --check`, exactly as the README's first command runs, counted as one test. */
async function demoCheck(p) {
  const run = await runProcess('npm', ['run', '--silent', 'demo', '--', '--check'], { cwd: repoRoot, timeoutMs: 4 * MINUTE, echo: true });
  p.tests.push({ title: 'npm run demo -- --check: the sample opens with the extension active', ok: run.code === 0, message: run.code === 0 ? undefined : tail(run.output) });
}

/** For the README: the panel spec saves panel.png; docs/images/panel.png is the published copy. */
async function copyPanelScreenshot(p) {
  const from = path.join(artifactsDir, 'panel.png');
  if (!fs.existsSync(from)) throw new Error(`${from} was not written (does test/e2e/panel.e2e.ts save it?)`);
  const to = path.join(repoRoot, 'docs', 'images', 'panel.png');
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
  p.tests.push({ title: `copied the panel screenshot to ${path.relative(repoRoot, to)}`, ok: true });
}
