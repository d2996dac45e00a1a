// Bundles the extension-host tests (test/e2e/exthost/*.ts) as CommonJS for
// the extension host, and makes a fresh e2e workspace (a copy of examples/)
// under .e2e/: both code-server and @vscode/test-cli use them.
import * as esbuild from 'esbuild';
import { cpSync, rmSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode', 'mocha'], logLevel: 'warning' };
await esbuild.build({ ...common, entryPoints: ['test/e2e/exthost/index.ts'], outfile: '.e2e/exthost/index.cjs' });
await esbuild.build({ ...common, entryPoints: ['test/e2e/exthost/suite.ts'], outfile: '.e2e/exthost/suite.cjs' });
for (const ws of ['.e2e/ws-ui', '.e2e/ws-exthost']) {
  rmSync(ws, { recursive: true, force: true });
  cpSync('examples', ws, { recursive: true, filter: (src) => !src.endsWith('.trace.json') });
}
