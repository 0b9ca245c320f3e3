import assert from 'node:assert/strict';
import { auditText } from '../../src/engine/pipeline';
import { renderChartSvg, renderReport } from '../../src/engine/report';
import { verdict } from '../../src/engine/verdict';

/** A small dataset whose column names try to inject markup into the report. */
function hostileAudit() {
  const lines = ['id,"x<img src=q onerror=alert(1)>","y|`*"'];
  for (let i = 0; i < 40; i++) {
    const x = i / 4;
    const y = 1 + 0.5 * x + (i % 10 === 3 ? 4 : 0) + 0.05 * Math.sin(7 * i);
    lines.push(`${i + 1},${x},${y}`);
  }
  const unwanted = [4, 14, 24, 34];
  return auditText({ text: lines.join('\n'), fileName: 'evil<script>.csv', path: 'evil<script>.csv', unwantedRowNumbers: unwanted, overrides: { degree: 1 } });
}

describe('report', () => {
  const { result, points } = hostileAudit();

  it('escapes dataset text in Markdown and SVG', () => {
    const md = renderReport(result, points);
    assert.ok(!md.includes('<script>'), 'path is escaped');
    assert.ok(!md.includes('<img'), 'column names are escaped');
    assert.match(md, /x&#60;img/);
  });

  it('draws one cross per unwanted point and one circle per wanted point', () => {
    const svg = renderChartSvg(result, points);
    assert.equal((svg.match(/<circle [^>]*r="2.4"/g) ?? []).length, 36);
    assert.equal((svg.match(/m-3\.5 -3\.5l7 7/g) ?? []).length, 4);
    assert.equal((svg.match(/stroke-width="2.2"/g) ?? []).length, 6, 'three curves and their three legend marks');
  });

  it('lists unwanted rows with their recall and truncates long lists', () => {
    const md = renderReport(result, points, { maxRows: 2 });
    const rows = md.split('\n').filter((l) => /^\| \d+ \| \d+ \|/.test(l));
    assert.equal(rows.length, 2);
    assert.match(md, /…and 2 more rows/);
  });

  it('gives a verdict against a Fair R² threshold', () => {
    assert.equal(verdict(result).ok, true);
    assert.equal(verdict(result, result.after.fairR2 + 0.001).ok, false);
    assert.match(verdict(result, result.after.fairR2 - 0.001).text, /^PASS/);
  });
});
