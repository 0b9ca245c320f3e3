// "Unlearn: Review Forget List Changes" in the real editor, on a real git repository: a base
// commit of the sample, then a head commit that adds, removes and re-words entries, edits a
// listed row (stale) and inserts a row above the others (re-matched). The review read through
// the Git extension's API must equal the engine's diff of the same two sides read with the git
// binary here, and both sides' audits must equal the engine's audit of those bytes.

import * as assert from 'assert/strict';
import { execFileSync } from 'child_process';
import * as vscode from 'vscode';
import { parseDataset } from '../../src/engine/dataset';
import { diffForgetLists } from '../../src/engine/forgetDiff';
import { addRows, parseForgetList, serializeForgetList } from '../../src/engine/forgetList';
import { auditText } from '../../src/engine/pipeline';
import type { ReviewSnapshot } from '../../src/reviewChanges';
import { makeRepo, type TestRepo } from './gitRepo';
import { activate, readText, waitFor, writeText } from './helpers';

const LIST = 'paper.csv.forget.json';

function snapshot(dataset: vscode.Uri): Thenable<ReviewSnapshot | undefined> {
  return vscode.commands.executeCommand<ReviewSnapshot | undefined>('unlearn._reviewSnapshot', dataset);
}

/** Runs the command with a ref (no quick pick) and waits until both audits are done. */
async function review(dataset: vscode.Uri, ref: string): Promise<ReviewSnapshot> {
  await vscode.commands.executeCommand('unlearn.reviewForgetListChanges', dataset, ref);
  return waitFor(
    `the review against ${ref}`,
    async () => {
      const snap = await snapshot(dataset);
      if (snap?.error) assert.fail(snap.error);
      return snap?.ref === ref && snap.audit?.state === 'done' ? snap : undefined;
    },
    60_000,
  );
}

describe('Review forget list changes', () => {
  let repo: TestRepo;
  let dataset: vscode.Uri;
  let baseCsv: string;
  let baseList: string;
  let headCsv: string;
  let headList: string;

  before(async function () {
    this.timeout(90_000);
    await activate();
    repo = await makeRepo('review-repo', ['paper.csv', LIST]);
    dataset = repo.file('paper.csv');
    repo.git('tag', 'base');
    baseCsv = await readText(dataset);
    baseList = await readText(repo.file(LIST));

    // Head: a new row inserted after the header (every row moves down one), row 81 (line 82) edited.
    const lines = baseCsv.split('\n');
    const edited = lines[81].split(',');
    edited[2] = String(Number(edited[2]) + 1000);
    lines[81] = edited.join(',');
    lines.splice(1, 0, '0,0.001,2.5,inserted');
    headCsv = lines.join('\n');
    const list = parseForgetList(baseList, LIST);
    list.entries = list.entries.filter((e) => e.row !== 77); // removed
    list.entries = list.entries.map((e) => (e.row === 80 ? { ...e, reason: 'duplicate of row 79' } : e)); // reason changed
    headList = serializeForgetList(addRows(list, parseDataset(headCsv, 'paper.csv'), [5], 'consent withdrawn', '2026-12-01')); // added: row 6 of head
    await writeText(dataset, headCsv);
    await writeText(repo.file(LIST), headList);
    repo.git('commit', '-q', '-am', 'head: change the forget list and the dataset');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows what changed against a tag, as the engine diffs the two commits', async function () {
    this.timeout(90_000);
    const snap = await review(dataset, 'base');
    assert.ok(snap.state);
    // The same two sides, read with the git binary, through the engine.
    const show = (path: string) => execFileSync('git', ['show', `base:${path}`], { cwd: repo.root.fsPath, encoding: 'utf8' });
    const expected = diffForgetLists(
      { dataset: parseDataset(show('paper.csv'), 'paper.csv'), list: parseForgetList(show(LIST), LIST) },
      { dataset: parseDataset(headCsv, 'paper.csv'), list: parseForgetList(headList, LIST) },
    );
    assert.deepEqual(JSON.parse(JSON.stringify(snap.state.diff)), JSON.parse(JSON.stringify(expected)));
    const { counts } = snap.state.diff;
    assert.equal(counts.added, 1);
    assert.equal(counts.removed, 1);
    assert.equal(counts.reasonChanged, 1);
    assert.equal(counts.turnedStale, 1);
    assert.equal(counts.rematched, 28, 'every entry still matched moved down a row');
    const added = snap.state.diff.changes.find((c) => c.kinds.includes('added'));
    assert.equal(added?.head?.row?.row, 6);
    assert.match(added?.head?.row?.preview ?? '', /^id=5, x=/);
    const removed = snap.state.diff.changes.find((c) => c.kinds.includes('removed'));
    assert.equal(removed?.base?.row?.row, 77);
    assert.match(snap.state.baseLabel, /^base \([0-9a-f]{8}: base: the samples\)$/);
    assert.equal(snap.state.headLabel, 'working tree');
  });

  it('audits both sides with the engine\'s numbers: base → head', async function () {
    this.timeout(90_000);
    const snap = await review(dataset, 'base');
    assert.ok(snap.audit?.state === 'done');
    assert.ok(snap.audit.base && snap.audit.head, `both audits ran (${snap.audit.baseError ?? ''} ${snap.audit.headError ?? ''})`);
    const engine = (text: string, list: string) =>
      auditText({ text, fileName: 'paper.csv', path: 'paper.csv', forgetList: parseForgetList(list, LIST), defaults: { degree: 3, sigma: 'auto', lambda: 1 }, sweep: [] }).result;
    const base = engine(baseCsv, baseList);
    const head = engine(headCsv, headList);
    assert.equal(snap.audit.base.unwanted, 30);
    assert.equal(snap.audit.head.unwanted, 29, '30 − 1 removed − 1 stale + 1 added');
    assert.equal(snap.audit.base.fairR2, base.after.fairR2);
    assert.equal(snap.audit.head.fairR2, head.after.fairR2);
    assert.equal(snap.audit.base.distanceToRetrain, base.diagnostics.distanceToRetrain);
    assert.equal(snap.audit.head.distanceToRetrain, head.diagnostics.distanceToRetrain);
    assert.notEqual(snap.audit.base.fairR2, snap.audit.head.fairR2);
  });

  it('shows no change against HEAD, and goes stale when the list changes on disk', async function () {
    this.timeout(90_000);
    const snap = await review(dataset, 'HEAD');
    assert.deepEqual(snap.state?.diff.changes, []);
    assert.equal(snap.state?.diff.unchanged, 30);
    await writeText(repo.file(LIST), baseList);
    try {
      await waitFor('the review to notice the change', async () => ((await snapshot(dataset))?.stale ? true : undefined));
      const again = await review(dataset, 'HEAD');
      assert.ok((again.state?.diff.changes.length ?? 0) > 0, 'a refresh compares the new working tree');
    } finally {
      await writeText(repo.file(LIST), headList);
    }
  });

  it('says when the list and dataset did not exist at the ref: every entry is new', async function () {
    this.timeout(90_000);
    const extra = repo.file('extra.csv');
    await vscode.workspace.fs.copy(dataset, extra);
    await vscode.workspace.fs.copy(repo.file(LIST), repo.file('extra.csv.forget.json'));
    await writeText(repo.file('extra.csv.forget.json'), (await readText(repo.file(LIST))).replace('"dataset": "paper.csv"', '"dataset": "extra.csv"'));
    const snap = await review(extra, 'HEAD');
    assert.deepEqual(snap.state?.notes, [
      'There was no extra.csv.forget.json at HEAD: every entry is new.',
      'extra.csv did not exist at HEAD; the base side is matched against the working-tree dataset.',
    ]);
    assert.equal(snap.state?.diff.counts.added, 30);
    assert.equal(snap.state?.diff.baseHasList, false);
    assert.ok(snap.audit?.state === 'done');
    assert.equal(snap.audit.base?.unwanted, 0, snap.audit.baseError);
    // The head list's 30 entries on the head dataset: one (the edited row) is stale.
    assert.equal(snap.audit.head?.unwanted, 29, snap.audit.headError);
  });

  it('refuses an unknown ref with a clear message', async () => {
    await vscode.commands.executeCommand('unlearn.reviewForgetListChanges', dataset, 'no-such-ref');
    const snap = await waitFor('the review error', async () => {
      const s = await snapshot(dataset);
      return s?.ref === 'no-such-ref' && s.error ? s : undefined;
    });
    assert.match(snap.error ?? '', /"no-such-ref" is not a commit, branch or tag/);
  });
});
