/**
 * Protocol panels: a picture of the protocol's state beside the generic
 * tree (the "Picture" tab). A panel says whether it applies (by protocol
 * name, or by the shape of the states), renders from the states at the
 * current step, and says what its colours and marks mean: the viewer draws
 * that legend above the picture, so every panel has one, always visible.
 *
 * Adding a panel (see webview/README.md): write `webview/panels/<name>.ts`
 * exporting a `ProtocolPanel`, add it to `PANELS` in index.ts, and add a
 * case to test/webview/panels.test.ts. Keep it narrow: the Picture tab sits
 * beside an editor, often 400–500 px wide; scroll inside the panel, never
 * the page. Render only through dom.ts (`h`, `svg`): text and attributes,
 * no innerHTML, no style attributes (strict CSP).
 */
import type { Json } from '../../src/engine/protocol.js';
import type { TraceDocument } from '../../src/trace/format.js';

export interface PanelInput {
  readonly protocol: string;
  readonly nodes: readonly string[];
  readonly states: Readonly<Record<string, Json>>;
  readonly roles: Readonly<Record<string, string>>;
  readonly down: ReadonlySet<string>;
  /** The scenario's parameters (e.g. `vnodes`). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The whole trace, for what a state alone does not say (timers, the messages of a change). Derive from it once per trace (a WeakMap on it). */
  readonly doc: TraceDocument;
  /** The current step: the event index (-1 before the first) and its time, µs. */
  readonly index: number;
  readonly time: number;
}

/** One entry of a panel's legend: a swatch and what it means. */
export interface PanelLegendItem {
  readonly label: string;
  /** `fill`: a filled square; `outline` and `dashed`: a square's border; `line`; `text`: a glyph. */
  readonly swatch: 'fill' | 'outline' | 'dashed' | 'line' | 'text';
  /** A CSS colour (for `text`, the colour of the glyph); theme colours as `var(--pp-…)`. */
  readonly colour?: string;
  readonly text?: string;
}

export interface ProtocolPanel {
  readonly id: string;
  readonly title: string;
  applies(input: PanelInput): boolean;
  render(input: PanelInput): Element;
  /** What the picture's colours and marks mean, for the state shown. */
  legend(input: PanelInput): readonly PanelLegendItem[];
}

export const isRecord = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stable colour (hue) per index, for node colours in panels. */
export function hue(k: number): number {
  return (k * 137.508) % 360;
}
