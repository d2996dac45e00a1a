/**
 * The sweep panel's charts follow VS Code's theme: a dark theme shows the
 * chart drawn for it (transparent, light text) instead of a white card,
 * checked in a real Chromium on the page the extension shows.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chartSvg } from '../../src/charts/svg.js';
import { renderSweepHtml } from '../../src/shared/sweep-html.js';
import { launch } from '../webview/_harness.js';

const SPEC = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  title: 'load_cv by vnodes',
  data: { values: [{ vnodes: 1, load_cv: 0.6 }, { vnodes: 10, load_cv: 0.25 }, { vnodes: 100, load_cv: 0.08 }] },
  mark: { type: 'line', point: true },
  encoding: { x: { field: 'vnodes', type: 'quantitative', scale: { type: 'log' } }, y: { field: 'load_cv', type: 'quantitative' } },
};

/** Which of each figure's images the page shows (a string: the test's TypeScript has no DOM types). */
const shown = (page: Page): Promise<string[][]> => page.evaluate(`[...document.querySelectorAll('figure')].map((f) =>
  [...f.querySelectorAll('img')].filter((i) => getComputedStyle(i).display !== 'none' && i.getBoundingClientRect().width > 0).map((i) => i.className))`);
/** Gives the page's body VS Code's theme classes. */
const theme = (page: Page, classes: string): Promise<unknown> => page.evaluate(`document.body.className = ${JSON.stringify(classes)}`);

describe('sweep charts in light and dark themes', () => {
  let browser: Browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  it('draws a dark variant on a transparent background with light text, and the light one on white', async () => {
    const light = await chartSvg(SPEC);
    const dark = await chartSvg(SPEC, 'dark');
    assert.match(light, /fill="white"/);
    assert.doesNotMatch(dark, /fill="white"/);
    assert.match(dark, /fill="#cccccc"/, 'axis labels in the dark theme\'s text grey');
    assert.doesNotMatch(light, /#cccccc/);
  });

  it('the page shows the light chart, and under VS Code\'s dark or high-contrast body class the dark one; a chart without a dark variant stays', async () => {
    const svg = await chartSvg(SPEC);
    const svgDark = await chartSvg(SPEC, 'dark');
    const html = renderSweepHtml({ title: 'sweep "balance"', table: ['vnodes  load_cv'], nonce: 'n0nceabcdef1', charts: [{ title: 'both', svg, svgDark }, { title: 'light only', svg }] });
    const file = join(mkdtempSync(join(tmpdir(), 'pp-sweep-')), 'sweep.html');
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction('[...document.images].every((i) => i.complete && i.naturalWidth > 0)');
    assert.deepEqual(await shown(page), [['light'], ['light']]);
    for (const kind of ['vscode-dark', 'vscode-high-contrast']) {
      await theme(page, kind);
      assert.deepEqual(await shown(page), [['dark'], ['light']], kind);
    }
    await theme(page, 'vscode-high-contrast vscode-high-contrast-light');
    assert.deepEqual(await shown(page), [['light'], ['light']], 'high contrast light');
    if (process.env.SWEEP_SHOTS) {
      await theme(page, 'vscode-dark');
      await page.evaluate(`document.body.style.background = '#1e1e1e'; document.body.style.color = '#cccccc'`);
      await page.screenshot({ path: join(process.env.SWEEP_SHOTS, 'sweep-dark.png') });
    }
    assert.deepEqual(errors, [], 'no console errors (CSP included)');
    await page.close();
  });
});
