/**
 * The extension-host test entry (`extensionTestsPath`): VS Code's extension
 * host requires this bundle and calls `run()`, which runs the mocha suite
 * bundled next to it and rejects when a test fails. Used inside code-server
 * (test/e2e/exthost.mjs) and, through the same suite file, by @vscode/test-cli
 * in desktop VS Code (.vscode-test.mjs).
 */
import Mocha from 'mocha';
import { join } from 'node:path';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 90_000, color: false, reporter: 'spec' });
  mocha.addFile(join(__dirname, 'suite.cjs'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      if (failures > 0) reject(new Error(`${failures} extension-host test${failures === 1 ? '' : 's'} failed`));
      else resolve();
    });
  });
}
