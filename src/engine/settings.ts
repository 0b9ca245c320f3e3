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

/** Numeric columns a person reads as time (a date column is time whatever its name). */
const TIME_NAME = /^(date|time|timestamp|datetime|year)$/i;
/** Row numbers and keys: never a sensible x or y by default. */
const ID_NAME = /^(id|index|row|#)$|[_ ]id$/i;

/**
 * x and y as a person would pick them, around whatever a layer fixed already: columns named
 * x and y; else a date or time column as x, the first numeric column otherwise; the last
 * numeric column as y, never a date. Identifier columns only when nothing else is left.
 */
export function defaultXY(columns: ColumnInfo[], fixed: { x?: string; y?: string } = {}): { x?: string; y?: string } {
  const usable = modelColumns(columns);
  const names = usable.map((c) => c.name);
  const isTime = (c: ColumnInfo) => c.kind === 'date' || TIME_NAME.test(c.name);
  const plain = usable.filter((c) => !ID_NAME.test(c.name));
  const preferred = [...plain, ...usable.filter((c) => ID_NAME.test(c.name))];
  let x = fixed.x ?? (names.includes('x') && fixed.y !== 'x' ? 'x' : undefined);
  let y = fixed.y ?? (names.includes('y') && x !== 'y' ? 'y' : undefined);
  const targets = [...plain].reverse().concat(preferred.slice(plain.length)).filter((c) => c.kind === 'numeric' && !isTime(c));
  y ??= targets.find((c) => c.name !== x)?.name;
  x ??= (preferred.find((c) => isTime(c) && c.name !== y) ?? preferred.find((c) => c.name !== y))?.name;
  return { x, y };
}

/**
 * Whether x or y were picked by defaultXY's guess: no layer set them, and the dataset has no
 * columns named x and y. The panel then says so and puts the column pickers first.
 */
export function columnsGuessed(picked: { x: string; y: string }, ...layers: (ModelSettings | undefined)[]): boolean {
  const set = (axis: 'x' | 'y') => layers.some((l) => l?.[axis] !== undefined);
  return (!set('x') && picked.x !== 'x') || (!set('y') && picked.y !== 'y');
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
  const { x, y } = defaultXY(columns, merged);
  if (x && x === y) throw new UnlearnError(`x and y are the same column ${JSON.stringify(x)}: choose two different columns`);
  if (!x || !y || x === y) {
    const names = columns.map((c) => `${c.name} (${c.kind})`).join(', ') || 'none';
    throw new UnlearnError(`cannot choose x and y: the dataset needs a numeric column for y and another numeric or date column for x; columns are ${names}`);
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

/** The model settings a result was computed with, as a forget list's `model` stores them. */
export function modelSettingsOf(model: { x: string; y: string; degree: number; sigma: number; sigmaAuto: boolean; lambda: number }): Required<ModelSettings> {
  return { x: model.x, y: model.y, degree: model.degree, sigma: model.sigmaAuto ? 'auto' : model.sigma, lambda: model.lambda };
}

/** Whether two sets of model settings fit the same model (fields a side leaves out count as different). */
export function sameModelSettings(a: ModelSettings, b: ModelSettings): boolean {
  return a.x === b.x && a.y === b.y && a.degree === b.degree && a.sigma === b.sigma && a.lambda === b.lambda;
}

/** "y on x, degree 3, σ auto, λ 1": settings as the panel and messages name them. */
export function describeModelSettings(s: ModelSettings): string {
  return `${s.y} on ${s.x}, degree ${s.degree}, σ ${s.sigma}, λ ${s.lambda}`;
}
