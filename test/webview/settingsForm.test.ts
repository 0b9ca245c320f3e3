import * as assert from 'assert/strict';
import { parseSettings } from '../../webview/settingsForm';
import { isAuditSettings } from '../../src/protocol';

const ok = { x: 'x', y: 'y', degree: '3', sigma: 'auto', lambda: '1' };

describe('webview settings form', () => {
  it('reads valid input into settings the host accepts', () => {
    const parsed = parseSettings({ ...ok, sigma: ' 0.25 ', lambda: '0.5' });
    assert.deepEqual(parsed, { x: 'x', y: 'y', degree: 3, sigma: 0.25, lambda: 0.5 });
    assert.ok(isAuditSettings(parsed));
  });

  it('treats an empty or any-case "auto" σ as auto', () => {
    for (const sigma of ['', 'AUTO', ' auto ']) {
      const parsed = parseSettings({ ...ok, sigma });
      assert.equal(typeof parsed === 'string' ? parsed : parsed.sigma, 'auto');
    }
  });

  it('rejects what the host would reject, with a reason in words', () => {
    const bad: Partial<typeof ok>[] = [
      { x: '' },
      { degree: '0' },
      { degree: '13' },
      { degree: '2.5' },
      { sigma: '0' },
      { sigma: '-1' },
      { sigma: 'abc' },
      { lambda: '' },
      { lambda: '-0.1' },
      { lambda: 'Infinity' },
    ];
    for (const change of bad) {
      const parsed = parseSettings({ ...ok, ...change });
      assert.equal(typeof parsed, 'string', JSON.stringify(change));
    }
  });
});
