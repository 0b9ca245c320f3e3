// Bytes to text for datasets and forget lists, one rule for the CLI, the worker and the
// extension host. UTF-8 (with or without a BOM) and UTF-16 LE/BE (by BOM, or by the zero
// bytes of an ASCII start) are decoded; bytes that are not valid in the detected encoding are
// refused with the line, never replaced by U+FFFD: two rows differing only in a Latin-1
// accent would otherwise get the same fingerprint, and the next write of a forget list would
// replace the user's characters for good.

import { UnlearnError } from './errors';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

/** The encoding of a file from its first bytes, and the length of its byte-order mark. */
export function detectEncoding(head: Uint8Array): { encoding: TextEncodingName; bomLength: number } {
  const [a, b, c, d] = head;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (a === 0xff && b === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (a === 0xfe && b === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  // No BOM: ASCII text in UTF-16 has a zero byte beside every character.
  if (head.length >= 4 && a !== 0 && b === 0 && c !== 0 && d === 0) return { encoding: 'utf-16le', bomLength: 0 };
  if (head.length >= 4 && a === 0 && b !== 0 && c === 0 && d !== 0) return { encoding: 'utf-16be', bomLength: 0 };
  return { encoding: 'utf-8', bomLength: 0 };
}

/**
 * Chunk-by-chunk decoding for files read in pieces. A chunk may end inside a character;
 * the decoder carries the partial bytes over. An error needs the line of the bad byte,
 * which only the caller can count cheaply (it has the file), hence `lineAt`.
 */
export class TextStreamDecoder {
  private decoder: TextDecoder | undefined;
  private encoding: TextEncodingName = 'utf-8';
  /** Bytes held back until there are enough to detect the encoding. */
  private head: Uint8Array | undefined;
  /** File offset of the next chunk's first byte. */
  private offset = 0;

  constructor(
    private readonly file?: string,
    /** The 1-based line holding the byte at this file offset. */
    private readonly lineAt?: (byteOffset: number) => number,
  ) {}

  get detected(): TextEncodingName {
    return this.encoding;
  }

  push(chunk: Uint8Array): string {
    if (!this.decoder) {
      const head = this.head ? concat(this.head, chunk) : chunk;
      if (head.length < 4) {
        this.head = Uint8Array.from(head); // the caller may reuse its buffer
        return '';
      }
      this.head = undefined;
      return this.start(head, true);
    }
    return this.decode(chunk, true);
  }

  /** The whole text at once (no push before): one call without streaming, which TextDecoder does about 4× faster. */
  whole(bytes: Uint8Array): string {
    return this.start(bytes, false);
  }

  end(): string {
    if (!this.decoder) {
      const head = this.head ?? new Uint8Array(0);
      this.head = undefined;
      return this.start(head, false);
    }
    return this.decode(new Uint8Array(0), false);
  }

  private start(head: Uint8Array, stream: boolean): string {
    const { encoding, bomLength } = detectEncoding(head);
    this.encoding = encoding;
    // ignoreBOM keeps a U+FEFF in the text, so the detected BOM is cut here and a later one stays data.
    this.decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
    this.offset = bomLength;
    return this.decode(head.subarray(bomLength), stream);
  }

  private decode(bytes: Uint8Array, stream: boolean): string {
    try {
      const text = (this.decoder as TextDecoder).decode(bytes, { stream });
      this.offset += bytes.length;
      return text;
    } catch {
      throw this.invalid(bytes, stream);
    }
  }

  /** The error for a chunk that did not decode: where the first bad byte is, in words. */
  private invalid(bytes: Uint8Array, stream: boolean): UnlearnError {
    const utf8 = this.encoding === 'utf-8';
    let at = utf8 ? firstInvalidUtf8(bytes) : firstInvalidUtf16(bytes, this.encoding === 'utf-16be', stream);
    if (at < 0) at = bytes.length; // the file ends inside a character
    const line = this.lineAt?.(this.offset + at);
    const what = utf8
      ? `contains bytes that are not valid UTF-8${at < bytes.length ? ` (0x${bytes[at].toString(16).padStart(2, '0')})` : ''}, ` +
        'probably Latin-1 or Windows-1252 text. Save the file as UTF-8: Unlearn does not guess or replace ' +
        'characters, because replaced characters would give different rows the same fingerprint'
      : `contains text that is not valid ${this.encoding.toUpperCase()} (an unpaired surrogate or a cut-off character)`;
    return new UnlearnError(what, this.file, line);
  }
}

/** The whole file's text, without its BOM; invalid bytes are an UnlearnError naming the line. */
export function decodeText(bytes: Uint8Array, file?: string): string {
  const decoder = new TextStreamDecoder(file, (offset) => {
    const counter = new LineBreakCounter();
    counter.add(bytes.subarray(0, offset));
    return counter.line;
  });
  return decoder.whole(bytes);
}

/**
 * Counts line breaks in a file's bytes fed in order: LF, CRLF and a lone CR once each, as
 * the CSV parser counts them. The encoding comes from the first bytes; UTF-16 is read by
 * code unit. Only error messages need this, so it favours simplicity over speed.
 */
export class LineBreakCounter {
  breaks = 0;
  private encoding: TextEncodingName | undefined;
  private pending: number[] = [];
  private lastWasCR = false;

  add(bytes: Uint8Array): void {
    this.encoding ??= detectEncoding(bytes.subarray(0, 4)).encoding;
    const unit = this.encoding === 'utf-8' ? 1 : 2;
    for (let i = 0; i < bytes.length; i++) {
      this.pending.push(bytes[i]);
      if (this.pending.length < unit) continue;
      const [a, b] = this.pending;
      this.pending = [];
      const code = unit === 1 ? a : this.encoding === 'utf-16le' ? a | (b << 8) : (a << 8) | b;
      if (code === 10) {
        this.breaks++;
      } else if (this.lastWasCR) {
        this.breaks++; // the CR before was a lone one
      }
      this.lastWasCR = code === 13;
    }
  }

  /** The 1-based line the next byte is on (a CR just before it already ended a line). */
  get line(): number {
    return this.breaks + (this.lastWasCR ? 1 : 0) + 1;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Offset of the first byte that starts an invalid UTF-8 sequence, or -1 (a sequence cut at the end is not invalid). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  // Continuation bytes left over from a character begun in the previous chunk.
  while (i < n && i < 3 && (bytes[i] & 0xc0) === 0x80) i++;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= n) {
      // Cut at the end of the chunk: valid so far if the bytes present are continuations.
      for (let k = i + 1; k < n; k++) if ((bytes[k] & 0xc0) !== 0x80) return i;
      return -1;
    }
    let code = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Offset of the first unpaired surrogate (or of a cut-off final unit when not streaming), or -1. */
function firstInvalidUtf16(bytes: Uint8Array, bigEndian: boolean, stream: boolean): number {
  const units = bytes.length >> 1;
  const unit = (k: number) => (bigEndian ? (bytes[2 * k] << 8) | bytes[2 * k + 1] : bytes[2 * k] | (bytes[2 * k + 1] << 8));
  for (let k = 0; k < units; k++) {
    const u = unit(k);
    if (u >= 0xd800 && u < 0xdc00) {
      if (k + 1 >= units) return stream ? -1 : 2 * k;
      const next = unit(k + 1);
      if (!(next >= 0xdc00 && next < 0xe000)) return 2 * k;
      k++;
    } else if (u >= 0xdc00 && u < 0xe000) {
      return 2 * k;
    }
  }
  return !stream && bytes.length % 2 === 1 ? bytes.length - 1 : -1;
}
