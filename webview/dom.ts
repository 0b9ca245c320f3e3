// Tiny DOM builders. Dataset text only ever reaches the page through textContent or
// attribute setters, never through innerHTML, so a cell value cannot become markup.

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | number | boolean | undefined>;

/** Creates an element; `true` attributes are set empty, false/undefined ones are left out. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attributes, ...children: Child[]): HTMLElementTagNameMap[K];
export function el(tag: string, attrs?: Attributes, ...children: Child[]): HTMLElement;
export function el(tag: string, attrs: Attributes = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Metrics in [0, 1] and similar: three decimals, a real minus sign, "–" for not-a-number. */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value.toFixed(3).replace('-', '−');
}

/** Data values and objectives: up to four significant digits, exponent when very large or small. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const magnitude = Math.abs(value);
  const text = magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-3) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
  return text.replace(/-/g, '−');
}

/** A signed difference such as "+0.412" or "−0.020". */
export function formatDelta(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}`;
}
