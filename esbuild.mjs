// One build script, one esbuild context per bundle (the esbuild-sample layout).
// Type-checking is separate (`npm run typecheck`). Langium is ESM-only; every
// Node bundle here is CommonJS (.cjs), so the extension host can require() it.
//   node esbuild.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * Vega's canvas module tries `await import('canvas')` at its top level in Node, which a CommonJS
 * bundle cannot hold. The charts render to SVG and need no canvas (text widths are estimated), so
 * the Node bundles take the module's browser build, which finds no document and returns null.
 */
const vegaCanvasWithoutNodeCanvas = {
  name: 'vega-canvas-without-node-canvas',
  setup(build) {
    build.onResolve({ filter: /^vega-canvas$/ }, () => ({ path: new URL('./node_modules/vega-canvas/build/vega-canvas.browser.js', import.meta.url).pathname }));
  },
};

const node = { ...common, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'], plugins: [vegaCanvasWithoutNodeCanvas] };

const bundles = [
  // The language client is its own bundle, required after activation (see src/extension/main.ts).
  // The banner stamps the start of the bundle's evaluation, so activation time includes loading the code.
  { ...node, entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.cjs', external: ['vscode', './client.cjs'], banner: { js: '"use strict"; globalThis.__protocolPlaygroundLoadStart = performance.now();' } },
  { ...node, entryPoints: ['src/extension/client.ts'], outfile: 'dist/client.cjs' },
  { ...node, entryPoints: ['src/extension/run-worker.ts'], outfile: 'dist/run-worker.cjs' },
  { ...node, entryPoints: ['src/extension/explore-worker.ts'], outfile: 'dist/explore-worker.cjs' },
  { ...node, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.cjs' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.cjs', banner: { js: '#!/usr/bin/env node' } },
  // explore's and lincheck's worker threads (src/workers/pool.ts), started by the CLI and the extension.
  { ...node, entryPoints: ['src/workers/search-worker.ts'], outfile: 'dist/search-worker.cjs' },
  { ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' },
].filter((b) => b.entryPoints.every((entry) => existsSync(entry)));

// The viewer's icons: the codicon font and its stylesheet, next to the webview bundle (dist/ is a
// webview resource root; the .vsix ships no node_modules).
mkdirSync('dist', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/${f}`);

const contexts = await Promise.all(bundles.map((options) => esbuild.context(options)));
if (watch) {
  await Promise.all(contexts.map((ctx) => ctx.watch()));
  console.log(`watching ${contexts.length} bundles…`);
} else {
  await Promise.all(contexts.map((ctx) => ctx.rebuild()));
  await Promise.all(contexts.map((ctx) => ctx.dispose()));
}
