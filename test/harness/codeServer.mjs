// @ts-check
// Starts code-server (a real VS Code 1.100 server) on 127.0.0.1 and a free port, with
// throw-away user data, and builds the workbench URLs the browser loads.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { codeServerBin } from './paths.mjs';
import { mustRun, startProcess, stopProcess, tail } from './proc.mjs';

/** Settings that keep the workbench quiet and deterministic under test. */
const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  // The built-in Git extension runs (the review features use its API), but quietly: no
  // fetching, no repositories of parent folders (the workspace lives under the temp dir).
  'git.enabled': true,
  'git.autofetch': false,
  'git.openRepositoryInParentFolders': 'never',
  'git.showProgress': false,
  'window.restoreWindows': 'none',
};

/** Asks the OS for a port nobody is using right now (on the loopback interface only). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Fresh user-data and extensions dirs under one temp root. */
export function makeProfile(label) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `unlearn-${label}-`));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), `${JSON.stringify(userSettings, null, 2)}\n`);
  return { root, userDataDir, extensionsDir };
}

/** Installs a .vsix into a profile, as a user would (`code --install-extension`). */
export async function installExtension(vsix, profile) {
  await mustRun(codeServerBin, [
    '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir, '--install-extension', vsix,
  ], { timeoutMs: 120_000 });
}

/**
 * Starts code-server and waits until it answers /healthz.
 * @param {{ profile: { userDataDir: string; extensionsDir: string }; folder?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; echo?: boolean }} options
 */
export async function startCodeServer(options) {
  const port = await freePort();
  let log = '';
  const args = [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-workspace-trust', '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
    '--user-data-dir', options.profile.userDataDir, '--extensions-dir', options.profile.extensionsDir,
  ];
  if (options.folder) args.push(options.folder);
  const child = startProcess(codeServerBin, args, {
    env: { ...process.env, ...options.env },
    onOutput: (text) => {
      log += text;
      if (options.echo) process.stdout.write(text);
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail(log)}`);
    }
    if (await answers(`${origin}/healthz`)) break;
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`code-server did not answer on ${origin} within ${(options.timeoutMs ?? 60_000) / 1000} s:\n${tail(log)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    origin,
    /** The server's log so far, for failure messages. */
    logTail: () => tail(log),
    stop: () => stopProcess(child),
  };
}

async function answers(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * The workbench URL for a folder, optionally loading an extension from a path (development
 * mode) and running its tests. The web workbench reads these from its `payload` parameter,
 * as vscode-remote URIs on the same server.
 * @param {string} origin
 * @param {string} folder
 * @param {{ extensionDevelopmentPath?: string; extensionTestsPath?: string }} [dev]
 */
export function workbenchUrl(origin, folder, dev = {}) {
  const remote = (p) => `vscode-remote://${new URL(origin).host}${p}`;
  const payload = [];
  if (dev.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(dev.extensionDevelopmentPath)]);
  if (dev.extensionTestsPath) payload.push(['extensionTestsPath', remote(dev.extensionTestsPath)]);
  const query = `folder=${encodeURIComponent(folder)}`;
  return `${origin}/?${query}${payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`;
}
