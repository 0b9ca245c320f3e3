// A real git repository in the test workspace for the review suites: made with the git
// binary (the test may shell out; the extension may not), then found by the built-in Git
// extension the way a user's repository is: by its own discovery, which the suites wait for.

import * as assert from 'assert/strict';
import { execFileSync } from 'child_process';
import * as vscode from 'vscode';
import type { GitAPI, Repository } from '../../src/gitApi';
import { gitApi } from '../../src/gitApi';
import { waitFor, workspaceUri } from './helpers';

let repoCount = 0;

export interface TestRepo {
  root: vscode.Uri;
  api: GitAPI;
  repository: Repository;
  git(...args: string[]): string;
  file(...segments: string[]): vscode.Uri;
}

/** `workspace/<name>-<n>/` with the given samples copied in and committed as the first commit. */
export async function makeRepo(name: string, samples: string[]): Promise<TestRepo> {
  const root = workspaceUri(`${name}-${++repoCount}`);
  await vscode.workspace.fs.createDirectory(root);
  for (const sample of samples) await vscode.workspace.fs.copy(workspaceUri('samples', sample), vscode.Uri.joinPath(root, sample));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Reviewer', '-c', 'user.email=reviewer@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
      cwd: root.fsPath,
      encoding: 'utf8',
    });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'base: the samples');
  const { api, why } = await gitApi();
  assert.ok(api, `the Git extension is available (${why})`);
  const repository = await waitFor(
    `the Git extension to discover ${root.fsPath}`,
    () => api.repositories.find((r) => r.rootUri.fsPath === root.fsPath),
    30_000,
  );
  return { root, api, repository, git, file: (...segments) => vscode.Uri.joinPath(root, ...segments) };
}
