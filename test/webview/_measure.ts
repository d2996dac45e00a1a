/**
 * Viewer figures measured in Chromium (for `npm run bench`, never asserted in
 * tests): the time from navigation start to the first drawn 100 000-event
 * trace (HTML parse, JSON read and validation, layout, first draw), and the
 * time of one step (state at the new index, inspector, event pane, diagram
 * redraw), forward and backward, as the median over many steps.
 * Targets (issue 4): first draw ≤ 1.5 s, one step ≤ 16 ms.
 */
import type { Browser } from 'playwright-core';
import { openPage, standalonePage, type PageWindow } from './_harness.js';
import { syntheticTrace } from './_synthetic.js';

declare const window: PageWindow;

export interface ViewerFigures {
  events: number;
  traceBytes: number;
  firstDrawMs: number;
  stepForwardMs: number;
  stepBackMs: number;
  jumpMs: number;
}

export async function measureViewer(browser: Browser, events = 100_000): Promise<ViewerFigures> {
  const text = JSON.stringify(syntheticTrace(events));
  const { page } = await openPage(browser, await standalonePage(text));
  try {
    const firstDrawMs = await page.evaluate(() => window.__viewer!.timings().shown);
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
    return { events, traceBytes: text.length, firstDrawMs, ...steps };
  } finally {
    await page.close();
  }
}
