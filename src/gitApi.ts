// The part of the built-in Git extension's API (vscode.git, getAPI(1)) that Unlearn uses,
// typed here because the extension ships no typings package. Names and shapes follow
// extensions/git/src/api/git.d.ts of VS Code; only members Unlearn (and its tests) read are declared.

import * as vscode from 'vscode';

export const enum RefType {
  Head = 0,
  RemoteHead = 1,
  Tag = 2,
}

export interface Ref {
  readonly type: RefType;
  readonly name?: string;
  readonly commit?: string;
  readonly remote?: string;
}

export interface Commit {
  readonly hash: string;
  readonly message: string;
  readonly authorDate?: Date;
  readonly authorName?: string;
}

export interface Change {
  readonly uri: vscode.Uri;
}

export interface RepositoryState {
  readonly HEAD: Ref | undefined;
  readonly refs: Ref[];
  readonly workingTreeChanges: Change[];
  readonly indexChanges: Change[];
  readonly onDidChange: vscode.Event<void>;
}

export interface Repository {
  readonly rootUri: vscode.Uri;
  readonly state: RepositoryState;
  /** The file's text at `ref` (`git show ref:path`); `path` is absolute or relative to the root. */
  show(ref: string, path: string): Promise<string>;
  getCommit(ref: string): Promise<Commit>;
  log(options?: { maxEntries?: number; path?: string }): Promise<Commit[]>;
}

export interface GitAPI {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: Repository[];
  readonly onDidOpenRepository: vscode.Event<Repository>;
  toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
  getRepository(uri: vscode.Uri): Repository | null;
}

/** How long a command waits for the Git extension to open its repositories at start-up. */
const GIT_START_TIMEOUT_MS = 20_000;

interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitAPI;
}

/** The query of a `git:` URI (what the Git extension's toGitUri writes): the file's fsPath and the ref. */
export interface GitUriQuery {
  path: string;
  ref: string;
}

export function parseGitUri(uri: vscode.Uri): GitUriQuery | undefined {
  if (uri.scheme !== 'git') return undefined;
  try {
    const query: unknown = JSON.parse(uri.query);
    if (typeof query === 'object' && query !== null) {
      const { path, ref } = query as Record<string, unknown>;
      if (typeof path === 'string' && typeof ref === 'string') return { path, ref };
    }
  } catch {
    // not a Git extension URI
  }
  return undefined;
}

/** How people read the refs of a git: URI: '' is the index, '~' the index or HEAD. */
export function describeRef(ref: string): string {
  if (ref === '') return 'the index (staged)';
  if (ref === '~') return 'the index or HEAD';
  if (/^~\d$/.test(ref)) return `merge stage ${ref.slice(1)}`;
  return /^[0-9a-f]{40}$/i.test(ref) ? ref.slice(0, 8) : ref;
}

/**
 * The Git API once the extension is enabled and initialised, or undefined with the reason
 * (not installed, disabled by `git.enabled`, still starting).
 */
export async function gitApi(): Promise<{ api?: GitAPI; why?: string }> {
  const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!extension) return { why: 'the built-in Git extension (vscode.git) is not installed or is disabled' };
  const exports = extension.isActive ? extension.exports : await extension.activate();
  if (!exports.enabled) return { why: 'Git is disabled (setting "git.enabled")' };
  let api: GitAPI;
  try {
    api = exports.getAPI(1);
  } catch (e) {
    // getAPI throws when the extension found no git executable.
    return { why: `the Git extension is not available (${e instanceof Error ? e.message : String(e)})` };
  }
  if (api.state !== 'initialized') {
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), GIT_START_TIMEOUT_MS);
      const sub = api.onDidChangeState((s) => s === 'initialized' && done(true));
      function done(ok: boolean): void {
        clearTimeout(timer);
        sub.dispose();
        resolve(ok);
      }
    });
    if (!ready) return { why: `the Git extension did not finish starting within ${GIT_START_TIMEOUT_MS / 1000} s` };
  }
  return { api };
}
