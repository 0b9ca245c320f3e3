// The σ sweep: how Fair R² and R² on wanted rows move with the noise parameter σ (log
// axis), with the σ of the current run marked, so a user sees how much the verdict hangs on σ.
// The y axis stops at −1: R² can fall far below that at extreme σ, which would flatten the
// part of the chart that matters (lines leaving the axis are clipped).

import uPlot from 'uplot';
import type { SweepPoint } from '../src/engine/types';
import { formatMetric, formatValue } from './dom';
import { themedAxes, ThemedPlot, type PlotBuilder } from './plot';
import type { ChartColors } from './theme';

/** Draws a vertical rule at the σ actually used. */
function markSigma(sigma: number, color: string): (u: uPlot) => void {
  return (u) => {
    const x = u.valToPos(sigma, 'x', true);
    const { top, height } = u.bbox;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = color;
    ctx.lineWidth = uPlot.pxRatio;
    ctx.setLineDash([3 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.restore();
  };
}

function buildSweepChart(sweep: SweepPoint[], sigma: number): PlotBuilder {
  const sorted = [...sweep].sort((a, b) => a.sigma - b.sigma);
  const data: uPlot.AlignedData = [sorted.map((p) => p.sigma), sorted.map((p) => p.fairR2), sorted.map((p) => p.r2Wanted)];
  const metric = (_u: uPlot, v: number | null) => (v === null ? '–' : formatMetric(v));
  return (colors: ChartColors) => {
    const width = colors.highContrast ? 3 : 2;
    return {
      data,
      options: {
        scales: { x: { time: false, distr: 3 }, y: { range: (_u, min) => [Math.max(-1, Math.min(0, min)), 1] } },
        axes: themedAxes(colors, 'σ (log scale)', 'score'),
        legend: { live: true },
        hooks: { draw: [markSigma(sigma, colors.foreground)] },
        series: [
          { label: 'σ', value: (_u, v) => (v === null ? '–' : formatValue(v)) },
          { label: 'Fair R²', stroke: colors.after, width, points: { show: true, size: 6, fill: colors.after }, value: metric },
          { label: 'R² wanted', stroke: colors.wanted, width, dash: [6, 4], points: { show: true, size: 6, fill: colors.wanted }, value: metric },
        ],
      },
    };
  };
}

function describeSweep(sweep: SweepPoint[], sigma: number): string {
  const best = sweep.reduce((a, b) => (b.fairR2 > a.fairR2 ? b : a));
  return (
    `Line chart of Fair R² and R² on wanted rows against σ on a log scale, ${sweep.length} values of σ from ` +
    `${formatValue(Math.min(...sweep.map((p) => p.sigma)))} to ${formatValue(Math.max(...sweep.map((p) => p.sigma)))}. ` +
    `The run used σ = ${formatValue(sigma)}; Fair R² is highest (${formatMetric(best.fairR2)}) at σ = ${formatValue(best.sigma)}.`
  );
}

export class SweepChart {
  private readonly plot = new ThemedPlot('σ sweep', (width) => Math.round(Math.min(300, Math.max(200, width * 0.35))));
  readonly element = this.plot.element;

  /** Returns false (and shows nothing) when there is no sweep to show. */
  show(sweep: SweepPoint[], sigma: number): boolean {
    if (sweep.length < 2) {
      this.plot.clear();
      return false;
    }
    this.plot.show(buildSweepChart(sweep, sigma), describeSweep(sweep, sigma));
    return true;
  }

  redraw(): void {
    this.plot.redraw();
  }
}
