/**
 * The viewer in Chromium (Debian's, through playwright-core): first draw of a
 * 100 000-event trace and one step. The baseline is Chromium's own
 * JSON.parse of the same trace text in the same page, the floor any viewer
 * pays (issue 16's target: first draw ≤ 8× that). The figure from navigation
 * start adds the browser reading a 10 MB page; its baseline is the same page
 * with no viewer (the trace's script element and JSON.parse only).
 */
import type { BenchRow } from './types.js';
import type { Browser } from 'playwright-core';
import { launch, standalonePage } from '../test/webview/_harness.js';
import { measureViewer } from '../test/webview/_measure.js';
import { syntheticTrace } from '../test/webview/_synthetic.js';

export async function benchViewer(): Promise<BenchRow[]> {
  const browser = await launch();
  try {
    const figures = await measureViewer(browser, 100_000);
    const floor = await pageFloor(browser, JSON.stringify(syntheticTrace(100_000)));
    const mb = (figures.traceBytes / 1e6).toFixed(1);
    const p = figures.phases;
    return [
      { name: `first draw of a ${figures.events}-event trace (${mb} MB), from its text`, value: figures.fromTextMs, unit: 'ms', baseline: { name: 'JSON.parse, same page', value: figures.parseMs }, target: '≤ 8× JSON.parse' },
      { name: `  of which: read ${p.read.toFixed(0)} ms, layout ${p.layout.toFixed(0)} ms, draw ${p.draw.toFixed(0)} ms`, value: p.read, unit: 'ms (read)' },
      { name: 'first draw from navigation (standalone page)', value: figures.firstDrawMs, unit: 'ms', baseline: { name: 'the page without the viewer', value: floor }, target: '≤ 1500 ms' },
      { name: 'one step forward (median of 200)', value: figures.stepForwardMs, unit: 'ms', target: '≤ 16 ms' },
      { name: 'one step back (median of 200)', value: figures.stepBackMs, unit: 'ms', target: '≤ 16 ms' },
      { name: 'random jump (median of 50)', value: figures.jumpMs, unit: 'ms' },
    ];
  } finally {
    await browser.close();
  }
}

/**
 * Navigation start to the end of JSON.parse on the same standalone page with
 * the viewer's script replaced by a bare JSON.parse: what reading a 10 MB page
 * costs any viewer.
 */
async function pageFloor(browser: Browser, text: string): Promise<number> {
  const url = await standalonePage(text);
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const path = fileURLToPath(url);
  const html = readFileSync(path, 'utf8');
  const at = html.lastIndexOf('<script nonce=');
  const nonce = /nonce="([^"]+)"/.exec(html.slice(at))![1];
  writeFileSync(path, `${html.slice(0, at)}<script nonce="${nonce}">JSON.parse(document.getElementById('trace').textContent); window.__done = performance.now();</script></body></html>`);
  const page = await browser.newPage();
  try {
    await page.goto(url);
    return (await page.evaluate('window.__done')) as number;
  } finally {
    await page.close();
  }
}
