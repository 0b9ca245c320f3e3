// The installed extension (from out/unlearn.vsix, not the development folder) activates
// on a dataset and shows its status bar item.
import * as assert from 'assert/strict';
import * as path from 'path';
import { E2ESpec, openFile, screenshot, statusBarText } from './helpers';

export const specs: E2ESpec[] = [
  {
    name: 'the installed extension activates on samples/paper.csv',
    async run({ page, artifactsDir }) {
      await openFile(page, 'samples/paper.csv');
      const text = await statusBarText(page, /unwanted of/, 30_000);
      assert.match(text, /\d[\d,]* unwanted of \d/);
      await screenshot(page, path.join(artifactsDir, 'smoke.png'));
    },
  },
];
