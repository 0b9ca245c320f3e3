// @ts-check
// Child processes with bounded time and guaranteed clean-up: every process the harness
// starts runs in its own process group, is remembered, and is killed (group-wide) on
// exit, Ctrl-C or an uncaught exception, so no code-server or Chromium outlives a run.
import { spawn } from 'node:child_process';

/** @type {Set<import('node:child_process').ChildProcess>} */
const live = new Set();

/** Kills a child's whole process group (code-server forks an extension host and more). */
export function killGroup(child, signal = 'SIGKILL') {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

function killAll() {
  for (const child of live) killGroup(child);
  live.clear();
}

process.on('exit', killAll);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/**
 * Starts a long-running process in its own group; output goes to `onOutput` line chunks.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string; env?: NodeJS.ProcessEnv; onOutput?: (text: string) => void }} [options]
 */
export function startProcess(command, args, options = {}) {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const onOutput = options.onOutput ?? (() => {});
  child.stdout?.on('data', (d) => onOutput(String(d)));
  child.stderr?.on('data', (d) => onOutput(String(d)));
  return child;
}

/** Stops a started process group and waits (briefly) for it to be gone. */
export async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs a command to completion within `timeoutMs`. Output is streamed to our stdout
 * (prefixed) when `echo` is set, and always kept so a failure can show its tail.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; echo?: boolean; label?: string }} options
 * @returns {Promise<{ code: number | null; output: string; timedOut: boolean }>}
 */
export function runProcess(command, args, options) {
  return new Promise((resolve) => {
    let output = '';
    const child = startProcess(command, args, {
      cwd: options.cwd,
      env: options.env,
      onOutput: (text) => {
        output += text;
        if (options.echo) process.stdout.write(text);
      },
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, options.timeoutMs);
    child.once('error', (err) => {
      output += `\n${err.message}`;
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

/**
 * Like runProcess, but throws a descriptive error (with the output's tail) unless exit code 0.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; echo?: boolean }} options
 */
export async function mustRun(command, args, options) {
  const result = await runProcess(command, args, options);
  if (result.code !== 0) {
    const why = result.timedOut ? `timed out after ${options.timeoutMs / 1000} s` : `exited with ${result.code}`;
    // Echoed output is already on screen; otherwise the tail says why.
    const details = options.echo ? '' : `\n${tail(result.output)}`;
    throw new Error(`\`${command} ${args.join(' ')}\` ${why}${options.cwd ? ` (in ${options.cwd})` : ''}${details}`);
  }
  return result.output;
}

/** The last lines of a log, for error messages. */
export function tail(text, lines = 30) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
