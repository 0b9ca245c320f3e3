import assert from 'node:assert/strict';
import { canonicalJson, fingerprintValues } from '../../src/engine/fingerprint';

describe('fingerprintValues', () => {
  it('is 64-bit FNV-1a over the UTF-8 bytes (published test vectors)', () => {
    assert.equal(fingerprintValues(['']), 'cbf29ce484222325');
    assert.equal(fingerprintValues(['a']), 'af63dc4c8601ec8c');
    assert.equal(fingerprintValues(['foobar']), '85944171f73967e8');
  });

  it('joins CSV cells with U+001F so cell boundaries matter', () => {
    assert.equal(fingerprintValues(['a', 'b']), fingerprintValues(['a\u001fb']));
    assert.notEqual(fingerprintValues(['ab', '']), fingerprintValues(['a', 'b']));
  });

  it('hashes non-ASCII text by its UTF-8 bytes, including astral characters', () => {
    const values = ['é', '😀', '中'];
    assert.match(fingerprintValues(values), /^[0-9a-f]{16}$/);
    assert.notEqual(fingerprintValues(['é']), fingerprintValues(['e']));
    assert.notEqual(fingerprintValues(['😀']), fingerprintValues(['😁']));
  });

  it('ignores JSON key order, recursively, but not values or array order', () => {
    const a = { id: 1, reading: { temp: 12.5, humidity: 50 }, tags: ['x', 'y'] };
    const b = { tags: ['x', 'y'], reading: { humidity: 50, temp: 12.5 }, id: 1 };
    assert.equal(fingerprintValues(a), fingerprintValues(b));
    assert.notEqual(fingerprintValues(a), fingerprintValues({ ...a, tags: ['y', 'x'] }));
    assert.notEqual(fingerprintValues(a), fingerprintValues({ ...a, id: 2 }));
  });

  it('writes canonical JSON with sorted keys and without undefined members', () => {
    assert.equal(canonicalJson({ b: [1, { d: null, c: 'x' }], a: undefined, e: true }), '{"b":[1,{"c":"x","d":null}],"e":true}');
  });
});
