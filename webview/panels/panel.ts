/**
 * Protocol panels: a picture of the protocol's state beside the generic tree.
 * A panel says whether it applies (by protocol name, or by the shape of the
 * states) and renders from the states at the current step. Adding one means
 * writing a file here and one line in `PANELS` (index.ts).
 */
import type { Json } from '../../src/engine/protocol.js';

export interface PanelInput {
  readonly protocol: string;
  readonly nodes: readonly string[];
  readonly states: Readonly<Record<string, Json>>;
  readonly roles: Readonly<Record<string, string>>;
  readonly down: ReadonlySet<string>;
  /** The scenario's parameters (e.g. `vnodes`). */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface ProtocolPanel {
  readonly id: string;
  readonly title: string;
  applies(input: PanelInput): boolean;
  render(input: PanelInput): Element;
}

export const isRecord = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stable colour (hue) per index, for node colours in panels. */
export function hue(k: number): number {
  return (k * 137.508) % 360;
}
