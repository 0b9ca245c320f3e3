// @ts-check
// Counting for the whole run. Every phase records its tests; a phase that could not run
// at all (build broke, code-server would not start, a time-out) counts as one failure
// with the reason, so the closing `N passed, N failed` line never hides a broken harness.
import fs from 'node:fs';
import path from 'node:path';
import { resultsDir } from './paths.mjs';

/**
 * @typedef {{ title: string; ok: boolean; message?: string; ms?: number }} TestResult
 * @typedef {{ name: string; tests: TestResult[]; error?: string; durationMs: number }} Phase
 */

/** @param {string} name @returns {Phase} */
export function newPhase(name) {
  return { name, tests: [], durationMs: 0 };
}

/** Records one test and prints it the way mocha's spec reporter would. */
export function record(phase, test) {
  if (test.message) test.message = stripAnsi(test.message);
  phase.tests.push(test);
  const time = test.ms !== undefined && test.ms >= 100 ? ` (${test.ms} ms)` : '';
  console.log(`  ${test.ok ? '✓' : '✗'} ${test.title}${time}`);
  if (!test.ok && test.message) console.log(indent(test.message, 6));
}

/** Marks a phase as unable to run; it then counts as one failure. */
export function fail(phase, reason) {
  phase.error = reason;
  console.log(`  ✗ ${phase.name} could not run:\n${indent(reason, 6)}`);
}

export function counts(phase) {
  const passed = phase.tests.filter((t) => t.ok).length;
  const failed = phase.tests.length - passed + (phase.error ? 1 : 0);
  return { passed, failed };
}

/**
 * Runs a phase body with a deadline; a throw or a time-out becomes the phase's error.
 * @param {Phase} phase
 * @param {number} timeoutMs
 * @param {(phase: Phase) => Promise<void>} body
 */
export async function runPhase(phase, timeoutMs, body) {
  const started = Date.now();
  console.log(`\n── ${phase.name} ──`);
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  });
  try {
    await Promise.race([body(phase), deadline]);
  } catch (err) {
    fail(phase, err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
    phase.durationMs = Date.now() - started;
  }
  const { passed, failed } = counts(phase);
  console.log(`  ${phase.name}: ${passed} passed, ${failed} failed (${(phase.durationMs / 1000).toFixed(1)} s)`);
  return phase;
}

/** Writes test-results/summary.json and prints the one closing line; returns the exit code. */
export function finish(phases, startedAt) {
  const perPhase = phases.map((p) => ({ ...counts(p), ...p }));
  const passed = perPhase.reduce((n, p) => n + p.passed, 0);
  const failed = perPhase.reduce((n, p) => n + p.failed, 0);
  fs.mkdirSync(resultsDir, { recursive: true });
  const summary = { passed, failed, durationMs: Date.now() - startedAt, finishedAt: new Date().toISOString(), phases: perPhase };
  fs.writeFileSync(path.join(resultsDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log('');
  for (const p of perPhase) {
    console.log(`  ${p.name.padEnd(14)} ${String(p.passed).padStart(4)} passed ${String(p.failed).padStart(3)} failed  ${(p.durationMs / 1000).toFixed(1).padStart(6)} s`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

/** Playwright colours its call logs; summary.json and CI logs want plain text. */
function stripAnsi(text) {
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

function indent(text, spaces) {
  const pad = ' '.repeat(spaces);
  return String(text).split('\n').map((l) => pad + l).join('\n');
}
