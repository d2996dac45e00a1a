// Runs the extension-host mocha suite INSIDE code-server's Node extension
// host: the workbench opens with a `payload` naming the extension under
// development and the test entry (the same protocol as @vscode/test-web),
// and the page exposes codeAutomationLog / codeAutomationExit, which the
// extension host calls with its console output and, when run() settles, its
// exit code.
//   node test/e2e/exthost.mjs <base-url> <workspace> <extensionDevelopmentPath> <extensionTestsPath>
import { chromium } from 'playwright-core';
import { format } from 'node:util';

const [base, workspace, devPath, testsPath] = process.argv.slice(2);
if (!base || !workspace || !devPath || !testsPath) {
  console.error('usage: node test/e2e/exthost.mjs <base-url> <workspace> <extensionDevelopmentPath> <extensionTestsPath>');
  process.exit(2);
}
const authority = new URL(base).host;
const remote = (path) => `vscode-remote://${authority}${path}`;
const payload = [['extensionDevelopmentPath', remote(devPath)], ['extensionTestsPath', remote(testsPath)]];
const url = `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
const TIMEOUT_MS = Number(process.env.E2E_EXTHOST_TIMEOUT_MS ?? 240_000);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const page = await (await browser.newContext()).newPage();
const counts = { passed: 0, failed: 0 };
let settle;
const exited = new Promise((resolve) => { settle = resolve; });
await page.exposeFunction('codeAutomationLog', (_type, args) => {
  const line = format(...args);
  console.log(line);
  let m;
  if ((m = /(\d+) passing/.exec(line))) counts.passed = Number(m[1]);
  if ((m = /(\d+) failing/.exec(line))) counts.failed = Number(m[1]);
});
await page.exposeFunction('codeAutomationExit', (code) => settle(code));
page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
await page.goto(url);
let timer;
const code = await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS); })]);
clearTimeout(timer);
await browser.close();
if (code === 'timeout') console.log(`the extension host did not finish within ${TIMEOUT_MS / 1000} s`);
const failed = counts.failed || (code === 0 ? 0 : 1);
console.log(`extension-host tests: ${counts.passed} passed, ${failed} failed`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
