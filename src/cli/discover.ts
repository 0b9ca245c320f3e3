// Finding forget lists under a folder, by the editor's rules: a file whose name fits the
// `unlearn.forgetListPattern` setting's file-name part (default `${fileName}.forget.json`), and
// its dataset named by the list's `dataset` field, relative to the list's folder.

import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UnlearnError } from '../engine/errors';
import type { ForgetList } from '../engine/types';

export const DEFAULT_FORGET_PATTERN = '${fileName}.forget.json';

/** Folders never searched: tools' and VCS' own trees. */
const SKIPPED = new Set(['node_modules', '.git', '.vscode-test']);

/** Whether a file name is one the pattern can produce (`${fileName}`/`${baseName}` match any name). */
export function forgetListMatcher(pattern: string = DEFAULT_FORGET_PATTERN): (fileName: string) => boolean {
  const namePart = basename(pattern);
  if (!namePart.includes('${')) throw new UnlearnError(`--forget-pattern must contain \${fileName} or \${baseName}, got "${pattern}"`);
  const regex = new RegExp(
    '^' + namePart.split(/\$\{(?:fileName|baseName)\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+') + '$',
  );
  return (fileName) => regex.test(fileName);
}

/** Every forget list under `folder` on disk, sorted, as absolute paths. */
export function findForgetLists(folder: string, pattern?: string): string[] {
  const matches = forgetListMatcher(pattern);
  const found: string[] = [];
  const visit = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new UnlearnError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (e as Error).message, dir);
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !SKIPPED.has(entry.name)) visit(join(dir, entry.name));
      else if (entry.isFile() && matches(entry.name)) found.push(join(dir, entry.name));
    }
  };
  visit(resolve(folder));
  return found.sort();
}

/** The dataset a forget list belongs to. */
export function datasetOfList(listFile: string, list: ForgetList): string {
  return resolve(dirname(listFile), list.dataset);
}
