// JSON output that may hold millions of rows. One JSON.stringify of it would pass V8's
// string limit ("Invalid string length"), so the one long array is written in batches and
// everything else in one piece. The text is the same as JSON.stringify(value, null, indent).

const BATCH_CHARS = 1 << 20;

/**
 * Writes `value` with `items` as its top-level array `key` (items may be generated lazily).
 * Without indentation `value` must not hold `key` itself, so the array comes last.
 */
export function writeJson(value: object, key: string, items: Iterable<unknown>, write: (chunk: string) => void, indent = 0): void {
  const pad = ' '.repeat(indent);
  const marker = `${JSON.stringify(key)}:${indent ? ' ' : ''}[]`;
  const text = JSON.stringify({ ...value, [key]: [] }, null, indent);
  // Quotes inside JSON strings are escaped, so the marker is a key. Indented, only a top-level
  // key sits at this indentation; compact, the last match is the key when it was appended last.
  const at = text.lastIndexOf(indent ? `\n${pad}${marker}` : marker);
  const open = at + (indent ? 1 + pad.length : 0) + marker.length - 2; // the `[`
  write(text.slice(0, open) + '[');
  const itemPad = pad + pad;
  let batch = '';
  let first = true;
  for (const item of items) {
    const json = JSON.stringify(item, null, indent);
    batch += (first ? '' : ',') + (indent ? `\n${itemPad}${json.replaceAll('\n', `\n${itemPad}`)}` : json);
    first = false;
    if (batch.length >= BATCH_CHARS) {
      write(batch);
      batch = '';
    }
  }
  write(batch + (indent && !first ? `\n${pad}` : '') + text.slice(open + 1) + '\n');
}
