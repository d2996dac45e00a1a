// @vscode/test-cli configuration: runs the same extension-host suite as the
// code-server e2e (test/e2e/exthost/suite.ts, bundled by
// test/e2e/build-exthost.mjs) in a desktop VS Code that @vscode/test-electron
// downloads. That download needs the VS Code update server, which CI here
// cannot reach; run `npm run test:vscode` on a machine that can.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'extension-host',
  files: '.e2e/exthost/suite.cjs',
  workspaceFolder: '.e2e/ws-exthost',
  version: '1.100.3',
  mocha: { ui: 'tdd', timeout: 90_000 },
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
});
