/**
 * Viewer figures measured in Chromium (for `npm run bench`, never asserted in
 * tests):
 * - first draw: from the trace text to the drawn viewer (JSON read and
 *   validation, layout, first draw) — what a VS Code webview does with a
 *   `loadTrace` message — next to `JSON.parse` of the same text in the same
 *   page, the floor any viewer pays (issue 16: ≤ 8×);
 * - the same from navigation start on a standalone page, which adds the
 *   browser reading the page (10 MB of it is the inlined trace);
 * - one step (state at the new index, inspector, event pane, diagram
 *   redraw), forward and backward, the median over many steps (≤ 16 ms).
 */
import type { Browser } from 'playwright-core';
import { openPage, standalonePage, type PageWindow } from './_harness.js';
import { syntheticTrace } from './_synthetic.js';

declare const window: PageWindow;

export interface ViewerFigures {
  events: number;
  traceBytes: number;
  /** From navigation start (the page includes the trace). */
  firstDrawMs: number;
  /** From the trace text: read + layout + draw of the first load, and its phases. */
  fromTextMs: number;
  phases: { read: number; layout: number; draw: number };
  /** JSON.parse of the same text in the same page (median of 5). */
  parseMs: number;
  stepForwardMs: number;
  stepBackMs: number;
  jumpMs: number;
}

export async function measureViewer(browser: Browser, events = 100_000): Promise<ViewerFigures> {
  const text = JSON.stringify(syntheticTrace(events));
  const { page } = await openPage(browser, await standalonePage(text));
  try {
    const t = await page.evaluate(() => window.__viewer!.timings());
    const firstDrawMs = t.shown;
    const phases = { read: t.read, layout: t.layout, draw: t.draw };
    const parseMs = await page.evaluate(`(() => {
      const text = document.getElementById('trace').textContent;
      const xs = [];
      for (let k = 0; k < 5; k++) { const t0 = performance.now(); JSON.parse(text); xs.push(performance.now() - t0); }
      return xs.sort((a, b) => a - b)[2];
    })()`) as number;
    // A string, not a function: tsx would wrap named arrow functions in a helper the page lacks.
    const steps = await page.evaluate(`(() => {
      const v = window.__viewer;
      const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const time = (f) => { const t0 = performance.now(); f(); v.drawNow(); return performance.now() - t0; };
      v.goto(50000);
      const fwd = [], back = [], jump = [];
      for (let k = 1; k <= 200; k++) fwd.push(time(() => v.goto(50000 + k)));
      for (let k = 199; k >= 0; k--) back.push(time(() => v.goto(50000 + k)));
      for (let k = 0; k < 50; k++) jump.push(time(() => v.goto((k * 7919) % 100000)));
      return { stepForwardMs: median(fwd), stepBackMs: median(back), jumpMs: median(jump) };
    })()`) as { stepForwardMs: number; stepBackMs: number; jumpMs: number };
    return { events, traceBytes: text.length, firstDrawMs, fromTextMs: phases.read + phases.layout + phases.draw, phases, parseMs, ...steps };
  } finally {
    await page.close();
  }
}
