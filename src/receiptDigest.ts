// A file as a receipt records it (path, SHA-256, size), for the CLI and the extension host alike;
// both run on Node, so node:crypto hashes (the pure engine only checks what is passed in).

import { createHash } from 'node:crypto';
import type { ReceiptFile } from './engine/receipt';

/** `path` is relative to the receipt's folder, where `unlearn verify` looks. */
export function receiptFileOf(path: string, bytes: Uint8Array): ReceiptFile {
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}
