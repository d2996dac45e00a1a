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
  kind?: string;
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
}

