// Keeps a forget list's `model` equal to the settings a person last ran unlearning with, so
// `unlearn audit` in CI audits the same model, and a reviewer sees a model change in the diff.
// Written through the forget store's one write path: atomic, refused for an unsaved or
// unreadable list, one edit of a list after another.

import type * as vscode from 'vscode';
import { describeModelSettings, sameModelSettings } from './engine/settings';
import type { AuditSettings, ModelSettings } from './engine/types';
import type { ForgetStore } from './forgetStore';

/** What happened to the list's model: written, already equal, or no list file to write into. */
export type ModelWrite = { kind: 'written'; before: ModelSettings; after: ModelSettings } | { kind: 'unchanged' } | { kind: 'no-list' };

/** The five fields a forget list's `model` holds; the optimiser's knobs stay out of it. */
export function listModelOf(settings: AuditSettings): Required<ModelSettings> {
  const { x, y, degree, sigma, lambda } = settings;
  return { x, y, degree, sigma, lambda };
}

/**
 * Writes `settings` into the dataset's forget list as its `model` when they differ from it
 * (a field the list leaves out differs: CI would fill it from its own defaults). Other
 * fields of `model` are kept. A dataset without a list file gets none: there is nothing to
 * audit in CI. Throws UnlearnError when the list has unsaved edits or cannot be read.
 */
export async function saveListModel(store: ForgetStore, datasetUri: vscode.Uri, settings: AuditSettings): Promise<ModelWrite> {
  if ((await store.listText(datasetUri)) === undefined) return { kind: 'no-list' };
  const wanted = listModelOf(settings);
  let before: ModelSettings | undefined;
  await store.update(datasetUri, (list) => {
    if (sameModelSettings(list.model, wanted)) return list;
    before = list.model;
    return { ...list, model: { ...list.model, ...wanted } };
  });
  return before ? { kind: 'written', before, after: wanted } : { kind: 'unchanged' };
}

/** The sentence that tells the person their run changed the list. */
export function describeModelWrite(write: ModelWrite & { kind: 'written' }, listName: string): string {
  return `Saved the model settings (${describeModelSettings(write.after)}) in ${listName}, so \`unlearn audit\` in CI uses them too.`;
}
