// What the curve chart and the σ sweep chart share: a uPlot instance that follows its
// container's width and the editor theme, axes styled from the theme, and an accessible
// wrapper (role="img" with a summary, since a canvas says nothing to a screen reader).

import uPlot from 'uplot';
import { el } from './dom';
import { readChartColors, type ChartColors } from './theme';

/** Builds the chart for the current colours; called again when the theme changes. */
export type PlotBuilder = (colors: ChartColors) => { options: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData };

export function themedAxes(colors: ChartColors, xLabel: string, yLabel: string): uPlot.Axis[] {
  const common = {
    stroke: colors.foreground,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1 },
    font: '11px var(--vscode-font-family, sans-serif)',
    labelFont: '12px var(--vscode-font-family, sans-serif)',
  };
  return [
    { ...common, label: xLabel },
    { ...common, label: yLabel, size: 56 },
  ];
}

export class ThemedPlot {
  /** The element to put in the page: role="img" with the summary as its label. */
  readonly element: HTMLElement;
  private plot?: uPlot;
  private build?: PlotBuilder;
  private readonly resizeObserver: ResizeObserver;

  constructor(label: string, private readonly heightFor: (width: number) => number) {
    this.element = el('div', { class: 'plot', role: 'img', 'aria-label': label });
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.element);
  }

  show(build: PlotBuilder, summary: string): void {
    this.build = build;
    this.element.setAttribute('aria-label', summary);
    this.redraw();
  }

  /** Rebuilds with fresh theme colours (uPlot bakes colours in at creation). */
  redraw(): void {
    this.plot?.destroy();
    this.plot = undefined;
    if (!this.build) return;
    const width = this.width();
    const { options, data } = this.build(readChartColors());
    this.plot = new uPlot({ ...options, width, height: this.heightFor(width) }, data, this.element);
  }

  clear(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.build = undefined;
  }

  private width(): number {
    return Math.max(240, Math.floor(this.element.clientWidth));
  }

  private resize(): void {
    if (!this.plot) return;
    const width = this.width();
    if (width !== this.plot.width) this.plot.setSize({ width, height: this.heightFor(width) });
  }
}
