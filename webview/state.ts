// The webview's own state. It is saved with setState on every change, so the panel shows
// its last result at once when it is shown again (retainContextWhenHidden is off) and the
// serializer can find the dataset after a window reload.

import type { AuditResult, AuditSettings, ChartPoints, SweepPoint } from '../src/engine/types';
import type { FromWebview, PanelState } from '../src/protocol';

export interface ShownResult {
  result: AuditResult;
  points: ChartPoints;
  sweep: SweepPoint[];
  /** The dataset or its forget list changed since this result was computed. */
  stale: boolean;
}

export interface ViewState {
  /** Read by the extension's webview serializer after a reload: keep the name. */
  datasetUri?: string;
  panel?: PanelState;
  /** The settings as the user left them in the controls (may differ from panel.settings). */
  settings?: AuditSettings;
  shown?: ShownResult;
  running: boolean;
  progress?: { iteration: number; objective: number };
  error?: string;
}

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: ViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi may be called only once per page. */
const vscodeApi = acquireVsCodeApi();

export function post(message: FromWebview): void {
  vscodeApi.postMessage(message);
}

/** The saved state, or a fresh one; the saved object is ours, but be defensive about its shape. */
export function loadState(): ViewState {
  const saved = vscodeApi.getState();
  if (typeof saved === 'object' && saved !== null && 'running' in saved) {
    // A run cannot survive the webview being torn down; the host re-sends 'running' if it still is.
    return { ...(saved as ViewState), running: false, progress: undefined };
  }
  return { running: false };
}

export function saveState(state: ViewState): void {
  vscodeApi.setState(state);
}
