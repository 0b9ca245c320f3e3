import assert from 'node:assert/strict';
import { decodeText, detectEncoding, firstInvalidUtf8, TextStreamDecoder } from '../../src/engine/encoding';
import { UnlearnError } from '../../src/engine/errors';
import { parseDataset } from '../../src/engine/dataset';

const utf8 = (s: string) => new TextEncoder().encode(s);

function utf16(s: string, bigEndian: boolean, bom = true): Uint8Array {
  const units = (bom ? '\uFEFF' : '') + s;
  const out = new Uint8Array(units.length * 2);
  for (let i = 0; i < units.length; i++) {
    const u = units.charCodeAt(i);
    out[2 * i + (bigEndian ? 1 : 0)] = u & 0xff;
    out[2 * i + (bigEndian ? 0 : 1)] = u >> 8;
  }
  return out;
}

function refusal(bytes: Uint8Array): UnlearnError {
  try {
    decodeText(bytes, 'data.csv');
  } catch (e) {
    assert.ok(e instanceof UnlearnError, String(e));
    return e;
  }
  assert.fail('expected the bytes to be refused');
}

describe('decodeText', () => {
  it('decodes UTF-8 with and without a BOM, stripping only the leading one', () => {
    assert.equal(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xc3, 0xa9])), 'aé');
    assert.equal(decodeText(utf8('a,b\n1,é\n')), 'a,b\n1,é\n');
    assert.equal(decodeText(utf8('\uFEFFa\uFEFFb')), 'a\uFEFFb');
    assert.equal(decodeText(new Uint8Array(0)), '');
    assert.equal(decodeText(utf8('ab')), 'ab');
  });

  it('decodes UTF-16 LE and BE by their BOM, and ASCII-start UTF-16 LE without one', () => {
    const text = 'x,y,name\n1,2,Zoë 🙂\n';
    assert.equal(decodeText(utf16(text, false)), text);
    assert.equal(decodeText(utf16(text, true)), text);
    assert.equal(decodeText(utf16(text, false, false)), text);
    assert.equal(detectEncoding(utf16(text, true, false)).encoding, 'utf-16be');
    const ds = parseDataset(decodeText(utf16(text, false)), 'a.csv');
    assert.deepEqual(ds.columns, ['x', 'y', 'name']);
    assert.equal(ds.cell(0, 'name'), 'Zoë 🙂');
  });

  it('refuses Latin-1 bytes with the line they are on (LF, CRLF and lone CR lines), instead of U+FFFD', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const head = utf8(`x,y,name${eol}1,2,ok${eol}2,3,`);
      const bytes = new Uint8Array([...head, 0x63, 0x61, 0x66, 0xe9, ...utf8(`${eol}3,4,d${eol}`)]);
      const e = refusal(bytes);
      assert.equal(e.line, 3, JSON.stringify(eol));
      assert.equal(e.file, 'data.csv');
      assert.match(e.message, /not valid UTF-8 \(0xe9\)/);
      assert.match(e.message, /Latin-1/);
    }
  });

  it('refuses overlong encodings, surrogates in UTF-8, stray continuation bytes and a cut-off last character', () => {
    assert.equal(refusal(new Uint8Array([0x61, 0xc0, 0xaf])).line, 1);
    assert.equal(refusal(new Uint8Array([0x0a, 0xed, 0xa0, 0x80])).line, 2);
    assert.equal(refusal(new Uint8Array([0x61, 0x0a, 0x0a, 0x80])).line, 3);
    assert.match(refusal(new Uint8Array([0x61, 0x62, 0x0a, 0xe2, 0x82])).message, /not valid UTF-8/);
  });

  it('refuses an unpaired surrogate in UTF-16', () => {
    const bytes = utf16('a\nb\n', false);
    const bad = new Uint8Array([...bytes, 0x00, 0xd8, 0x61, 0x00]);
    assert.match(refusal(bad).message, /not valid UTF-16LE/);
    assert.equal(refusal(bad).line, 3);
  });

  it('finds the first invalid UTF-8 byte, treating a character cut at the end of a chunk as valid so far', () => {
    assert.equal(firstInvalidUtf8(utf8('aé🙂')), -1);
    assert.equal(firstInvalidUtf8(new Uint8Array([0x61, 0xf0, 0x9f])), -1);
    assert.equal(firstInvalidUtf8(new Uint8Array([0x61, 0xf0, 0x41])), 1);
    assert.equal(firstInvalidUtf8(new Uint8Array([0x61, 0xff])), 1);
  });
});

describe('TextStreamDecoder', () => {
  it('gives the same text for any chunking, also inside a multi-byte character or the BOM', () => {
    const text = 'x,y\n1,é\n2,🙂\n3,日本\n';
    for (const bytes of [utf8('\uFEFF' + text), utf16(text, false), utf16(text, true)]) {
      for (let size = 1; size <= 7; size++) {
        const decoder = new TextStreamDecoder('a.csv');
        let out = '';
        for (let i = 0; i < bytes.length; i += size) out += decoder.push(bytes.subarray(i, i + size));
        out += decoder.end();
        assert.equal(out, text, `chunks of ${size}`);
      }
    }
  });

  it('reports an invalid byte in a later chunk at its file offset through lineAt', () => {
    const bytes = new Uint8Array([...utf8('ab\ncd\n'), 0xe9, 0x0a]);
    const offsets: number[] = [];
    const decoder = new TextStreamDecoder('a.csv', (offset) => {
      offsets.push(offset);
      return 42;
    });
    decoder.push(bytes.subarray(0, 4));
    assert.throws(() => decoder.push(bytes.subarray(4)), (e: UnlearnError) => e.line === 42);
    assert.deepEqual(offsets, [6]);
  });
});
