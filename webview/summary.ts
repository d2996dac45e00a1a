/**
 * The viewer's read-only debug summary (`window.__viewer.summary()`), read by
 * the browser tests and the benchmark. DOM-free, so Node-side code can import
 * the type.
 */
/** What the tests and the benchmark read (window.__viewer.summary()). */
export interface ViewerSummary {
  mode: 'empty' | 'single' | 'pair' | 'error';
  error?: string;
  lanes: number;
  arrows: number;
  events: number;
  step: number;
  time: number;
  /** The kind of the event at the cursor. */
  eventKind?: string;
  /** The kind the k / Shift+K jumps look for. */
  kind: string;
  violations: number[];
  divergence: number;
  rightStep: number;
  drawnArrows: number;
  inspectedNodes: number;
  changedValues: number;
  differingValues: number;
  panel?: string;
  playing: boolean;
  highlighted: number;
  /** The labels the left diagram drew in its last frame (CSS px on its canvas). */
  labels: { x: number; y: number; w: number; h: number; text: string }[];
  /** Bands of periodic rounds in view, and how many of them are drawn collapsed. */
  bands: number;
  collapsedBands: number;
  /** Routine periodic messages in the left trace. */
  periodic: number;
  view: { t0: number; t1: number };
  rightView?: { t0: number; t1: number };
}

