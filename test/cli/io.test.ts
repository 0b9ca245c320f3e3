// The CLI's file handling on real files: FIFOs (mkfifo), devices, folders, symbolic and hard
// links, encodings, parse problems, outputs that would overwrite inputs, atomic writes.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeJson } from '../../src/jsonOut';
import { writeFileAtomic } from '../../src/nodeFiles';

const repo = resolve(__dirname, '../../..');
const cli = join(repo, 'dist', 'cli.js');

function run(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, timeout: 20000, maxBuffer: 1 << 28 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 1 with one sentence on stderr that mentions each of `mentions`. */
function assertRefused(r: { code: number; stderr: string }, ...mentions: (string | RegExp)[]) {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at |EISDIR|ENOENT/);
  for (const m of mentions) assert.match(r.stderr, typeof m === 'string' ? new RegExp(m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : m);
}

function csv(rows: number, eol = '\n'): string {
  const lines = ['id,x,y,group'];
  for (let i = 1; i <= rows; i++) {
    const x = (i / rows) * 4 - 2;
    const bad = i % 10 === 0;
    lines.push(`${i},${x.toFixed(4)},${(x * x + (bad ? 3 : 0) + 0.01 * Math.sin(i)).toFixed(4)},${bad ? 'bad' : 'ok'}`);
  }
  return lines.join(eol) + eol;
}

/** The temp files an atomic write leaves in `dir`, if any. */
function temps(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.includes('.unlearn-tmp-') || n.includes('.tmp-'));
}

describe('CLI file input and output', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unlearn-io-'));
    writeFileSync(join(dir, 'data.csv'), csv(60));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('inputs that are not regular files', () => {
    it('refuses a FIFO as dataset or forget list at once instead of hanging', () => {
      execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
      assertRefused(run(dir, 'audit', 'pipe.csv'), 'pipe.csv', 'named pipe (FIFO)');
      assertRefused(run(dir, 'parse', 'pipe.csv'), 'named pipe (FIFO)');
      assertRefused(run(dir, 'audit', 'data.csv', '--forget', 'pipe.csv'), 'pipe.csv', 'named pipe (FIFO)');
      // The default forget list path being a FIFO is refused too, not waited on.
      execFileSync('mkfifo', [join(dir, 'data.csv.forget.json')]);
      assertRefused(run(dir, 'audit', 'data.csv'), 'data.csv.forget.json', 'named pipe (FIFO)');
    });

    it('refuses a device and a folder with a sentence', () => {
      assertRefused(run(dir, 'audit', '/dev/null'), '/dev/null', 'character device');
      mkdirSync(join(dir, 'folder.csv'));
      assertRefused(run(dir, 'audit', 'folder.csv'), 'folder.csv', 'is a folder');
      assertRefused(run(dir, 'audit', 'data.csv', '--forget', 'folder.csv'), 'is a folder');
    });

    it('treats a forget list that is a dangling symbolic link as an error, not as absent', () => {
      symlinkSync(join(dir, 'gone.forget.json'), join(dir, 'data.csv.forget.json'));
      assertRefused(run(dir, 'audit', 'data.csv'), 'data.csv.forget.json', 'symbolic link', 'does not exist');
      symlinkSync('nowhere.json', join(dir, 'other.json'));
      assertRefused(run(dir, 'audit', 'data.csv', '--forget', 'other.json'), 'other.json', 'symbolic link to nowhere.json');
      // An absent list (no link at all) is still "no forget list".
      rmSync(join(dir, 'data.csv.forget.json'));
      assert.equal(run(dir, 'audit', 'data.csv', '--where', 'group == "bad"').code, 0);
    });

    it('follows a symbolic link to a real dataset', () => {
      symlinkSync(join(dir, 'data.csv'), join(dir, 'link.csv'));
      assert.equal(run(dir, 'audit', 'link.csv', '--where', 'group == "bad"').code, 0);
    });
  });

  describe('encodings', () => {
    it('refuses a Latin-1 dataset with the line of the first bad byte', () => {
      const latin1 = Buffer.concat([Buffer.from('x,y,name\n1,2,a\n2,3,b\n3,5,caf'), Buffer.from([0xe9]), Buffer.from('\n4,9,d\n')]);
      writeFileSync(join(dir, 'latin1.csv'), latin1);
      assertRefused(run(dir, 'audit', 'latin1.csv'), 'latin1.csv:4:', 'not valid UTF-8', 'Latin-1');
    });

    it('refuses a Latin-1 forget list (its reasons would be rewritten as U+FFFD)', () => {
      const list = JSON.stringify({ version: 1, dataset: 'data.csv', model: {}, entries: [] }).replace('[]', '[]\n');
      writeFileSync(join(dir, 'data.csv.forget.json'), Buffer.concat([Buffer.from(list), Buffer.from([0x20, 0xe9, 0x0a])]));
      assertRefused(run(dir, 'audit', 'data.csv'), 'data.csv.forget.json:2:', 'not valid UTF-8');
    });

    it('audits UTF-16 LE and BE files (with a BOM) like their UTF-8 twin', () => {
      const text = readFileSync(join(dir, 'data.csv'), 'utf8');
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      const be = Buffer.from(le);
      be.swap16();
      writeFileSync(join(dir, 'le.csv'), le);
      writeFileSync(join(dir, 'be.csv'), be);
      const expected = JSON.parse(run(dir, 'audit', 'data.csv', '--where', 'group == "bad"', '--json').stdout);
      for (const file of ['le.csv', 'be.csv']) {
        const r = run(dir, 'audit', file, '--where', 'group == "bad"', '--json');
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.deepEqual(out.after, expected.after);
        assert.equal(out.dataset.unwanted, 6);
      }
    });
  });

  describe('parse problems', () => {
    const broken = 'x,y\n1,2\n2,3\n3,"5\n4,9\n5,1\n6,7,8\n7,4\n';

    it('lists them in the text, JSON and report of an audit, and --strict makes them an error', () => {
      writeFileSync(join(dir, 'broken.csv'), broken);
      const text = run(dir, 'audit', 'broken.csv');
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /parse problems: 2 /);
      assert.match(text.stdout, /broken\.csv:4: unterminated quoted field/);
      assert.match(text.stdout, /broken\.csv:7: row has 3 cells, header has 2/);

      const json = JSON.parse(run(dir, 'audit', 'broken.csv', '--json').stdout);
      assert.equal(json.parseProblems.count, 2);
      assert.deepEqual(json.parseProblems.first.map((p: { line: number }) => p.line), [4, 7]);

      assert.equal(run(dir, 'audit', 'broken.csv', '--report', 'report.md').code, 0);
      const report = readFileSync(join(dir, 'report.md'), 'utf8');
      assert.match(report, /## Parse problems/);
      assert.match(report, /- line 4: unterminated quoted field/);

      assertRefused(run(dir, 'audit', 'broken.csv', '--strict'), 'broken.csv:4:', 'unterminated quoted field', '1 more', '--strict');
      assert.equal(run(dir, 'audit', 'data.csv', '--strict').code, 0);
    });

    it('counts problems beyond the listed ones, and invalid JSONL lines', () => {
      const lines = ['x,y'];
      for (let i = 0; i < 1500; i++) lines.push(`${i},${i % 7},extra`);
      for (let i = 0; i < 20; i++) lines.push(`${i},${i % 5}`);
      writeFileSync(join(dir, 'ragged.csv'), lines.join('\n'));
      const json = JSON.parse(run(dir, 'audit', 'ragged.csv', '--json').stdout);
      assert.equal(json.parseProblems.count, 1500);
      assert.equal(json.parseProblems.first.length, 10);
      writeFileSync(join(dir, 'rows.jsonl'), '{"x":1,"y":2}\n{"x":2,"y":3}\n{oops\n{"x":3,"y":5}\n{"x":4,"y":4}\n');
      const jl = JSON.parse(run(dir, 'audit', 'rows.jsonl', '--json').stdout);
      assert.equal(jl.parseProblems.count, 1);
      assert.equal(jl.parseProblems.first[0].line, 3);
    });
  });

  describe('outputs never overwrite an input', () => {
    function assertUnchanged(file: string, before: Buffer) {
      assert.deepEqual(readFileSync(file), before);
      assert.deepEqual(temps(dir), []);
    }

    it('refuses --report at the dataset, also through a relative path, a symbolic link or a hard link', () => {
      const data = join(dir, 'data.csv');
      const before = readFileSync(data);
      assertRefused(run(dir, 'audit', 'data.csv', '--report', 'data.csv'), 'would overwrite the dataset');
      assertRefused(run(dir, 'audit', 'data.csv', '--report', './sub/../data.csv'), 'would overwrite the dataset');
      mkdirSync(join(dir, 'sub'));
      assertRefused(run(join(dir, 'sub'), 'audit', '../data.csv', '--report', join(dir, 'data.csv')), 'would overwrite the dataset');
      symlinkSync(data, join(dir, 'alias.md'));
      assertRefused(run(dir, 'audit', 'data.csv', '--report', 'alias.md'), 'alias.md', 'would overwrite the dataset');
      linkSync(data, join(dir, 'hard.md'));
      assertRefused(run(dir, 'audit', 'data.csv', '--report', 'hard.md'), 'hard.md', 'would overwrite the dataset');
      symlinkSync(dir, join(dir, 'dirlink'));
      assertRefused(run(dir, 'audit', 'data.csv', '--report', 'dirlink/data.csv'), 'would overwrite the dataset');
      assertUnchanged(data, before);
    });

    it('refuses --report at the forget list, whether it exists, is given by --forget, or is a link to it', () => {
      assertRefused(run(dir, 'audit', 'data.csv', '--report', 'data.csv.forget.json'), 'would overwrite the forget list');
      const list = join(dir, 'list.json');
      writeFileSync(list, JSON.stringify({ version: 1, dataset: 'data.csv', model: {}, entries: [] }));
      const before = readFileSync(list);
      assertRefused(run(dir, 'audit', 'data.csv', '--forget', 'list.json', '--report', 'list.json'), 'would overwrite the forget list');
      linkSync(list, join(dir, 'list-hard.md'));
      assertRefused(run(dir, 'audit', 'data.csv', '--forget', 'list.json', '--report', 'list-hard.md'), 'would overwrite the forget list');
      assertUnchanged(list, before);
    });

    it('says in words when --report is a folder or in a missing folder, and leaves no temp file', () => {
      mkdirSync(join(dir, 'out'));
      assertRefused(run(dir, 'audit', 'data.csv', '--report', 'out'), 'out', 'is a folder');
      assertRefused(run(dir, 'audit', 'data.csv', '--report', 'missing/report.md'), 'missing/report.md', 'folder missing does not exist');
      assertRefused(run(dir, 'audit', 'data.csv', '--report', 'data.csv/report.md'), 'is a file, not a folder');
      assert.deepEqual(temps(dir), []);
      assert.deepEqual(readdirSync(join(dir, 'out')), []);
    });
  });

  describe('atomic writes', () => {
    it('keeps the mode of an existing report and writes through a symbolic link', () => {
      const report = join(dir, 'report.md');
      writeFileSync(report, 'old\n');
      chmodSync(report, 0o600);
      assert.equal(run(dir, 'audit', 'data.csv', '--report', 'report.md').code, 0);
      assert.equal(statSync(report).mode & 0o777, 0o600);
      assert.match(readFileSync(report, 'utf8'), /^# Unlearn audit/);

      symlinkSync('report.md', join(dir, 'latest.md'));
      writeFileSync(report, 'old\n');
      assert.equal(run(dir, 'audit', 'data.csv', '--report', 'latest.md').code, 0);
      assert.ok(statSync(join(dir, 'latest.md')).isFile());
      assert.match(readFileSync(report, 'utf8'), /^# Unlearn audit/);
      assert.deepEqual(temps(dir), []);
    });

    it('removes temp files a crashed earlier write left, keeps recent ones and other files', () => {
      const target = join(dir, 'out.md');
      const stale = join(dir, '.out.md.unlearn-tmp-0123456789abcdef');
      const fresh = join(dir, '.out.md.unlearn-tmp-fedcba9876543210');
      const other = join(dir, '.other.md.unlearn-tmp-0123456789abcdef');
      for (const f of [stale, fresh, other]) writeFileSync(f, 'half');
      const old = new Date(Date.now() - 3600_000);
      utimesSync(stale, old, old);
      utimesSync(other, old, old);
      utimesSync(fresh, new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
      writeFileAtomic(target, 'whole\n');
      assert.equal(readFileSync(target, 'utf8'), 'whole\n');
      assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.')).sort(), [
        '.other.md.unlearn-tmp-0123456789abcdef',
        '.out.md.unlearn-tmp-fedcba9876543210',
      ]);
    });

    it('never follows a link planted under the old predictable temp name, and leaves nothing when the write fails', () => {
      const victim = join(dir, 'victim.txt');
      writeFileSync(victim, 'precious\n');
      symlinkSync(victim, join(dir, `.out.md.tmp-${process.pid}`));
      writeFileAtomic(join(dir, 'out.md'), 'report\n');
      assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
      assert.equal(readFileSync(join(dir, 'out.md'), 'utf8'), 'report\n');

      mkdirSync(join(dir, 'locked'));
      chmodSync(join(dir, 'locked'), 0o500);
      const canWrite = spawnSync('sh', ['-c', `touch ${join(dir, 'locked', 'probe')}`]).status === 0; // root ignores modes
      if (!canWrite) {
        assert.throws(() => writeFileAtomic(join(dir, 'locked', 'r.md'), 'x'), /cannot be written: permission denied/);
        assert.deepEqual(readdirSync(join(dir, 'locked')), []);
      }
      chmodSync(join(dir, 'locked'), 0o700);
    });
  });

  describe('large JSON output', () => {
    it('streams --json with tens of thousands of unwanted rows as valid JSON, identical to JSON.stringify', () => {
      writeFileSync(join(dir, 'big.csv'), csv(60_000));
      const r = run(dir, 'audit', 'big.csv', '--where', 'group == "ok"', '--json');
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.unwantedRows.length, 54_000);
      assert.equal(r.stdout, JSON.stringify(out, null, 2) + '\n');
    });

    it('writeJson equals JSON.stringify for empty, small and batched arrays, indented or not', () => {
      for (const n of [0, 1, 3, 30_000]) {
        const items = Array.from({ length: n }, (_, i) => ({ row: i, text: `a "quoted" \n ${'x'.repeat(i % 50)}`, nested: { v: [i, null] } }));
        for (const indent of [0, 2]) {
          const value = { head: { unwantedRows: [] as number[] }, n, tail: 'end' };
          let out = '';
          writeJson(value, 'unwantedRows', items, (chunk) => (out += chunk), indent);
          assert.equal(out, JSON.stringify({ ...value, unwantedRows: items }, null, indent) + '\n', `n=${n} indent=${indent}`);
        }
      }
    });

    it('streams parse --json rows', () => {
      const r = run(dir, 'parse', 'data.csv', '--json');
      const out = JSON.parse(r.stdout);
      assert.equal(out.rows.length, 60);
      assert.deepEqual(out.rows[0], { row: 1, line: 2, values: readFileSync(join(dir, 'data.csv'), 'utf8').split('\n')[1].split(',') });
    });
  });
});
