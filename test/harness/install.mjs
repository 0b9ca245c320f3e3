// @ts-check
// Installs a real VS Code (code-server from the npm registry) on first use. The machines
// this runs on reach only npm and Debian, so code-server's own postinstall (which
// downloads from GitHub) is skipped and its native modules are built here instead.
// A marker file is written last, so an interrupted install is redone from scratch.
import fs from 'node:fs';
import path from 'node:path';
import {
  codeServerBin, codeServerDir, codeServerPackageDir, codeServerVersion, installMarker,
} from './paths.mjs';
import { mustRun, runProcess } from './proc.mjs';

const MINUTE = 60_000;

/** Debian packages the install and the browser need, with a file that proves each is there. */
const debianPackages = [
  { name: 'chromium', file: '/usr/bin/chromium' },
  { name: 'ripgrep', file: '/usr/bin/rg' },
  { name: 'libkrb5-dev', file: '/usr/include/krb5.h' },
  { name: 'pkg-config', file: '/usr/bin/pkg-config' },
  { name: 'g++', file: '/usr/bin/g++' },
  { name: 'make', file: '/usr/bin/make' },
  { name: 'unzip', file: '/usr/bin/unzip' },
];

/** Native modules that must have a compiled `.node` file after the rebuild. */
const nativeModules = ['node-pty', '@vscode/spdlog', 'native-watchdog', 'kerberos'];

/** apt-gets missing Debian packages when root; otherwise says exactly what to run. */
export async function ensureDebianPackages(log = console.log) {
  const missing = debianPackages.filter((p) => !fs.existsSync(p.file)).map((p) => p.name);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing Debian packages: ${missing.join(', ')}. Run as root:\n  ${command}`);
  }
  log(`[install] apt-get install ${missing.join(' ')}`);
  await mustRun('apt-get', ['update'], { timeoutMs: 5 * MINUTE });
  await mustRun('apt-get', ['install', '-y', ...missing], {
    timeoutMs: 10 * MINUTE,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** Returns code-server's `--version` line, or throws if it does not run. */
export async function codeServerVersionLine() {
  const out = await mustRun(codeServerBin, ['--version'], { timeoutMs: MINUTE });
  const line = out.split('\n').find((l) => l.includes(codeServerVersion));
  if (!line) throw new Error(`code-server --version did not report ${codeServerVersion}:\n${out}`);
  return line.trim();
}

/** Makes sure code-server is installed and runs; returns its version line. */
export async function ensureCodeServer(log = console.log) {
  await ensureDebianPackages(log);
  if (fs.existsSync(installMarker)) {
    try {
      return await codeServerVersionLine();
    } catch (err) {
      log(`[install] the cached code-server does not run, reinstalling: ${/** @type {Error} */ (err).message}`);
    }
  }
  const started = Date.now();
  log(`[install] installing code-server ${codeServerVersion} into ${codeServerDir} (first use, a few minutes)`);
  fs.rmSync(codeServerDir, { recursive: true, force: true });
  fs.mkdirSync(codeServerDir, { recursive: true });
  // Without its own package.json, npm would walk up and install into the repo.
  fs.writeFileSync(path.join(codeServerDir, 'package.json'), '{ "private": true }\n');
  const npmQuiet = ['--no-audit', '--no-fund', '--loglevel=error'];

  await mustRun('npm', ['install', '--ignore-scripts', ...npmQuiet, `code-server@${codeServerVersion}`], {
    cwd: codeServerDir, timeoutMs: 10 * MINUTE,
  });
  const vscodeDir = path.join(codeServerPackageDir, 'lib', 'vscode');
  await mustRun('npm', ['install', '--omit=dev', '--ignore-scripts', ...npmQuiet], { cwd: vscodeDir, timeoutMs: 10 * MINUTE });

  // @vscode/ripgrep's postinstall would download rg from GitHub; Debian's works the same.
  const rgDir = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgDir, { recursive: true });
  fs.copyFileSync('/usr/bin/rg', path.join(rgDir, 'rg'));
  fs.chmodSync(path.join(rgDir, 'rg'), 0o755);

  // node-pty's compile_commands step may fail harmlessly, so judge by the built files.
  const rebuild = await runProcess('npm', ['rebuild', ...npmQuiet], { cwd: vscodeDir, timeoutMs: 10 * MINUTE });
  const unbuilt = nativeModules.filter((m) => !hasNodeFile(path.join(vscodeDir, 'node_modules', m)));
  if (unbuilt.length > 0) {
    throw new Error(`npm rebuild left no .node file for ${unbuilt.join(', ')} (exit ${rebuild.code}):\n${rebuild.output.slice(-3000)}`);
  }
  // code-server loads VS Code's modules through node_modules.asar.
  fs.symlinkSync('node_modules', path.join(vscodeDir, 'node_modules.asar.tmp'));
  fs.renameSync(path.join(vscodeDir, 'node_modules.asar.tmp'), path.join(vscodeDir, 'node_modules.asar'));

  const argon2Dir = path.join(codeServerDir, 'node_modules', 'argon2');
  // Its install script (node-pre-gyp) tries a download first, then builds from source.
  await mustRun('npm', ['rebuild', 'argon2', ...npmQuiet], { cwd: codeServerDir, timeoutMs: 10 * MINUTE });
  if (!hasNodeFile(argon2Dir)) throw new Error(`argon2 built no .node file in ${argon2Dir}`);

  const version = await codeServerVersionLine();
  fs.writeFileSync(installMarker, `${JSON.stringify({ version, installedAt: new Date().toISOString() }, null, 2)}\n`);
  log(`[install] code-server ready in ${Math.round((Date.now() - started) / 1000)} s: ${version}`);
  return version;
}

/** True when a compiled native module (`*.node`) exists anywhere under `dir/build` or `dir/lib`. */
function hasNodeFile(dir) {
  /** @param {string} d */
  const walk = (d) => {
    if (!fs.existsSync(d)) return false;
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory() ? entry.name !== 'node_modules' && walk(full) : entry.name.endsWith('.node')) return true;
    }
    return false;
  };
  return walk(dir);
}
