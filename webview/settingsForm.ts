// Turns what the user typed in the settings form into AuditSettings, or says what is wrong.
// No DOM here, so it is unit-tested in Node.

import type { AuditSettings } from '../src/engine/types';

/** The highest polynomial degree the engine accepts (its Chebyshev basis stays well conditioned). */
export const MAX_DEGREE = 12;

/** Reads the form; returns the settings or the first problem in words. */
export function parseSettings(raw: { x: string; y: string; degree: string; sigma: string; lambda: string }): AuditSettings | string {
  if (!raw.x || !raw.y) return 'Pick an x and a y column.';
  const degree = Number(raw.degree);
  if (!Number.isInteger(degree) || degree < 1 || degree > MAX_DEGREE) return `Degree must be a whole number from 1 to ${MAX_DEGREE}.`;
  const sigmaText = raw.sigma.trim().toLowerCase();
  const sigma = sigmaText === '' || sigmaText === 'auto' ? 'auto' : Number(sigmaText);
  if (sigma !== 'auto' && !(Number.isFinite(sigma) && sigma > 0)) return 'σ must be "auto" or a positive number.';
  const lambda = Number(raw.lambda);
  if (raw.lambda.trim() === '' || !Number.isFinite(lambda) || lambda < 0) return 'λ must be a number ≥ 0.';
  return { x: raw.x, y: raw.y, degree, sigma, lambda };
}
