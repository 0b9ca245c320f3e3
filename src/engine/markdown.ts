// Dataset text in Markdown (reports, PR comments) must stay inert: no markup, no links, no
// images, no line breaks that end a table row or an HTML block. Every piece of text that comes
// from a dataset or a forget list goes through inertMarkdown.

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escapes XML and Markdown punctuation and folds every line break into a space. */
export function inertMarkdown(s: string): string {
  return escapeXml(s).replace(/[|\\`*_[\]]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}
