// Resolving the settings of an audit from layers (built-in defaults, editor settings, the
// forget list's `model`, command-line flags), so every front end picks x and y the same way.

import { UnlearnError } from './errors';
import type { AuditSettings, ColumnInfo, ModelSettings } from './types';

export const DEFAULT_DEGREE = 3;
export const DEFAULT_LAMBDA = 1;

/** Columns that can serve as x or y: numbers, or dates read as fractional years. */
export function modelColumns(columns: ColumnInfo[]): ColumnInfo[] {
  return columns.filter((c) => c.kind === 'numeric' || c.kind === 'date');
}

/** Columns named x and y when they exist, else the last usable column as y and the one before it as x. */
function defaultXY(columns: ColumnInfo[]): { x?: string; y?: string } {
  const usable = modelColumns(columns).map((c) => c.name);
  const y = usable.includes('y') ? 'y' : usable[usable.length - 1];
  const rest = usable.filter((c) => c !== y);
  const x = rest.includes('x') ? 'x' : rest[rest.length - 1];
  return { x, y };
}

/** A layer of settings: what a forget list stores, plus the optimiser's knobs a front end may set. */
export type SettingsLayer = ModelSettings & Partial<Pick<AuditSettings, 'variant' | 'maxIterations' | 'tolerance'>>;

/** Later layers override earlier ones; undefined fields do not override. */
export function resolveSettings(columns: ColumnInfo[], ...layers: (SettingsLayer | undefined)[]): AuditSettings {
  const merged: SettingsLayer = { degree: DEFAULT_DEGREE, sigma: 'auto', lambda: DEFAULT_LAMBDA };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
  }
  const fallback = defaultXY(columns);
  const x = merged.x ?? fallback.x;
  const y = merged.y ?? fallback.y;
  if (x && x === y) throw new UnlearnError(`x and y are the same column ${JSON.stringify(x)}: choose two different columns`);
  if (!x || !y || x === y) {
    const names = columns.map((c) => `${c.name} (${c.kind})`).join(', ') || 'none';
    throw new UnlearnError(`cannot choose x and y: the dataset needs two numeric or date columns; columns are ${names}`);
  }
  const degree = merged.degree as number;
  if (!Number.isInteger(degree) || degree < 1 || degree > 12) {
    throw new UnlearnError(`degree must be a whole number from 1 to 12, got ${degree}`);
  }
  const sigma = merged.sigma as number | 'auto';
  if (sigma !== 'auto' && !(Number.isFinite(sigma) && sigma > 0)) {
    throw new UnlearnError(`sigma must be "auto" or a positive number, got ${sigma}`);
  }
  const lambda = merged.lambda as number;
  if (!(Number.isFinite(lambda) && lambda >= 0)) {
    throw new UnlearnError(`lambda must be a number ≥ 0, got ${lambda}`);
  }
  const { variant, maxIterations, tolerance } = merged;
  if (variant !== undefined && variant !== 'kernel' && variant !== 'log') {
    throw new UnlearnError(`variant must be "kernel" or "log", got ${variant}`);
  }
  const optimiser = Object.fromEntries(Object.entries({ variant, maxIterations, tolerance }).filter(([, v]) => v !== undefined));
  return { x, y, degree, sigma, lambda, ...optimiser };
}
