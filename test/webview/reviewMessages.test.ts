// The review panel's messages are checked on both sides of the webview boundary: what the
// webview may ask for (reveal a row on one side, pick a ref, refresh) and nothing else.

import * as assert from 'assert/strict';
import { isFromReview, isToReview } from '../../src/protocol';

describe('review panel messages', () => {
  it('accepts the four requests of the review webview', () => {
    for (const message of [{ type: 'ready' }, { type: 'refresh' }, { type: 'pickRef' }, { type: 'revealRow', side: 'base', line: 78 }, { type: 'revealRow', side: 'head', line: 1 }]) {
      assert.ok(isFromReview(message), JSON.stringify(message));
    }
  });

  it('drops anything else: unknown types, other sides, bad lines, extra fields', () => {
    for (const message of [
      null,
      'ready',
      { type: 'run' },
      { type: 'revealRow', side: 'left', line: 3 },
      { type: 'revealRow', side: 'head', line: 0 },
      { type: 'revealRow', side: 'head', line: 2.5 },
      { type: 'revealRow', side: 'head', line: '3' },
      { type: 'revealRow', side: 'head', line: 3, uri: 'file:///etc/passwd' },
      { type: 'pickRef', ref: 'HEAD; rm -rf /' },
    ]) {
      assert.equal(isFromReview(message), false, JSON.stringify(message));
    }
  });

  it('lets the webview take only well-shaped updates', () => {
    const diff = { changes: [], counts: {}, unchanged: 0 };
    assert.ok(isToReview({ type: 'review', state: { datasetLabel: 'a.csv', baseLabel: 'HEAD', headLabel: 'working tree', notes: [], diff } }));
    assert.ok(isToReview({ type: 'audit', audit: { state: 'running' } }));
    assert.ok(isToReview({ type: 'stale' }));
    assert.equal(isToReview({ type: 'review', state: { datasetLabel: 'a.csv', diff } }), false);
    assert.equal(isToReview({ type: 'audit', audit: { state: 'maybe' } }), false);
    assert.equal(isToReview({ type: 'error', message: 42 }), false);
  });
});
