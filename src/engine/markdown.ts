// Dataset text in Markdown (reports, PR comments) must stay inert: no markup, no links, no
// images, no line breaks that end a table row or an HTML block. Every piece of text that comes
// from a dataset or a forget list goes through inertMarkdown (Markdown text) or escapeXml
// (HTML/SVG inside the report, which the report puts in an HTML block).

import { escapeControls } from './format';

/**
 * Every line break a renderer might honour: CRLF, LF and a lone CR (CommonMark), NEL, U+2028
 * and U+2029 (Unicode), and vertical tab / form feed; tabs too (a tab can start code blocks).
 */
const BREAKS = /\r\n|[\n\r\t\v\f\u0085\u2028\u2029]/g;

function foldBreaks(s: string): string {
  return s.replace(BREAKS, ' ');
}

const ENTITY = /[&<>]/;

/** XML/HTML text or attribute value: entities for & < > " ', line breaks folded, controls shown. */
export function escapeXml(s: string): string {
  return escapeControls(foldBreaks(s)).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Markdown-significant characters in running text, each as a backslash escape (or an entity
 * for the HTML ones). Always: \ ` * _ ~ [ ] | $ @ & < >. In context: `.` before a letter
 * (autolinked domains: www.x.com, x.md), `:` before a letter or `/` (https://, mailto:).
 */
const SIGNIFICANT = /[\\`*_~[\]|$@&<>]|\.(?=\p{L})|:(?=[\p{L}/])/gu;
/** What makes a block at the start of a line: a heading, quote, list item, rule or setext underline. */
const LINE_START = /^(?:[#>+\-=]|\d+[.)])/;

/**
 * Dataset text as inert inline Markdown, safe in a paragraph, list item, heading or table
 * cell, even at the start of a line: it renders as exactly the given characters (line breaks
 * as spaces, control characters as visible escapes like \x1b) and never as markup.
 */
export function inertMarkdown(s: string): string {
  const text = escapeControls(foldBreaks(s));
  let out = text.replace(SIGNIFICANT, (c) => (ENTITY.test(c[0]) ? `&#${c.charCodeAt(0)};` : `\\${c}`));
  const start = LINE_START.exec(out);
  if (start) out = `${start[0].slice(0, -1)}\\${out.slice(start[0].length - 1)}`;
  // Leading spaces would indent a code block, trailing ones make a hard line break.
  return out.replace(/^ +| +$/g, (spaces) => '&#32;'.repeat(spaces.length));
}
