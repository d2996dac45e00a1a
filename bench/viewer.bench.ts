/**
 * The viewer in Chromium (Debian's, through playwright-core): load and first
 * draw of a 100 000-event trace, and one step. The baseline is Chromium's own
 * JSON.parse of the same trace text, the floor any viewer has to pay.
 */
import type { BenchRow } from './types.js';
import { launch } from '../test/webview/_harness.js';
import { measureViewer } from '../test/webview/_measure.js';
import { syntheticTrace } from '../test/webview/_synthetic.js';

export async function benchViewer(): Promise<BenchRow[]> {
  const browser = await launch();
  try {
    const figures = await measureViewer(browser, 100_000);
    const page = await browser.newPage();
    const text = JSON.stringify(syntheticTrace(100_000));
    const parseMs = (await page.evaluate(`((t) => { const t0 = performance.now(); JSON.parse(t); return performance.now() - t0; })(${JSON.stringify(text)})`)) as number;
    await page.close();
    const mb = (figures.traceBytes / 1e6).toFixed(1);
    return [
      { name: `first draw of a ${figures.events}-event trace (${mb} MB)`, value: figures.firstDrawMs, unit: 'ms', baseline: { name: 'JSON.parse alone', value: parseMs }, target: '≤ 1500 ms' },
      { name: 'one step forward (median of 200)', value: figures.stepForwardMs, unit: 'ms', target: '≤ 16 ms' },
      { name: 'one step back (median of 200)', value: figures.stepBackMs, unit: 'ms', target: '≤ 16 ms' },
      { name: 'random jump (median of 50)', value: figures.jumpMs, unit: 'ms' },
    ];
  } finally {
    await browser.close();
  }
}
