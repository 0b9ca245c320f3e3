// Typed access to the `unlearn.*` settings, and the one place that layers them under a
// forget list's `model` block to get the settings of an audit run.

import * as vscode from 'vscode';
import { resolveSettings } from './engine/settings';
import type { AuditSettings, ColumnInfo, ModelSettings } from './engine/types';

export type DecorationStyle = 'full' | 'gutter' | 'none';

const SECTION = 'unlearn';

function section(scope?: vscode.Uri): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scope);
}

function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  return Number.isInteger(value) ? Math.min(max, Math.max(min, value as number)) : fallback;
}

export function degree(scope?: vscode.Uri): number {
  return clampInt(section(scope).get('degree'), 1, 12, 3);
}

export function lambda(scope?: vscode.Uri): number {
  const value = section(scope).get('lambda');
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 1;
}

/** A positive number, or 'auto'. A setting that is neither (e.g. "abc" or -1) means 'auto'. */
export function sigma(scope?: vscode.Uri): number | 'auto' {
  const value = section(scope).get<unknown>('sigma');
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 'auto';
}

export function forgetListPattern(scope?: vscode.Uri): string {
  const value = section(scope).get('forgetListPattern');
  return typeof value === 'string' && value.includes('${') ? value : '${fileName}.forget.json';
}

export function askForReason(scope?: vscode.Uri): boolean {
  return section(scope).get('askForReason') !== false;
}

export function decorationStyle(scope?: vscode.Uri): DecorationStyle {
  const value = section(scope).get('decorationStyle');
  return value === 'gutter' || value === 'none' ? value : 'full';
}

export function maxChartPoints(scope?: vscode.Uri): number {
  return clampInt(section(scope).get('maxChartPoints'), 100, 1_000_000, 20_000);
}

/** The `unlearn.*` model defaults, the lowest layer under a forget list's `model`. */
export function modelDefaults(scope?: vscode.Uri): ModelSettings {
  return { degree: degree(scope), sigma: sigma(scope), lambda: lambda(scope) };
}

/**
 * The settings to start a run from: the forget list's `model` over the `unlearn.*` defaults,
 * x and y picked by the engine's rule (the CLI's too). Throws UnlearnError without two usable columns.
 */
export function auditSettings(columns: ColumnInfo[], model: ModelSettings, scope?: vscode.Uri): AuditSettings {
  return resolveSettings(columns, modelDefaults(scope), model);
}
