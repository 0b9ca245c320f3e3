// @ts-check
// The phases before a VS Code is needed: build, compile the tests, engine unit tests,
// and packaging (with a check that the .vsix ships what the extension loads and
// nothing it should not). Build and compile are steps: they count only when they fail.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, resultsDir, vsixPath } from './paths.mjs';
import { mustRun, runProcess, tail } from './proc.mjs';
import { fail, record } from './summary.mjs';

const MINUTE = 60_000;

/** `npm run <script>` with its output visible; throws with the output's tail on failure. */
export async function npmStep(script, timeoutMs = 5 * MINUTE) {
  await mustRun('npm', ['run', '--silent', script], { cwd: repoRoot, timeoutMs, echo: true });
}

/**
 * Deletes compiled tests whose TypeScript source is gone: tsc never removes them, and a
 * stale compiled test under out/test/ would still run.
 */
export function pruneStaleTests() {
  const outTests = path.join(repoRoot, 'out', 'test');
  if (!fs.existsSync(outTests)) return;
  for (const file of /** @type {string[]} */ (fs.readdirSync(outTests, { recursive: true }))) {
    if (!file.endsWith('.js')) continue;
    const source = path.join(repoRoot, 'test', file.replace(/\.js$/, '.ts'));
    if (!fs.existsSync(source)) {
      fs.rmSync(path.join(outTests, file));
      fs.rmSync(path.join(outTests, `${file}.map`), { force: true });
    }
  }
}

/**
 * Mocha over the engine and CLI tests with the spec reporter, counted through the
 * results file our reporter writes.
 * @param {import('./summary.mjs').Phase} phase
 */
export async function runUnit(phase) {
  fs.mkdirSync(resultsDir, { recursive: true });
  const resultsFile = path.join(resultsDir, 'unit.json');
  fs.rmSync(resultsFile, { force: true });
  const mocha = path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const reporter = path.join(repoRoot, 'test', 'harness', 'countingSpecReporter.cjs');
  const run = await runProcess(process.execPath, [mocha, '--config', '.mocharc.unit.json', '--reporter', reporter], {
    cwd: repoRoot, timeoutMs: 5 * MINUTE, echo: true, env: { ...process.env, UNLEARN_RESULTS_FILE: resultsFile },
  });
  if (!fs.existsSync(resultsFile)) {
    return fail(phase, `mocha ${run.timedOut ? 'timed out' : `exited with ${run.code}`} before reporting results:\n${tail(run.output)}`);
  }
  const { tests } = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  phase.tests.push(...tests);
  if (run.code !== 0 && tests.every((t) => t.ok)) fail(phase, `mocha exited with ${run.code} although every test passed:\n${tail(run.output)}`);
}

/** Files the packaged extension cannot work without (besides package.json's `main`). */
const mustShip = ['package.json', 'readme.md', 'LICENSE.txt', 'dist/extension.js', 'dist/worker.js', 'dist/webview.js', 'dist/review.js', 'dist/review.css'];
/** Things that must never be in the package: sources, tests, build output, dependencies. */
const mustNotShip = [/^src\//, /^test\//, /^out\//, /^node_modules\//, /^\.vscode-test\//, /^scripts\//, /\.ts$/, /\.map$/];

/**
 * Packages out/unlearn.vsix and checks its file list against the manifest and dist/.
 * @param {import('./summary.mjs').Phase} phase
 */
export async function runPackage(phase) {
  fs.rmSync(vsixPath, { force: true });
  await npmStep('package', 3 * MINUTE);
  const listing = await mustRun('unzip', ['-Z1', vsixPath], { timeoutMs: MINUTE });
  const files = listing.split('\n').filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length));
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const problems = [];
  // Whatever esbuild emits for the webview (CSS, fonts) is loaded at run time, so it must ship.
  const webviewAssets = fs.readdirSync(path.join(repoRoot, 'dist')).filter((f) => /\.(css|ttf|woff2?)$/.test(f)).map((f) => `dist/${f}`);
  const required = [...mustShip, ...webviewAssets, path.posix.normalize(manifest.main), ...referencedFiles(manifest), ...readmeImages()];
  for (const file of new Set(required)) {
    if (!files.some((f) => f.toLowerCase() === file.toLowerCase())) problems.push(`missing ${file}`);
  }
  for (const file of files) {
    if (mustNotShip.some((re) => re.test(file))) problems.push(`should not ship ${file}`);
  }
  const kb = Math.round(fs.statSync(vsixPath).size / 1024);
  const title = `out/unlearn.vsix ships what the extension loads and nothing else (${files.length} files, ${kb} KB)`;
  record(phase, { title, ok: problems.length === 0, message: problems.join('\n') });
}

/** Relative images of the README: VS Code shows them from the installed extension's folder. */
function readmeImages() {
  const readme = path.join(repoRoot, 'README.md');
  if (!fs.existsSync(readme)) return [];
  const links = [...fs.readFileSync(readme, 'utf8').matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]);
  return links.filter((l) => !/^[a-z]+:/i.test(l)).map((l) => path.posix.normalize(l));
}

/** Files the manifest points at: icon, JSON schemas, language configurations, grammars. */
function referencedFiles(manifest) {
  const refs = [];
  if (manifest.icon) refs.push(manifest.icon);
  const c = manifest.contributes ?? {};
  for (const v of c.jsonValidation ?? []) if (v.url?.startsWith('./')) refs.push(v.url);
  for (const l of c.languages ?? []) if (l.configuration) refs.push(l.configuration);
  for (const g of c.grammars ?? []) refs.push(g.path);
  return refs.map((r) => path.posix.normalize(r));
}
