// Content fingerprints that tie a forget-list entry to a row without trusting its position.
// Pure JS (no node:crypto) so the engine runs in a worker or a browser too. 64-bit FNV-1a
// is not cryptographic; it only needs to tell rows of one dataset apart.

/** Separates CSV cells in the canonical string: a control character real cells do not contain. */
export const CELL_SEPARATOR = '\u001f';

/**
 * Fingerprint of a row's parsed values: 16 lowercase hex chars.
 * CSV cells (already unquoted) are joined with U+001F, so quoting style and line endings
 * do not matter; a JSON object is canonicalised with keys sorted, so key order does not.
 */
export function fingerprintValues(values: string[] | Record<string, unknown>): string {
  fnv64.reset();
  if (Array.isArray(values)) {
    values.forEach((cell, i) => {
      if (i > 0) fnv64.update(CELL_SEPARATOR);
      fnv64.update(cell);
    });
  } else {
    fnv64.update(canonicalJson(values));
  }
  return fnv64.hex();
}

/** JSON with object keys sorted recursively; undefined members are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    if (record[key] !== undefined) members.push(`${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  }
  return `{${members.join(',')}}`;
}

/**
 * Streaming 64-bit FNV-1a over UTF-8 bytes, so a parser can hash a row straight from the
 * file text without building its cell strings first. The hash is two 32-bit halves because
 * JS numbers cannot hold 64-bit products: prime = 2^40 + 0x1b3, so h·prime = h·0x1b3 + (h << 40).
 * One shared state (no allocation per row); callers run reset → update… → hex synchronously.
 */
export const fnv64 = {
  reset(): void {
    hashHi = 0xcbf29ce4;
    hashLo = 0x84222325;
  },

  /** Adds the UTF-8 bytes of text[start, end). */
  update(text: string, start = 0, end = text.length): void {
    for (let i = start; i < end; i++) {
      let code = text.charCodeAt(i);
      if (code < 0x80) {
        mix(code);
        continue;
      }
      if (code >= 0xd800 && code < 0xdc00 && i + 1 < end) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low < 0xe000) {
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      if (code < 0x800) {
        mix(0xc0 | (code >> 6));
      } else if (code < 0x10000) {
        mix(0xe0 | (code >> 12));
        mix(0x80 | ((code >> 6) & 0x3f));
      } else {
        mix(0xf0 | (code >> 18));
        mix(0x80 | ((code >> 12) & 0x3f));
        mix(0x80 | ((code >> 6) & 0x3f));
      }
      mix(0x80 | (code & 0x3f));
    }
  },

  /** The hash as 16 lowercase hex chars, built in one allocation. */
  hex(): string {
    return String.fromCharCode(
      nibble(hashHi, 28), nibble(hashHi, 24), nibble(hashHi, 20), nibble(hashHi, 16),
      nibble(hashHi, 12), nibble(hashHi, 8), nibble(hashHi, 4), nibble(hashHi, 0),
      nibble(hashLo, 28), nibble(hashLo, 24), nibble(hashLo, 20), nibble(hashLo, 16),
      nibble(hashLo, 12), nibble(hashLo, 8), nibble(hashLo, 4), nibble(hashLo, 0),
    );
  },
};

let hashHi = 0;
let hashLo = 0;

function mix(byte: number): void {
  const lo = (hashLo ^ byte) >>> 0;
  const loProduct = lo * 0x1b3; // < 2^41: exact in a double
  hashHi = (Math.imul(hashHi, 0x1b3) + Math.floor(loProduct / 0x100000000) + (lo << 8)) | 0;
  hashLo = loProduct >>> 0;
}

/** Char code of the hex digit of `value` at bit `shift`. */
function nibble(value: number, shift: number): number {
  const digit = (value >>> shift) & 15;
  return digit < 10 ? 48 + digit : 87 + digit;
}
