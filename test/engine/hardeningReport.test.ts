// Issue 8, class 4: report injection. The report is rendered by a real Markdown renderer
// (markdown-it with raw HTML and autolinks on, as GitHub renders comments), and the structure
// of the result must not depend on the dataset's text: crafted column names, JSONL keys and
// paths give exactly the elements a plain dataset gives, and show as the text they are.

import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { parseDataset } from '../../src/engine/dataset';
import { escapeControls } from '../../src/engine/format';
import { inertMarkdown } from '../../src/engine/markdown';
import { auditText } from '../../src/engine/pipeline';
import { renderReport } from '../../src/engine/report';

const markdown = new MarkdownIt({ html: true, linkify: true });
type Token = ReturnType<typeof markdown.parse>[number];

const HOSTILE = [
  'a\n\n<img src=x onerror=alert(1)>',
  'b\r# PASS: faked heading',
  'c\r\n| forged | row |\n|---|---|',
  'd\u2028## heading\u2029> quote',
  '[click](https://evil.example/)',
  '![img](https://evil.example/x.png)',
  '<a href="https://evil.example">x</a>',
  'https://evil.example www.evil.example mail@evil.example report.md',
  '`code` *em* __strong__ ~~del~~ $x$ <https://evil.example>',
  '# heading',
  '1. list',
  '- item',
  '    indented code',
  '\u001b[31mred\u001b[0m \u009b2J \u202egnp.exe',
  '&lt;img&gt; &#60;b&#62; &amp;',
  '\\[x](y) \\\\',
  '<!-- comment',
  '</div><img src=x>\n\n<img src=y>',
  ']]><svg onload=alert(1)>',
  '***',
  'setext\n===',
  '[a](https://e.example "title") \'q\' "dq" <b title=\'x\'>',
];

/** Block and inline element structure of rendered Markdown; tags inside raw HTML blocks are listed too. */
function structure(tokens: Token[]): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    if (token.type === 'inline') {
      out.push(...structure(token.children ?? []));
    } else if (token.type === 'html_block' || token.type === 'html_inline') {
      const tags = token.content.match(/<\/?[a-zA-Z][\w-]*/g) ?? [];
      out.push(`${token.type}[${tags.join(' ')}]`);
    } else if (token.type !== 'text' && token.type !== 'text_special' && token.type !== 'softbreak') {
      out.push(`${token.type}:${token.tag}`);
    }
  }
  return out;
}

function csvField(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function csvText(xName: string, yName: string): string {
  const lines = [`id,${csvField(xName)},${csvField(yName)}`];
  for (let i = 0; i < 40; i++) lines.push(`${i + 1},${i / 4},${1 + 0.5 * (i / 4) + (i % 10 === 3 ? 4 : 0) + 0.05 * Math.sin(7 * i)}`);
  return lines.join('\n');
}

function jsonlText(xName: string, yName: string): string {
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    lines.push(JSON.stringify({ id: i + 1, [xName]: i / 4, [yName]: 1 + 0.5 * (i / 4) + (i % 10 === 3 ? 4 : 0) + 0.05 * Math.sin(7 * i) }));
  }
  return lines.join('\n');
}

function report(format: 'csv' | 'jsonl', path: string, xName: string, yName: string): string {
  const text = format === 'csv' ? csvText(xName, yName) : jsonlText(xName, yName);
  const fileName = `data.${format}`;
  // The columns as the parser names them (a CSV header is trimmed).
  const [, x, y] = parseDataset(text, fileName).columns;
  const { result, points } = auditText({
    text,
    fileName,
    path,
    unwantedRowNumbers: [4, 14, 24, 34],
    overrides: { x, y, degree: 1 },
  });
  return renderReport(result, points, { minFairR2: 0.5 });
}

/** The text as a reader sees it: line breaks as spaces, control characters as escapes. */
function shown(s: string): string {
  return escapeControls(s.replace(/\r\n|[\n\r\t\v\f\u0085\u2028\u2029]/g, ' '));
}

function headingText(md: string): string {
  const tokens = markdown.parse(md, {});
  const open = tokens.findIndex((t) => t.type === 'heading_open');
  return (tokens[open + 1].children ?? []).map((t) => t.content).join('');
}

describe('hardening: report injection', () => {
  for (const format of ['csv', 'jsonl'] as const) {
    const plainHtml = markdown.render(report(format, 'data/plain.csv', 'xcol', 'ycol'));
    const plain = structure(markdown.parse(report(format, 'data/plain.csv', 'xcol', 'ycol'), {}));

    it(`${format}: crafted paths and column names render as the same elements as plain ones`, () => {
      assert.ok(plain.includes('table_open:table') && plain.some((s) => s.startsWith('html_block[<div')), 'the plain report has tables and the chart');
      for (let i = 0; i < HOSTILE.length; i++) {
        const [path, x, y] = [HOSTILE[i], HOSTILE[(i + 1) % HOSTILE.length], HOSTILE[(i + 2) % HOSTILE.length]];
        const md = report(format, path, x, y);
        assert.deepEqual(structure(markdown.parse(md, {})), plain, `path ${JSON.stringify(path)}, x ${JSON.stringify(x)}, y ${JSON.stringify(y)}`);
        assert.equal(headingText(md), `Unlearn audit: ${shown(path)}`);
        const html = markdown.render(md);
        for (const tag of ['<a ', '<img', '<h3', '<blockquote>\n<h', '<code', '<em', '<strong', '<s>']) {
          assert.equal(html.split(tag).length, plainHtml.split(tag).length, `${tag} from ${JSON.stringify([path, x, y])}`);
        }
      }
    });
  }

  it('inertMarkdown text renders as exactly its characters, also at the start of a line and in a table cell', () => {
    for (const s of HOSTILE) {
      const paragraph = markdown.parseInline(inertMarkdown(s), {})[0].children ?? [];
      assert.deepEqual(paragraph.map((t) => t.type).filter((t) => t !== 'text' && t !== 'text_special'), [], JSON.stringify(s));
      assert.equal(paragraph.map((t) => t.content).join(''), shown(s), JSON.stringify(s));
      const block = markdown.parse(`${inertMarkdown(s)}\n`, {});
      assert.deepEqual(block.map((t) => t.type), ['paragraph_open', 'inline', 'paragraph_close'], `at line start: ${JSON.stringify(s)}`);
      const table = markdown.parse(`| a | b |\n|---|---|\n| ${inertMarkdown(s)} | z |\n`, {});
      assert.equal(table.filter((t) => t.type === 'td_open').length, 2, `table cell: ${JSON.stringify(s)}`);
    }
  });
});
