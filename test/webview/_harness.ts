/**
 * Test harness for the viewer in real Chromium: bundles webview/main.ts with
 * esbuild (the same options as esbuild.mjs), writes standalone pages with
 * renderStandaloneHtml, and launches Debian's chromium through playwright-core.
 */
import * as esbuild from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inlineCodiconFont, renderStandaloneHtml } from '../../src/shared/standalone-html.js';
import { loadScenarioFile } from '../../src/cli/load.js';
import { runFile, traceOf } from '../../src/runner/run.js';
import { stringifyTrace } from '../../src/trace/write.js';
import type { TraceDocument } from '../../src/trace/format.js';

/** What page.evaluate callbacks see of the page (this folder is type-checked without the DOM lib). */
export interface PageWindow {
  __viewer?: {
    summary(): Summary;
    goto(i: number): void;
    drawNow(): void;
    eventPoint(i: number): { x: number; y: number } | undefined;
    timings(): { shown: number; read: number; layout: number; draw: number };
  };
  __posted?: { type: string; [key: string]: unknown }[];
  __state?: { step: number };
  __pwned?: unknown;
  postMessage(message: unknown, origin: string): void;
}
export type { ViewerSummary as Summary } from '../../webview/summary.js';
import type { ViewerSummary as Summary } from '../../webview/summary.js';
declare const window: PageWindow;

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let bundle: string | undefined;
export async function viewerBundle(): Promise<string> {
  if (bundle) return bundle;
  const out = await esbuild.build({
    entryPoints: ['webview/main.ts'], bundle: true, platform: 'browser', target: 'es2022', format: 'iife',
    write: false, minify: false, legalComments: 'none', logLevel: 'error',
  });
  bundle = out.outputFiles[0]!.text;
  return bundle;
}

export const viewerCss = (): string => readFileSync('media/viewer.css', 'utf8');
/** The codicon stylesheet with its font inlined, as the CLI's pages carry it. */
export const iconCss = (): string => inlineCodiconFont(readFileSync('node_modules/@vscode/codicons/dist/codicon.css', 'utf8'), readFileSync('node_modules/@vscode/codicons/dist/codicon.ttf').toString('base64'));

const dir = mkdtempSync(join(tmpdir(), 'pp-viewer-'));
let counter = 0;

/** Writes a standalone page for the trace(s) and returns its file:// URL. */
export async function standalonePage(trace: string, right?: string, title = 'trace'): Promise<string> {
  const html = renderStandaloneHtml({ bundleJs: await viewerBundle(), css: viewerCss(), iconCss: iconCss(), trace, ...(right !== undefined ? { right } : {}), title, nonce: `n0nce${(counter + 1).toString(36)}abcdef` });
  const file = join(dir, `page-${++counter}.html`);
  writeFileSync(file, html);
  return pathToFileURL(file).href;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/** A page that records console errors, page errors and CSP violations. */
export async function openPage(browser: Browser, url: string, size = { width: 1400, height: 820 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: size });
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => window.__viewer !== undefined && window.__viewer.summary().mode !== 'empty');
  return { page, errors };
}

export const summary = (page: Page): Promise<Summary> => page.evaluate(() => window.__viewer!.summary());

/**
 * Mocha hooks for a suite of viewer pages: one Chromium for the suite, the
 * bundle built once, every page closed after its test. `open` makes a
 * standalone page of one trace (or two side by side).
 */
export function viewerPages(shots: string): {
  open(trace: string, right?: string, size?: { width: number; height: number }): Promise<{ page: Page; errors: string[] }>;
  /** A blank page of the suite's browser, closed after the test. */
  newPage(size: { width: number; height: number }): Promise<Page>;
} {
  let browser: Browser;
  const pages: Page[] = [];
  before(async () => {
    mkdirSync(shots, { recursive: true });
    await viewerBundle();
    browser = await launch();
  });
  after(async () => { await browser?.close(); });
  afterEach(async () => { for (const p of pages.splice(0)) await p.close(); });
  return {
    async open(trace, right, size) {
      const opened = await openPage(browser, await standalonePage(trace, right), size);
      pages.push(opened.page);
      return opened;
    },
    async newPage(size) {
      const page = await browser.newPage({ viewport: size });
      pages.push(page);
      return page;
    },
  };
}

/** The last element matching `pred` (Array#findLast is ES2023). */
export function findLast<T>(list: readonly T[], pred: (x: T) => boolean): T | undefined {
  for (let k = list.length - 1; k >= 0; k--) if (pred(list[k]!)) return list[k];
  return undefined;
}

/** A real trace: the engine runs an example scenario (with a seed, or its own). */
export async function engineTrace(file: string, scenario: string, seed?: number): Promise<{ doc: TraceDocument; text: string }> {
  const loaded = await loadScenarioFile(file, seed);
  if (!loaded.compiled.ok) throw new Error(`${file} does not compile`);
  const outcome = runFile(loaded.compiled.file, scenario, { text: loaded.text });
  const doc = traceOf(outcome.scenarios[0]!, loaded.text);
  return { doc, text: stringifyTrace(doc) };
}

/** The first event index at or after time `t` (µs); the last event when none is. */
export const stepAt = (doc: TraceDocument, t: number): number => {
  const i = doc.events.findIndex((e) => e.t >= t);
  return i < 0 ? doc.events.length - 1 : i;
};

/** A standalone viewer on `doc` at event `step`, showing the Picture tab with protocol panel `panel` drawn. */
export async function showPanel(browser: Browser, doc: TraceDocument, step: number, panel: string, size = { width: 1400, height: 1100 }): Promise<{ page: Page; errors: string[]; text: () => Promise<string> }> {
  const { page, errors } = await openPage(browser, await standalonePage(stringifyTrace(doc)), size);
  await page.evaluate((i) => window.__viewer!.goto(i), step);
  await page.getByRole('tab', { name: 'Picture' }).click();
  await page.waitForSelector(`.panel-${panel}`);
  return { page, errors, text: async () => (await page.locator(`.panel-${panel}`).innerText()) };
}
