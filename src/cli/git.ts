// Files as they were at a git commit, read with the real `git` binary (`git show ref:path`), so
// `unlearn diff` sees exactly what git has, in any repository layout, with no library to trust.

import { execFileSync } from 'node:child_process';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UnlearnError } from '../engine/errors';
import type { FileSource } from '../cli';

/** Datasets can be large: allow git to hand over up to 2 GiB. */
const MAX_BUFFER = 2 ** 31;

function git(args: string[], cwd: string): Buffer {
  return execFileSync('git', args, { cwd, maxBuffer: MAX_BUFFER, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The first line git printed on stderr, for a message. */
function gitMessage(e: unknown): string {
  const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'the git program was not found on PATH';
  return stderr ? stderr.split('\n')[0] : (e as Error).message;
}

export class GitRepo {
  private constructor(readonly root: string) {}

  /** The repository containing `folder`. */
  static at(folder: string): GitRepo {
    try {
      return new GitRepo(git(['rev-parse', '--show-toplevel'], resolve(folder)).toString().trim());
    } catch (e) {
      throw new UnlearnError(`not inside a git repository (${gitMessage(e)}); give --base a forget-list file instead of a git ref`, folder);
    }
  }

  /** The commit a ref names ("main", "origin/main", "HEAD~1", a hash…). */
  commit(ref: string): string {
    if (ref.startsWith('-')) throw new UnlearnError(`"${ref}" is not a git ref`);
    try {
      return git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], this.root).toString().trim();
    } catch {
      throw new UnlearnError(`unknown git ref "${ref}" (is it fetched? in CI, check out with fetch-depth: 0)`);
    }
  }

  /** A path (absolute, or relative to the current folder) as git names it in a tree. */
  treePath(file: string): string {
    const path = relative(this.root, resolve(file));
    if (path.startsWith('..') || isAbsolute(path)) throw new UnlearnError(`is outside the git repository ${this.root}`, file);
    return path.split(sep).join('/');
  }

  /** Files at `commit`, read with `git show commit:path`. */
  files(commit: string, label: string): FileSource {
    return {
      read: (file) => {
        const path = this.treePath(file);
        if (!this.exists(commit, path)) return undefined;
        try {
          return git(['show', `${commit}:${path}`], this.root);
        } catch (e) {
          throw new UnlearnError(`git show failed: ${gitMessage(e)}`, `${label}:${path}`);
        }
      },
      name: (file) => `${label}:${this.treePath(file)}`,
    };
  }

  /** Every file under `folder` at `commit`, as absolute paths. */
  list(commit: string, folder: string): string[] {
    const prefix = this.treePath(folder);
    const out = git(['ls-tree', '-r', '-z', '--name-only', commit, '--', prefix === '' ? '.' : prefix], this.root).toString();
    return out.split('\0').filter(Boolean).map((p) => resolve(this.root, p));
  }

  private exists(commit: string, path: string): boolean {
    try {
      return git(['cat-file', '-t', `${commit}:${path}`], this.root).toString().trim() === 'blob';
    } catch {
      return false;
    }
  }
}
