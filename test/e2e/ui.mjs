// The UI test: drives the real VS Code workbench (code-server) in Debian's
// headless Chromium with playwright-core, as a user would. Every step waits
// for the element or event it needs (never a fixed sleep) and saves a
// screenshot under test-results/e2e/.
//   node test/e2e/ui.mjs <workbench-url> <workspace-dir>
import { chromium } from 'playwright-core';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [url, workspace] = process.argv.slice(2);
if (!url || !workspace) {
  console.error('usage: node test/e2e/ui.mjs <workbench-url> <workspace-dir>');
  process.exit(2);
}
const EXT_ID = 'protocol-playground.protocol-playground';
const SHOTS = resolve('test-results/e2e');
mkdirSync(SHOTS, { recursive: true });
const started = Date.now();
const log = (m) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${m}`);

const profile = mkdtempSync(join(tmpdir(), 'pp-e2e-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1500, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const page = context.pages()[0] ?? await context.newPage();
page.on('pageerror', (e) => log(`page error: ${e.message}`));

const explorerRow = (name) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^\\s*${name.replace(/\./g, '\\.')}\\s*$`) });
const editorLines = page.locator('.monaco-editor .view-lines').first();
const palette = page.locator('.quick-input-widget .quick-input-box input');
const viewer = () => page.frameLocator(`iframe.webview.ready[src*="extensionId=${EXT_ID}"]`).frameLocator('iframe#active-frame');
const squiggles = page.locator('.monaco-editor .squiggly-error');
const quickRows = page.locator('.quick-input-list .monaco-list-row');
// Screenshots the README and docs show, taken here from the real workbench so they stay current.
const DOCS = resolve('docs/images');
const docShot = async (name) => { await page.screenshot({ path: join(SHOTS, name) }); copyFileSync(join(SHOTS, name), join(DOCS, name)); };

/** Waits until a file exists (written by the extension). */
async function fileAppears(path, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} was not written`);
    await page.waitForTimeout(100); // poll the disk: the write happens in the extension host
  }
}

async function viewerSummary(timeout = 60_000) {
  const body = viewer().locator('body');
  await body.waitFor({ timeout });
  const deadline = Date.now() + timeout;
  for (;;) {
    const s = await body.evaluate(() => window.__viewer?.summary() ?? null).catch(() => null);
    if (s && s.mode !== 'empty') return s;
    if (Date.now() > deadline) throw new Error(`the viewer showed nothing: ${JSON.stringify(s)}`);
    await page.waitForTimeout(100); // poll the viewer's state between frames
  }
}

/** Waits until the status bar shows the cursor on `line` (keys pressed before the editor caught up can be lost). */
async function cursorAt(line) {
  await page.locator('#status\\.editor\\.selection', { hasText: new RegExp(`Ln ${line},`) }).waitFor({ timeout: 20_000 });
}

/**
 * The CodeLens titled `title` over scenario `name`: the nearest lens row
 * above its line (a file's scenarios each have one, and which are rendered
 * depends on the scroll position).
 */
async function lensAbove(name, title) {
  // The editor renders spaces as no-break spaces; `\s` matches both.
  const line = new RegExp(`^\\s*scenario\\s+"${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s')}"`);
  const target = page.locator('.monaco-editor .view-line:visible', { hasText: line }).first();
  await target.waitFor({ timeout: 30_000 });
  const lenses = page.locator('.codelens-decoration a:visible', { hasText: title });
  await lenses.first().waitFor({ timeout: 30_000 });
  const y = (await target.boundingBox()).y;
  let best, gap = Infinity;
  for (const lens of await lenses.all()) {
    const box = await lens.boundingBox();
    if (box && box.y < y && y - box.y < gap) { best = lens; gap = y - box.y; }
  }
  if (!best) throw new Error(`no "${title}" lens above ${line}`);
  return best;
}

/** Opens a workspace file with Go to File… (which folders the Explorer has open varies). */
async function goToFile(path) {
  await command('Go to File...');
  await palette.waitFor({ timeout: 20_000 });
  await palette.fill(path);
  // Click the row of that folder and name: Enter takes the top row, which Quick Open gives to a recently opened file
  // that matches loosely (the commit counterexample, after the Explore step, for raft/explore.scenario).
  const row = quickRows.filter({ hasText: path.split('/')[0] }).filter({ hasText: path.split('/').pop() }).first();
  await row.waitFor({ timeout: 20_000 });
  await row.click();
  // Up to a minute: a loaded machine (the full suite with other work beside it) once took longer than 20 s here.
  await page.locator('.tabs-container .tab', { hasText: path.split('/').pop() }).waitFor({ timeout: 60_000 });
  await page.locator('.breadcrumbs-control', { hasText: path.split('/')[0] }).first().waitFor({ timeout: 60_000 });
}

/** Moves the cursor to `line` (1-based) with Go to Line, bringing it into view. */
async function goToLine(line) {
  await command('Go to Line/Column...');
  await palette.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await cursorAt(line);
}

async function command(title) {
  await editorLines.click().catch(() => undefined);
  await page.keyboard.press('Control+Shift+P');
  await palette.waitFor({ timeout: 20_000 });
  await palette.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
}

const steps = [
  ['open the examples folder', async () => {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await explorerRow('ring').waitFor({ timeout: 90_000 });
  }],
  ['open a ring scenario and see the language mode', async () => {
    await explorerRow('ring').click();
    await explorerRow('balance.scenario').click();
    await page.locator('.tabs-container .tab', { hasText: 'balance.scenario' }).waitFor({ timeout: 20_000 });
    await editorLines.click();
    await page.locator('#status\\.editor\\.mode', { hasText: 'Scenario' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, '1-scenario.png') });
  }],
  ['type an error, see a diagnostic, fix it, see it go', async () => {
    await editorLines.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('bogus statement here');
    await squiggles.first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SHOTS, '2-diagnostic.png') });
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await squiggles.first().waitFor({ state: 'detached', timeout: 60_000 });
    await page.keyboard.press('Control+S');
  }],
  ['trigger completion in the cluster block and see a parameter', async () => {
    await editorLines.click();
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End'); // end of line 11, `  hash md5`
    await page.keyboard.press('Enter');
    await cursorAt(12);
    await page.keyboard.press('Control+Space');
    const item = page.locator('.suggest-widget .monaco-list-row', { hasText: /^replicas/ });
    await item.first().waitFor({ timeout: 30_000 });
    const labels = await page.locator('.suggest-widget .monaco-list-row .label-name').allInnerTexts();
    for (const p of ['replicas', 'mode']) if (!labels.includes(p)) throw new Error(`${p} not suggested: ${labels.join(', ')}`);
    for (const p of ['vnodes', 'hash']) if (labels.includes(p)) throw new Error(`${p} is set already but suggested again: ${labels.join(', ')}`);
    const detail = (await item.first().locator('.details-label').innerText().catch(() => '')).trim();
    log(`suggested ${labels.join(', ')}; replicas detail: "${detail}"`);
    if (detail && !/^int, default \d+/.test(detail)) throw new Error(`unexpected detail for replicas: ${detail}`);
    await page.screenshot({ path: join(SHOTS, '2b-completion.png') });
    await page.keyboard.press('Escape');
    await page.locator('.suggest-widget .monaco-list-row').first().waitFor({ state: 'hidden', timeout: 10_000 });
    await page.keyboard.press('Control+Z');
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
    await cursorAt(11);
  }],
  ['hover over a parameter shows its doc', async () => {
    const word = page.locator('.monaco-editor .view-line span span', { hasText: /^vnodes$/ }).first();
    await word.hover();
    const hover = page.locator('.monaco-hover', { hasText: 'Virtual nodes per unit of weight' });
    await hover.first().waitFor({ state: 'visible', timeout: 30_000 });
    const text = await hover.first().innerText();
    if (!/int, default/.test(text)) throw new Error(`the hover has no type/default: ${text}`);
    log(`hover: ${text.replace(/\s+/g, ' ').slice(0, 100)}`);
    await page.screenshot({ path: join(SHOTS, '2c-hover.png') });
    await page.keyboard.press('Escape');
  }],
  ['run the scenario from its CodeLens', async () => {
    const run = page.locator('.codelens-decoration a', { hasText: /^\W*Run$/ }).first();
    await run.waitFor({ timeout: 30_000 });
    await run.click();
    await page.locator('#protocolPlayground\\.lastRun, [id="protocol-playground.protocol-playground.protocolPlayground.lastRun"]', { hasText: /expects held/ })
      .first().waitFor({ timeout: 60_000 }).catch(() => undefined); // the status item's id differs between versions; the viewer below is the real check
  }],
  ['find the viewer panel and read its node lanes', async () => {
    await page.locator('.tabs-container .tab', { hasText: 'Trace: balance' }).waitFor({ timeout: 60_000 });
    const s = await viewerSummary();
    if (s.mode !== 'single' || s.lanes < 5 || s.events === 0) throw new Error(`unexpected viewer state ${JSON.stringify(s)}`);
    const text = await viewer().locator('body').innerText();
    for (const n of ['n1', 'n5']) if (!text.includes(n)) throw new Error(`node ${n} not shown in the viewer`);
    log(`viewer: ${s.lanes} lanes, ${s.events} events, ${s.arrows} arrows`);
    await docShot('vscode-viewer.png');
    // The toolbar: icons with tooltips that name their keys; the legend of message types.
    const tips = await viewer().locator('button.tool').evaluateAll((bs) => bs.map((b) => b.getAttribute('title') ?? ''));
    for (const t of ['Step forward one event (→ / l)', 'Keyboard shortcuts', 'Zoom to fit the whole run (0)']) if (!tips.some((x) => x.startsWith(t.replace(/\s\(.*/, '')))) throw new Error(`no toolbar button "${t}": ${tips.join(' | ')}`);
    if (await viewer().locator('.legend button.legend-chip').count() < 1) throw new Error('no message-type legend');
  }],
  ['step with the keyboard inside the viewer', async () => {
    const body = viewer().locator('body');
    const before = (await viewerSummary()).step;
    await body.click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    await viewer().locator('body').press('End');
    const deadline = Date.now() + 10_000;
    let after = before;
    while (after === before && Date.now() < deadline) { after = (await viewerSummary()).step; if (after === before) await page.waitForTimeout(100); }
    if (after === before) throw new Error(`End did not move the step (still ${before})`);
    await viewer().locator('body').press('ArrowLeft');
    log(`stepped ${before} → ${after} → ${(await viewerSummary()).step}`);
  }],
  ['clicking the source line of an event reveals it in the scenario', async () => {
    // (60 s: on a loaded machine the webview and the editor can take tens of seconds to answer)
    await viewer().locator('body').press('Home');
    const link = viewer().locator('.event-links button', { hasText: /^line 16$/ });
    await link.waitFor({ timeout: 60_000 });
    await link.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'balance.scenario' }).waitFor({ timeout: 60_000 });
    await page.locator('#status\\.editor\\.selection', { hasText: /Ln 16,/ }).waitFor({ timeout: 60_000 });
  }],
  ['moving the cursor onto a scenario line highlights its events', async () => {
    await page.keyboard.press('Control+Home'); // line 1 caused nothing
    await page.locator('#status\\.editor\\.selection', { hasText: /Ln 1,/ }).waitFor({ timeout: 20_000 });
    for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowDown');
    await page.locator('#status\\.editor\\.selection', { hasText: /Ln 16,/ }).waitFor({ timeout: 20_000 });
    const deadline = Date.now() + 20_000;
    let s = await viewerSummary();
    while (s.highlighted === 0 && Date.now() < deadline) { await page.waitForTimeout(100); s = await viewerSummary(); }
    if (s.highlighted === 0) throw new Error('no events highlighted for line 16');
    log(`line 16 highlights ${s.highlighted} events`);
    await page.screenshot({ path: join(SHOTS, '3b-highlight.png') });
  }],
  ['the viewer panel comes back after a window reload', async () => {
    await command('Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await page.locator('.tabs-container .tab', { hasText: 'Trace: balance' }).waitFor({ timeout: 60_000 });
    await page.locator('.tabs-container .tab', { hasText: 'Trace: balance' }).click();
    const s = await viewerSummary();
    if (s.mode !== 'single' || s.lanes < 5) throw new Error(`unexpected viewer state after reload ${JSON.stringify(s)}`);
  }],
  ['the run wrote a trace; open it from the Explorer', async () => {
    if (!existsSync(join(workspace, 'ring', 'balance.trace.json'))) throw new Error('ring/balance.trace.json was not written');
    await command('View: Close All Editors');
    await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 20_000 });
    await explorerRow('balance.trace.json').waitFor({ timeout: 30_000 });
    await explorerRow('balance.trace.json').dblclick();
    await page.locator('.tabs-container .tab', { hasText: 'balance.trace.json' }).waitFor({ timeout: 20_000 });
    const s = await viewerSummary();
    if (s.mode !== 'single' || s.lanes < 5) throw new Error(`unexpected viewer state ${JSON.stringify(s)}`);
    await page.screenshot({ path: join(SHOTS, '4-trace-file.png') });
  }],
  ['Raft: run the failover example, read the diagram and the Raft picture beside the editor', async () => {
    await command('View: Close All Editors');
    await explorerRow('raft').click();
    await explorerRow('leader-failover.scenario').click();
    await page.locator('.tabs-container .tab', { hasText: 'leader-failover.scenario' }).waitFor({ timeout: 20_000 });
    const run = page.locator('.codelens-decoration a', { hasText: /^\W*Run$/ }).first();
    await run.waitFor({ timeout: 30_000 });
    await run.click();
    await page.locator('.tabs-container .tab', { hasText: 'Trace: leader failover' }).waitFor({ timeout: 60_000 });
    const s = await viewerSummary();
    if (s.collapsedBands < 1 || s.labels.length < 5) throw new Error(`heartbeats not collapsed or no labels: ${JSON.stringify({ bands: s.collapsedBands, labels: s.labels.length })}`);
    await docShot('vscode-raft.png');
    // The legend is the filter: hiding the heartbeats leaves the election and the client's messages.
    await viewer().locator('label.legend-switch').click();
    const deadline = Date.now() + 10_000;
    let hidden = await viewerSummary();
    while (hidden.collapsedBands > 0 && Date.now() < deadline) { await page.waitForTimeout(100); hidden = await viewerSummary(); }
    if (hidden.collapsedBands !== 0 || hidden.labels.some((l) => /×\d+ · every/.test(l.text))) throw new Error('Hide periodic left the heartbeat bands');
    await viewer().locator('label.legend-switch').click();
    await viewer().locator('body').press('End');
    await viewer().locator('#tab-panel').click();
    await viewer().locator('.panel-raft ul.panel-legend').waitFor({ timeout: 20_000 });
    if ((await viewerSummary()).panel !== 'raft') throw new Error('no Raft panel');
    await docShot('vscode-raft-panel.png');
  }],
  ['Compare with another seed… from the viewer: prefilled with the scenario\'s seed, both traces side by side', async () => {
    await viewer().locator('button.compare-seeds').click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: 20_000 });
    const value = await input.inputValue();
    if (value !== '42') throw new Error(`the seed box says "${value}", not the scenario's seed 42`);
    await input.fill('7');
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'Compare seeds: leader failover · 42 | 7' }).waitFor({ timeout: 60_000 });
    const s = await viewerSummary();
    if (s.mode !== 'pair' || s.divergence < 0) throw new Error(`not a comparison: ${JSON.stringify({ mode: s.mode, divergence: s.divergence })}`);
    if (!existsSync(join(workspace, 'raft', 'leader-failover.seed-7.trace.json'))) throw new Error('the seed-7 trace was not kept beside the other');
    await docShot('vscode-compare.png');
  }],
  ['export the diagram as SVG from the viewer (a save dialog next to the trace)', async () => {
    await viewer().locator('.menu-wrap > button').click();
    await viewer().locator('button.menu-item[data-item="svg"]').click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: 20_000 });
    await page.keyboard.press('Enter');
    const target = join(workspace, 'raft', 'leader-failover.seed-42.svg');
    await fileAppears(target);
    if (!readFileSync(target, 'utf8').startsWith('<svg')) throw new Error('not an SVG');
  }],
  ['Explore from the CodeLens: a bug switch\'s violation found, shrunk, and opened beside its trace', async () => {
    // The export's save dialog may still be on screen: close it before typing a command.
    const dialog = page.locator('.quick-input-widget');
    for (let i = 0; i < 5 && await dialog.isVisible(); i++) {
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
    }
    await command('View: Close All Editors');
    await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 20_000 });
    // (hash/, raft/ and ring/ have an explore.scenario too)
    await goToFile('commit/explore.scenario');
    // The scenario with the bug switch on: bring its CodeLens into view (its line read from the file).
    const lines = readFileSync(join(workspace, 'commit', 'explore.scenario'), 'utf8').split('\n');
    const ready = lines.findIndex((l) => l.startsWith('scenario "explore: a READY participant gives up"')) + 1;
    if (ready === 0) throw new Error('commit/explore.scenario has no READY scenario');
    await goToLine(ready + 7);
    await (await lensAbove('explore: a READY participant gives up', /Explore$/)).click();
    await page.locator('.tabs-container .tab', { hasText: 'explore-a-ready-participant-gives-up.counterexample.scenario' }).waitFor({ timeout: 90_000 });
    await page.locator('.tabs-container .tab', { hasText: 'Counterexample: atomicity' }).waitFor({ timeout: 30_000 });
    await page.locator('.notifications-toasts', { hasText: /atomicity fails — shrunk to 1 fault/ }).first().waitFor({ timeout: 30_000 });
    const s = await viewerSummary();
    if (s.mode !== 'single' || s.lanes < 3 || s.events === 0) throw new Error(`unexpected viewer state ${JSON.stringify(s)}`);
    const text = await page.locator('.monaco-editor .view-lines').first().innerText();
    if (!/partition/.test(text)) throw new Error(`the shrunk scenario shows no partition: ${text.slice(0, 300)}`);
    if (!existsSync(join(workspace, 'commit', 'explore-a-ready-participant-gives-up.counterexample.trace.json'))) throw new Error('the counterexample trace was not written');
    await docShot('vscode-explore.png');
    // Leave the Explorer as later steps expect it: folders collapsed, so root files stay in view.
    await command('Collapse Folders in Explorer');
  }],
  ['Explore exhaustively from the CodeLens: Raft\'s Figure 8 found, its shortest counterexample opened beside its trace', async () => {
    await command('View: Close All Editors');
    await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 20_000 });
    await goToFile('raft/explore.scenario');
    const lines = readFileSync(join(workspace, 'raft', 'explore.scenario'), 'utf8').split('\n');
    await goToLine(lines.findIndex((l) => l.startsWith('scenario "explore: figure 8"')) + 8);
    await (await lensAbove('explore: figure 8', /Explore exhaustively$/)).click();
    // The cancellable progress notification: depth, states, states/s.
    const progress = page.locator('.notifications-toasts .notification-toast', { hasText: /Exploring "explore: figure 8" exhaustively/ });
    await progress.first().waitFor({ timeout: 30_000 });
    await page.locator('.notifications-toasts .notification-toast', { hasText: /depth \d+ · [\d,]+ states · [\d,]+ states\/s/ }).first().waitFor({ timeout: 30_000 });
    if (!await progress.first().locator('.monaco-button', { hasText: 'Cancel' }).isVisible()) throw new Error('the progress notification has no Cancel');
    await page.screenshot({ path: join(SHOTS, 'explore-exhaustive-progress.png') });
    const scenarioTab = page.locator('.tabs-container .tab', { hasText: 'explore-figure-8.counterexample.scenario' });
    const traceTab = page.locator('.tabs-container .tab', { hasText: 'Counterexample: committed_survives' });
    await scenarioTab.waitFor({ timeout: 120_000 });
    await traceTab.waitFor({ timeout: 30_000 });
    await page.locator('.notifications-toasts', { hasText: /committed_survives fails after 18 steps/ }).first().waitFor({ timeout: 30_000 });
    // Side by side: the counterexample on the left, its trace in the viewer on the right.
    if ((await scenarioTab.boundingBox()).x >= (await traceTab.boundingBox()).x) throw new Error('the trace is not beside the counterexample');
    const s = await viewerSummary();
    if (s.mode !== 'single' || s.lanes !== 3 || s.events === 0) throw new Error(`unexpected viewer state ${JSON.stringify(s)}`);
    const text = await editorLines.innerText();
    for (const want of [/The\sshortest\scounterexample\sfound\sby/, /18\.\sn1\sreceives\sAppendEntriesReply\sfrom\sn3/]) if (!want.test(text)) throw new Error(`the counterexample shows no ${want}: ${text.slice(0, 400)}`);
    const written = readFileSync(join(workspace, 'raft', 'explore-figure-8.counterexample.scenario'), 'utf8');
    if (!/\n {2}at \d+us crash n1 {3}\/\/ step 5: n1 crashes\n/.test(written)) throw new Error('the written counterexample has no crash of n1 at step 5');
    if (!existsSync(join(workspace, 'raft', 'explore-figure-8.counterexample.trace.json'))) throw new Error('the counterexample trace was not written');
    await docShot('vscode-explore-exhaustive.png');
    await command('Collapse Folders in Explorer');
  }],
  ['the activity bar view lists the workspace\'s scenarios; ▷ on one runs it', async () => {
    await command('View: Close All Editors');
    await page.locator('.activitybar .action-item a[aria-label^="Protocol Playground"]').click();
    // The examples are many files: the view lists their folders, each collapsed; open ring, then balance.scenario.
    const ring = page.locator('.pane-body .monaco-list-row[aria-level="1"]', { hasText: /^\s*ring\s*\d+ files/ });
    await ring.waitFor({ timeout: 30_000 });
    const folders = (await page.locator('.pane-body .monaco-list-row[aria-level="1"]').allInnerTexts()).map((t) => t.trim().replace(/\s*\d+ files?$/, ''));
    for (const f of ['hash', 'raft', 'ring/bugs']) if (!folders.includes(f)) throw new Error(`no folder ${f} in the view: ${folders.join(', ')}`);
    await ring.click();
    await page.locator('.pane-body .monaco-list-row', { hasText: /^\s*balance\.scenario/ }).first().click();
    const row = page.locator('.pane-body .monaco-list-row', { hasText: /^\s*balanced at 200 vnodes/ });
    await row.waitFor({ timeout: 30_000 });
    await row.hover();
    await row.locator('.action-label[aria-label="Run"]').click();
    await page.locator('.tabs-container .tab', { hasText: 'Trace: balanced at 200 vnodes' }).waitFor({ timeout: 60_000 });
    await page.locator('.pane-body .monaco-list-row', { hasText: 'balanced-at-200-vnodes.trace.json' }).waitFor({ timeout: 30_000 });
    const s = await viewerSummary();
    if (s.events !== 18) throw new Error(`the viewer shows ${s.events} events, not the run's 18`);
    await docShot('vscode-activity.png');
  }],
  ['the Testing view lists scenarios with their expect lines and runs them', async () => {
    await command('Testing: Focus on Test Explorer View');
    // Fifty example files: find ours as a user would, with the view's filter box.
    await page.locator('.testing-filter-wrapper').click();
    await page.keyboard.type('balance');
    const file = page.locator('.test-explorer .monaco-list-row', { hasText: 'balance.scenario' });
    await file.first().waitFor({ timeout: 30_000 });
    await page.locator('.test-explorer .monaco-list-row', { hasText: /balance\.scenario/ }).first().click();
    await page.keyboard.press('ArrowRight');
    const scenario = page.locator('.test-explorer .monaco-list-row', { hasText: /^\s*balance\s*$/ });
    await scenario.first().waitFor({ timeout: 20_000 });
    await scenario.first().click();
    await page.keyboard.press('ArrowRight');
    await page.locator('.test-explorer .monaco-list-row', { hasText: /expect always single_owner/ }).first().waitFor({ timeout: 20_000 });
    await scenario.first().hover();
    await scenario.first().locator('.action-label[aria-label^="Run Test"]').click();
    await page.locator('.test-explorer .monaco-list-row .codicon-testing-passed-icon').first().waitFor({ timeout: 60_000 });
    await docShot('vscode-testing.png');
  }],
  ['one output channel named Protocol Playground', async () => {
    await command('Output: Show Output Channels...');
    await quickRows.first().waitFor({ timeout: 20_000 });
    const names = await quickRows.locator('.label-name').allInnerTexts();
    const ours = names.filter((n) => n.includes('Protocol Playground'));
    if (ours.length !== 1) throw new Error(`channels: ${names.join(', ')}`);
    await page.keyboard.press('Escape');
  }],
  ['New Scenario… offers a protocol picker and writes a starter', async () => {
    await command('Protocol Playground: New Scenario…');
    await quickRows.first().waitFor({ timeout: 20_000 });
    const picks = await quickRows.locator('.label-name').allInnerTexts();
    for (const p of ['Raft', 'Consistent hashing ring', 'Hash functions']) if (!picks.includes(p)) throw new Error(`no ${p} in ${picks.join(', ')}`);
    await quickRows.filter({ hasText: 'Consistent hashing ring' }).first().click();
    await page.locator('.tabs-container .tab', { hasText: 'my-ring.scenario' }).waitFor({ timeout: 20_000 });
  }],
  ['the Getting Started walkthrough', async () => {
    await command('Protocol Playground: Get Started');
    const walk = page.locator('.gettingStartedContainer');
    await walk.getByText('Get Started with Protocol Playground').first().waitFor({ timeout: 30_000 });
    for (const step of ['Open the examples', 'Run a scenario', 'Step through the trace', 'Compare two seeds', 'Write your own']) {
      await walk.getByText(step, { exact: true }).first().waitFor({ timeout: 10_000 });
    }
    await docShot('vscode-walkthrough.png');
  }],
  ['a broken trace file says what is wrong and opens as JSON', async () => {
    writeFileSync(join(workspace, 'broken.trace.json'), '{"format": "protocol-playground-trace", "version": 1, "events": [');
    await command('View: Close All Editors');
    await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').click();
    await explorerRow('broken.trace.json').waitFor({ timeout: 30_000 });
    await explorerRow('broken.trace.json').dblclick();
    const frame = page.frameLocator(`iframe.webview.ready[src*="extensionId=${EXT_ID}"]`).frameLocator('iframe#active-frame');
    await frame.locator('.error-view').waitFor({ timeout: 30_000 });
    await frame.locator('a.action', { hasText: 'Open as JSON' }).click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'protocol-playground-trace' }).first().waitFor({ timeout: 20_000 });
  }],
];

let passed = 0, failed = 0, notRun = 0;
for (const [name, step] of steps) {
  if (failed > 0) { notRun++; console.log(`  - ${name} (not run)`); continue; }
  try {
    await step();
    passed++;
    log(`✓ ${name}`);
  } catch (e) {
    failed++;
    log(`✗ ${name}: ${e instanceof Error ? e.message.split('\n').slice(0, 3).join(' ') : String(e)}`);
    await page.screenshot({ path: join(SHOTS, `failed-${passed + 1}.png`) }).catch(() => undefined);
  }
}
await context.close();
rmSync(profile, { recursive: true, force: true });
console.log(`UI test: ${passed} passed, ${failed + notRun} failed${notRun ? ` (${notRun} not run)` : ''}`);
process.exit(failed + notRun === 0 ? 0 : 1);
