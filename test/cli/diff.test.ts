// `unlearn diff`, `diff --all` and `audit --all` on real git repositories made in temp folders
// (git init, commit base, change the list and the dataset, commit head); git is never mocked.

import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { parseDataset } from '../../src/engine/dataset';
import { addRows, emptyForgetList, serializeForgetList } from '../../src/engine/forgetList';
import { commitAll, git, initRepo, makeReviewRepo, repoRoot, runCli } from './reviewHelpers';

function json(r: { code: number; stdout: string; stderr: string }) {
  assert.ok(r.stdout.startsWith('{'), `not JSON (exit ${r.code}): ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout);
}

describe('unlearn diff (real git repositories)', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'unlearn-diff-'));
    makeReviewRepo(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists added, removed, reason-changed and stale entries with their rows content, and audits both sides', () => {
    const out = json(runCli(dir, 'diff', 'data/paper.csv', '--base', 'HEAD~1', '--json'));
    assert.equal(out.exitCode, 0);
    const [d] = out.datasets;
    assert.deepEqual(d.diff.counts, { added: 2, removed: 1, reasonChanged: 1, turnedStale: 1, rematched: 0 });
    const byKind = (k: string) => d.diff.changes.filter((c: { kinds: string[] }) => c.kinds.includes(k));
    const added = byKind('added');
    assert.deepEqual(added.map((c: any) => c.head.row.row), [151, 152]);
    assert.equal(added[0].head.row.preview, 'id=151, x=6.412, y=8.904, source=sensor-B');
    assert.equal(added[0].by, 'dana');
    assert.equal(added[0].added, '2026-12-01');
    assert.equal(byKind('removed')[0].base.row.preview, 'id=80, x=6.488, y=8.282, source=sensor-B');
    assert.match(byKind('reasonChanged')[0].reason, /confirmed by the vendor/);
    const stale = byKind('turnedStale')[0];
    assert.equal(stale.head.row, undefined);
    assert.equal(stale.base.row.row, 81);
    // Both audits ran on their own side's bytes.
    assert.equal(d.base.dataset.rows, 150);
    assert.equal(d.head.dataset.rows, 152);
    assert.equal(d.head.dataset.staleForgetEntries, 1);
    assert.ok(d.base.after.fairR2 > d.head.after.fairR2, 'marking row 80 as wanted again drags the fit');
  });

  it('prints the change and the metrics side by side in words', () => {
    const r = runCli(dir, 'diff', 'data/paper.csv', '--base', 'HEAD~1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Forget list: 30 → 31 entries: 2 added, 1 removed, 1 reason changed, 1 turned stale/);
    assert.match(r.stdout, /row 151, line 152: id=151, x=6\.412, y=8\.904, source=sensor-B — “sensor B was miscalibrated \(ticket DATA-112\)” \(2026-12-01 by dana\)/);
    assert.match(r.stdout, /stale \(was row 81, line 82\): id=81/);
    assert.match(r.stdout, /Fair R² after EMSE\s+0\.984\s+0\.822\s+−0\.162/);
    assert.match(r.stdout, /Stale entries\s+0\s+1\s+\+1/);
  });

  it('gates: each fails with exit code 2 and says why, and passes when within its limit', () => {
    const gate = (...args: string[]) => runCli(dir, 'diff', 'data/paper.csv', '--base', 'HEAD~1', ...args);
    const stale = gate('--fail-on-stale');
    assert.equal(stale.code, 2);
    assert.match(stale.stdout, /FAILED\s+--fail-on-stale: 1 forget-list entry matches no row of the dataset \(stale\)/);
    assert.equal(gate('--max-new-unwanted', '1').code, 2);
    assert.match(gate('--max-new-unwanted', '1').stdout, /2 new forget-list entries, more than the allowed 1/);
    assert.equal(gate('--max-new-unwanted', '2').code, 0);
    const distance = gate('--max-distance-to-retrain', '0.001');
    assert.equal(distance.code, 2);
    assert.match(distance.stdout, /distance to exact retraining is 0\.015, above the allowed 0\.001/);
    assert.equal(gate('--max-distance-to-retrain', '0.5').code, 0);
    const fair = gate('--min-fair-r2', '0.9');
    assert.equal(fair.code, 2);
    assert.match(fair.stdout, /0\.822/);
    assert.equal(gate('--min-fair-r2', '0.5').code, 0);
    assert.match(gate('--max-new-unwanted', 'x').stderr, /--max-new-unwanted must be a number/);
    assert.equal(gate('--max-new-unwanted', '1.5').code, 1);
  });

  it('takes an older forget list file as --base, compared on the same dataset', () => {
    const older = join(dir, 'older.forget.json');
    writeFileSync(older, git(dir, 'show', 'HEAD~1:data/paper.csv.forget.json'));
    const out = json(runCli(dir, 'diff', 'data/paper.csv', '--base', older, '--json'));
    // Row 81 was edited in the dataset, so its entry is stale on both sides: not "turned stale".
    assert.deepEqual(out.datasets[0].diff.counts, { added: 2, removed: 1, reasonChanged: 1, turnedStale: 0, rematched: 0 });
    assert.equal(out.datasets[0].base.dataset.rows, 152);
    rmSync(older);
  });

  it('reads head from --head <ref>, not from the working tree', () => {
    const list = join(dir, 'data', 'paper.csv.forget.json');
    const saved = readFileSync(list, 'utf8');
    writeFileSync(list, '{ not json');
    try {
      const committed = runCli(dir, 'diff', 'data/paper.csv', '--base', 'HEAD~1', '--head', 'HEAD', '--json');
      assert.equal(committed.code, 0, committed.stderr);
      assert.equal(json(committed).head, 'HEAD');
      const worktree = runCli(dir, 'diff', 'data/paper.csv', '--base', 'HEAD~1');
      assert.equal(worktree.code, 1);
      assert.match(worktree.stderr, /paper\.csv\.forget\.json:1: not valid JSON/);
    } finally {
      writeFileSync(list, saved);
    }
  });

  it('reports entries re-matched to another row when rows are inserted above them', () => {
    const work = mkdtempSync(join(tmpdir(), 'unlearn-diff-rematch-'));
    try {
      makeReviewRepo(work);
      const csv = join(work, 'data', 'paper.csv');
      const [header, ...rows] = readFileSync(csv, 'utf8').split('\n');
      writeFileSync(csv, [header, '0,0.001,2.0,field-team', ...rows].join('\n'));
      commitAll(work, 'A row at the top');
      const out = json(runCli(work, 'diff', 'data/paper.csv', '--base', 'HEAD~1', '--json'));
      const d = out.datasets[0];
      assert.equal(d.diff.counts.rematched, 30, 'every matched entry moved down one row');
      assert.equal(d.diff.counts.added + d.diff.counts.removed + d.diff.counts.turnedStale, 0);
      const moved = d.diff.changes[0];
      assert.equal(moved.head.row.row, moved.base.row.row + 1);
      assert.equal(d.head.dataset.unwanted, d.base.dataset.unwanted);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('treats a dataset and list new at head as all added', () => {
    const work = mkdtempSync(join(tmpdir(), 'unlearn-diff-new-'));
    try {
      initRepo(work);
      writeFileSync(join(work, 'README'), 'x\n');
      commitAll(work, 'empty');
      copyFileSync(join(repoRoot, 'samples', 'sensors.jsonl'), join(work, 'sensors.jsonl'));
      copyFileSync(join(repoRoot, 'samples', 'sensors.jsonl.forget.json'), join(work, 'sensors.jsonl.forget.json'));
      const out = json(runCli(work, 'diff', 'sensors.jsonl', '--base', 'HEAD', '--json'));
      const d = out.datasets[0];
      assert.equal(d.base, undefined);
      assert.equal(d.diff.counts.added, 6);
      // JSONL content by flattened dot path.
      assert.match(d.diff.changes[0].head.row.preview, /^id=\d+, time=[^,]+, device=probe-9, reading\.temp=[\d.]+, reading\.humidity=/);
      assert.match(runCli(work, 'diff', 'sensors.jsonl', '--base', 'HEAD').stdout, /new at head/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('says clearly what is wrong with the refs and exits 1', () => {
    const unknown = runCli(dir, 'diff', 'data/paper.csv', '--base', 'no-such-branch');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown git ref "no-such-branch"/);
    assert.equal(unknown.stderr.trim().split('\n').length, 1);
    assert.match(runCli(dir, 'diff', 'data/paper.csv', '--base', '--upload-pack=x').stderr, /not a git ref|needs a value/);
    assert.match(runCli(dir, 'diff', 'data/paper.csv').stderr, /diff needs --base/);
    const outside = mkdtempSync(join(tmpdir(), 'unlearn-nogit-'));
    try {
      copyFileSync(join(repoRoot, 'samples', 'paper.csv'), join(outside, 'paper.csv'));
      const r = runCli(outside, 'diff', 'paper.csv', '--base', 'main');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /not inside a git repository/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('diff --all reviews every forget list under a folder, skips unchanged ones and exits with the worst code', () => {
    const out = json(runCli(dir, 'diff', '--all', '--base', 'HEAD~1', '--json'));
    assert.deepEqual(out.datasets.map((d: any) => [d.dataset, d.status]), [['data/paper.csv', 'changed'], ['data/sensors.jsonl', 'unchanged']]);
    assert.equal(out.exitCode, 0);
    assert.equal(runCli(dir, 'diff', '--all', '--base', 'HEAD~1', '--fail-on-stale').code, 2);
    const text = runCli(dir, 'diff', '--all', 'data', '--base', 'HEAD~1').stdout;
    assert.match(text, /data\/sensors\.jsonl: unchanged/);
    assert.match(runCli(dir, 'diff', '--all', '--base', 'HEAD~1', '--where', 'y > 1').stderr, /cannot be used with diff --all/);
  });

  it('diff --all reports a list deleted at head, and a broken list without hiding the others', () => {
    const work = mkdtempSync(join(tmpdir(), 'unlearn-diff-all-'));
    try {
      makeReviewRepo(work);
      rmSync(join(work, 'data', 'sensors.jsonl.forget.json'));
      mkdirSync(join(work, 'broken'));
      writeFileSync(join(work, 'broken', 'b.csv'), 'x,y\n1,2\n');
      writeFileSync(join(work, 'broken', 'b.csv.forget.json'), '{"version": 2}');
      const r = runCli(work, 'diff', '--all', '--base', 'HEAD', '--json');
      assert.equal(r.code, 1, 'bad input outranks the rest');
      const out = json(r);
      const byList = Object.fromEntries(out.datasets.map((d: any) => [d.forgetList, d]));
      assert.equal(byList['broken/b.csv.forget.json'].status, 'error');
      assert.match(byList['broken/b.csv.forget.json'].error, /unsupported version 2/);
      const sensors = byList['data/sensors.jsonl.forget.json'];
      assert.equal(sensors.status, 'changed');
      assert.equal(sensors.diff.counts.removed, 6);
      assert.equal(sensors.diff.headHasList, false);
      assert.equal(byList['data/paper.csv.forget.json'].status, 'unchanged');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('unlearn diff --markdown (rendered as GitHub would)', function () {
  this.timeout(60000);
  // GitHub-flavoured: raw HTML allowed (GitHub then sanitises it), bare URLs linked.
  const render = (text: string) => new MarkdownIt({ html: true, linkify: true }).render(text);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'unlearn-md-'));
    initRepo(dir);
    writeFileSync(join(dir, 'a.csv'), 'note,x,y\nplain,1,1\nplain,2,2\nplain,3,3\nplain,4,4\nplain,5,5.2\n');
    commitAll(dir, 'base');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A dataset whose text cells are `hostile`, all marked with `hostile` as reasons and `by`; the review's HTML. */
  function reviewOf(hostile: string[], by: string): string {
    const rows = hostile.map((h, i) => `"${h.replace(/"/g, '""')}",${10 + i},${(i * 1.7) % 5}`);
    writeFileSync(join(dir, 'a.csv'), 'note,x,y\nplain,1,1\nplain,2,2\nplain,3,3\nplain,4,4\nplain,5,5.2\n' + rows.join('\n') + '\n');
    const md = join(dir, 'review.md');
    const ds = parseDataset(readFileSync(join(dir, 'a.csv'), 'utf8'), 'a.csv');
    let list = emptyForgetList('a.csv');
    hostile.forEach((h, i) => (list = addRows(list, ds, [5 + i], h, '2026-12-01')));
    list.entries = list.entries.map((e) => ({ ...e, by }));
    writeFileSync(join(dir, 'a.csv.forget.json'), serializeForgetList(list));
    const r = runCli(dir, 'diff', 'a.csv', '--base', 'HEAD', '--markdown', md);
    assert.equal(r.code, 0, r.stderr);
    return render(readFileSync(md, 'utf8'));
  }

  it('keeps every piece of dataset and forget-list text inert', () => {
    const hostile = [
      '<img src=x onerror=alert(1)>',
      '[click](javascript:alert(1))',
      '![i](x.png)',
      '**bold** _it_ `code` | cell',
      '</details><script>alert(1)</script>',
      '<!-- comment',
    ];
    const html = reviewOf(hostile, '<b>x</b> [y](z)');
    assert.doesNotMatch(html, /<img|<script|<a |<strong>bold|<em>it|<code>code|<b>x|<!--/);
    assert.equal((html.match(/<details>/g) ?? []).length, (html.match(/<\/details>/g) ?? []).length);
    // The added-rows table keeps one row per entry: no dataset text ended a row or the table.
    const added = html.split('Added (6)')[1].split('</table>')[0];
    assert.equal((added.match(/<tr>/g) ?? []).length, 1 + hostile.length);
    for (const h of ['onerror=alert(1)', 'javascript:alert(1)', '![i](x.png)']) assert.ok(html.includes(h), `${h} shown as text`);
  });

  it('does not let bare URLs in dataset text become links (GitHub autolinks them)', () => {
    const html = reviewOf(['see https://evil.invalid/x', 'www.evil.invalid', 'mail x@evil.invalid'], 'https://evil.invalid/by');
    assert.doesNotMatch(html, /<a /);
  });

  it('stays under GitHub’s comment limit on a huge change, with long lists folded and summarised', () => {
    const lines = ['note,x,y'];
    for (let i = 0; i < 4000; i++) lines.push(`${'long text '.repeat(8)}${i},${i / 100},${Math.sin(i / 50) + (i % 2 ? 5 : 0)}`);
    writeFileSync(join(dir, 'a.csv'), lines.join('\n') + '\n');
    const ds = parseDataset(readFileSync(join(dir, 'a.csv'), 'utf8'), 'a.csv');
    const odd = Array.from({ length: 2000 }, (_, k) => 2 * k + 1);
    writeFileSync(join(dir, 'a.csv.forget.json'), serializeForgetList(addRows(emptyForgetList('a.csv'), ds, odd, 'odd rows', '2026-12-01')));
    const md = join(dir, 'big.md');
    const r = runCli(dir, 'diff', 'a.csv', '--base', 'HEAD', '--markdown', md);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(md, 'utf8');
    assert.ok(text.length < 65536, `${text.length} characters`);
    assert.match(text, /<details>\n<summary>Added \(2000\)<\/summary>/);
    assert.match(text, /…and \d+ more/);
    assert.doesNotMatch(text, /<svg/i);
    const html = render(text);
    assert.match(html, /<table>/);
  });
});

describe('unlearn audit --all', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unlearn-all-'));
    mkdirSync(join(dir, 'a', 'deep'), { recursive: true });
    for (const f of ['paper.csv', 'paper.csv.forget.json']) copyFileSync(join(repoRoot, 'samples', f), join(dir, 'a', f));
    for (const f of ['sensors.jsonl', 'sensors.jsonl.forget.json']) copyFileSync(join(repoRoot, 'samples', f), join(dir, 'a', 'deep', f));
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'x', 'junk.csv.forget.json'), 'not looked at');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('audits every forget list under the folder in one table', () => {
    const r = runCli(dir, 'audit', '--all');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Unlearn audit of 2 forget lists under \./);
    assert.match(r.stdout, /a\/paper\.csv\s+150\s+30\s+0\s+0\.350 → 0\.984\s+0\.003\s+pass/);
    assert.match(r.stdout, /a\/deep\/sensors\.jsonl\s+60\s+6\s+0/);
    const out = json(runCli(dir, 'audit', '--all', 'a', '--json'));
    assert.deepEqual(out.lists.map((l: any) => l.dataset), ['a/deep/sensors.jsonl', 'a/paper.csv']);
  });

  it('exits with the worst code: a failed gate gives 2, an unreadable list 1, and the rest are still audited', () => {
    assert.equal(runCli(dir, 'audit', '--all', '--min-fair-r2', '0.95').code, 2, 'sensors: Fair R² 0.928');
    appendFileSync(join(dir, 'a', 'deep', 'sensors.jsonl.forget.json'), 'garbage');
    const r = runCli(dir, 'audit', '--all', '--min-fair-r2', '0.99');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /error: .*sensors\.jsonl\.forget\.json:\d+: not valid JSON/);
    assert.match(r.stdout, /a\/paper\.csv: FAIL/);
  });

  it('follows --forget-pattern, and says so when nothing matches', () => {
    const r = runCli(dir, 'audit', '--all', '--forget-pattern', '.unlearn/${baseName}.forget.json');
    assert.equal(r.code, 0, r.stderr); // the default-named files fit ${baseName}.forget.json too
    const none = runCli(dir, 'audit', '--all', '--forget-pattern', '${fileName}.marks.json');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no forget lists \(\$\{fileName\}\.marks\.json\) found/);
  });
});
