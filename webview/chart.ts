// The main chart: wanted rows (dots) and unwanted rows (crosses) as scatter series, and the
// three fitted curves (before, after EMSE, retrain) with distinct dash patterns, so the
// series differ in shape and line style as well as colour.

import uPlot from 'uplot';
import type { AuditResult, ChartPoints } from '../src/engine/types';
import { mergeSeries } from './chartData';
import { formatValue } from './dom';
import { themedAxes, ThemedPlot, type PlotBuilder } from './plot';
import type { ChartColors } from './theme';

type Marker = 'dot' | 'cross';

/** Draws one marker per non-null value instead of a line (uPlot has only round points built in). */
function markerPaths(shape: Marker, diameter: number): uPlot.Series.PathBuilder {
  return (u, seriesIdx, idx0, idx1) => {
    const xs = u.data[0];
    const ys = u.data[seriesIdx];
    const r = (diameter * uPlot.pxRatio) / 2;
    const path = new Path2D();
    for (let i = idx0; i <= idx1; i++) {
      const y = ys[i];
      if (y === null || y === undefined) continue;
      const cx = u.valToPos(xs[i], 'x', true);
      const cy = u.valToPos(y, 'y', true);
      if (shape === 'dot') {
        path.moveTo(cx + r, cy);
        path.arc(cx, cy, r, 0, 2 * Math.PI);
      } else {
        path.moveTo(cx - r, cy - r);
        path.lineTo(cx + r, cy + r);
        path.moveTo(cx - r, cy + r);
        path.lineTo(cx + r, cy - r);
      }
    }
    return shape === 'dot' ? { fill: path, stroke: null } : { stroke: path, fill: null };
  };
}

function pointValue(rowAt: Int32Array) {
  return (_u: uPlot, value: number | null, _series: number, idx: number | null) =>
    value === null || idx === null ? '–' : `${formatValue(value)} (row ${rowAt[idx]})`;
}

function curveValue(_u: uPlot, value: number | null): string {
  return value === null ? '–' : formatValue(value);
}

function buildCurveChart(result: AuditResult, points: ChartPoints): PlotBuilder {
  const merged = mergeSeries(points, result.curve);
  return (colors: ChartColors) => {
    const line = colors.highContrast ? 3 : 2;
    const marker = colors.highContrast ? 8 : 6;
    return {
      data: merged.data,
      options: {
        scales: { x: { time: false } },
        axes: themedAxes(colors, result.model.x, result.model.y),
        cursor: { drag: { x: true, y: true } },
        legend: { live: true },
        series: [
          { label: result.model.x, value: (_u, v) => (v === null ? '–' : formatValue(v)) },
          {
            label: `Wanted rows ● (${points.totalWanted})`,
            stroke: colors.wanted,
            fill: colors.wanted,
            width: 0,
            paths: markerPaths('dot', marker - 1),
            points: { show: false },
            value: pointValue(merged.rowAt),
          },
          {
            label: `Unwanted rows ✕ (${points.totalUnwanted})`,
            stroke: colors.unwanted,
            width: line - 0.5,
            paths: markerPaths('cross', marker + 1),
            points: { show: false },
            value: pointValue(merged.rowAt),
          },
          { label: 'Before (θ₀, all rows)', stroke: colors.before, width: line, dash: [8, 5], spanGaps: true, points: { show: false }, value: curveValue },
          { label: 'After EMSE', stroke: colors.after, width: line + 0.5, spanGaps: true, points: { show: false }, value: curveValue },
          { label: 'Retrain (θ_R, wanted only)', stroke: colors.retrain, width: line, dash: [2, 4], spanGaps: true, points: { show: false }, value: curveValue },
        ],
      },
    };
  };
}

function describeChart(result: AuditResult, points: ChartPoints): string {
  const { x, y } = result.model;
  return (
    `Scatter plot of ${y} against ${x}: ${points.totalWanted} wanted rows as dots and ${points.totalUnwanted} unwanted rows as crosses` +
    `${points.x.length < points.totalWanted + points.totalUnwanted ? ` (${points.x.length} shown)` : ''}, ` +
    'with the fitted curve before unlearning (dashed), after EMSE unlearning (solid) and after retraining on wanted rows (dotted). ' +
    `Fair R² went from ${formatValue(result.before.fairR2)} to ${formatValue(result.after.fairR2)}.`
  );
}

export class CurveChart {
  private readonly plot = new ThemedPlot('Model curves', (width) => Math.round(Math.min(440, Math.max(260, width * 0.5))));
  readonly element = this.plot.element;

  show(result: AuditResult, points: ChartPoints): void {
    this.plot.show(buildCurveChart(result, points), describeChart(result, points));
  }

  redraw(): void {
    this.plot.redraw();
  }

  clear(): void {
    this.plot.clear();
  }
}
