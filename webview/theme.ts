// Chart colours come from the editor theme (the --vscode-* variables VS Code sets on the
// webview's <html>), read again whenever VS Code switches the theme class on <body>.

export interface ChartColors {
  foreground: string;
  grid: string;
  background: string;
  wanted: string;
  unwanted: string;
  before: string;
  after: string;
  retrain: string;
  /** High contrast themes get thicker lines and larger markers. */
  highContrast: boolean;
}

export function readChartColors(): ChartColors {
  const style = getComputedStyle(document.documentElement);
  const variable = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = variable('--vscode-foreground', '#cccccc');
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  return {
    foreground,
    grid: highContrast ? variable('--vscode-contrastBorder', foreground) : variable('--vscode-editorWidget-border', 'rgba(128, 128, 128, 0.35)'),
    background: variable('--vscode-editor-background', 'transparent'),
    wanted: variable('--vscode-charts-blue', '#3794ff'),
    unwanted: variable('--vscode-charts-red', '#f14c4c'),
    before: variable('--vscode-charts-orange', '#d18616'),
    after: variable('--vscode-charts-green', '#89d185'),
    retrain: variable('--vscode-charts-purple', '#b180d7'),
    highContrast,
  };
}

/** Calls `onChange` after VS Code switches between dark, light and high contrast themes. */
export function onThemeChange(onChange: () => void): void {
  let lastClass = document.body.className;
  new MutationObserver(() => {
    if (document.body.className === lastClass) return;
    lastClass = document.body.className;
    onChange();
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
