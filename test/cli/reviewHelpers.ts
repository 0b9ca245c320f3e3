// Shared by the review tests: the built CLI run in a real git repository in a temp folder.

import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../..');
export const cli = join(repoRoot, 'dist', 'cli.js');

export function runCli(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export { commitAll, git, initRepo, makeReviewRepo } from '../../scripts/reviewExample';
