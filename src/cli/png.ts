/**
 * PNG from SVG for `protocol-playground export --to png`. Rasterizing text
 * needs a font engine, which no small pure-JS library brings; headless
 * Chromium (already what the viewer runs in) draws the exporter's SVG
 * exactly as a browser shows it: `chromium --headless --screenshot`. The
 * browser is found in CHROMIUM_PATH, then the usual install paths; without
 * one the command says so and suggests `--to svg`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileError } from './load.js';

const CANDIDATES = [
  '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const own = env.CHROMIUM_PATH;
  if (own) return existsSync(own) ? own : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/** Renders an SVG document (with width and height attributes) to a PNG file at `out`. */
export function svgToPng(svgText: string, out: string): void {
  const browser = findChromium();
  if (!browser) throw new FileError('--to png needs Chromium or Chrome (set CHROMIUM_PATH, or install chromium); --to svg needs nothing');
  const size = /<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"/.exec(svgText);
  const [w, h] = size ? [Number(size[1]), Number(size[2])] : [1200, 800];
  const dir = mkdtempSync(join(tmpdir(), 'pp-png-'));
  try {
    const page = join(dir, 'diagram.svg');
    writeFileSync(page, svgText);
    const target = resolve(out);
    const run = spawnSync(browser, [
      '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--disable-background-networking', '--no-first-run',
      `--user-data-dir=${join(dir, 'profile')}`, `--screenshot=${target}`, `--window-size=${w},${h}`, pathToFileURL(page).href,
    ], { encoding: 'utf8', timeout: 60_000 });
    if (run.status !== 0 || !existsSync(target)) {
      throw new FileError(`Chromium (${browser}) could not render the PNG: ${(run.error?.message ?? run.stderr ?? '').split('\n').filter(Boolean).slice(-2).join(' ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
