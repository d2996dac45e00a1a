/**
 * The trace viewer in real Chromium (Debian's /usr/bin/chromium through
 * playwright-core), on standalone pages built with renderStandaloneHtml and a
 * VS Code-like page (a stub acquireVsCodeApi): lanes and arrows match the
 * trace, keyboard stepping moves the cursor and the inspector, jumps land on
 * violations, side by side finds the first divergence, a hostile trace stays
 * inert, bad traces give clear errors, and no page logs a console error.
 * Screenshots go to test-results/viewer-*.png.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TraceDocument, TraceEvent } from '../../src/trace/format.js';
import { renderWebviewHtml } from '../../src/shared/standalone-html.js';
import { engineTrace, summary, viewerBundle, viewerCss, viewerPages, type PageWindow } from './_harness.js';
import { syntheticTrace } from './_synthetic.js';

// Browser globals inside page.evaluate callbacks.
declare const window: PageWindow;
declare const location: { hash: string };

const FIXTURE = readFileSync('test/webview/fixtures/five-nodes.trace.json', 'utf8');
const doc = JSON.parse(FIXTURE) as TraceDocument;
const SHOTS = 'test-results';

/** Arrows the diagram must draw: one per delivery or drop, plus one per message never delivered nor dropped. */
function expectedArrows(d: TraceDocument): number {
  const ended = new Set<number>();
  let n = 0;
  for (const e of d.events) if (e.kind === 'deliver' || e.kind === 'drop') { n++; ended.add(e.msg); }
  for (const e of d.events) if (e.kind === 'send' && !ended.has(e.msg.id)) n++;
  return n;
}

describe('webview viewer (Chromium)', function () {
  this.timeout(60_000);
  const pages = viewerPages(SHOTS);
  const open = (trace: string, right?: string): ReturnType<typeof pages.open> => pages.open(trace, right);

  it('draws a lane per node and an arrow per message (send → deliver/drop, duplicates, in flight)', async () => {
    const { page, errors } = await open(FIXTURE);
    const s = await summary(page);
    assert.equal(s.mode, 'single');
    assert.equal(s.lanes, doc.nodes.length);
    assert.equal(s.arrows, expectedArrows(doc));
    assert.equal(s.events, doc.events.length);
    assert.equal(s.drawnArrows, s.arrows, 'the whole run is in view at first, so every arrow is drawn');
    assert.equal(await page.locator('.node-state').count(), doc.nodes.length);
    await page.screenshot({ path: `${SHOTS}/viewer-single.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.keyboard.press('v');
    await page.screenshot({ path: `${SHOTS}/viewer-single-dark.png` });
    assert.deepEqual(errors, []);
  });

  it('steps by keyboard: → and ← move the cursor, and the inspector marks what the step changed', async () => {
    const { page, errors } = await open(FIXTURE);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal((await summary(page)).step, 2);
    await page.keyboard.press('ArrowLeft');
    assert.equal((await summary(page)).step, 1);
    const firstState = doc.events.find((e) => e.kind === 'state')! as Extract<TraceEvent, { kind: 'state' }>;
    while ((await summary(page)).step < firstState.i) await page.keyboard.press('ArrowRight');
    const s = await summary(page);
    assert.equal(s.step, firstState.i);
    assert.equal(s.eventKind, 'state');
    assert.ok(s.changedValues >= firstState.changes.length, `changed values marked: ${s.changedValues}`);
    // The changed node's section is open and shows the new value.
    const section = page.locator(`.node-state[data-node="${firstState.node}"]`);
    assert.equal(await section.getAttribute('open'), '');
    const term = firstState.changes.find((c) => c[0][0] === 'currentTerm')!;
    assert.match(await section.locator('li.changed').filter({ hasText: 'currentTerm' }).innerText(), new RegExp(`currentTerm\\s*:\\s*${String(term[1])}`));
    assert.match(await page.locator('.position').innerText(), new RegExp(`#${firstState.i} /`));
    await page.keyboard.press('End');
    assert.equal((await summary(page)).step, doc.events.length - 1);
    await page.keyboard.press('Home');
    assert.equal((await summary(page)).step, 0);
    assert.deepEqual(errors, []);
  });

  it('jumps to the next and previous violation (v, Shift+V), node (n) and cause (c)', async () => {
    const { page, errors } = await open(FIXTURE);
    const violation = doc.events.find((e) => e.kind === 'violation')!;
    await page.keyboard.press('v');
    let s = await summary(page);
    assert.equal(s.step, violation.i);
    assert.equal(s.eventKind, 'violation');
    assert.match(await page.locator('.event-desc').innerText(), /VIOLATION election_safety/);
    await page.keyboard.press('c');
    assert.equal((await summary(page)).step, violation.cause);
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+V');
    assert.equal((await summary(page)).step, violation.i);
    await page.keyboard.press('Home');
    await page.keyboard.press('n'); // next event of the chosen node (n1 by default)
    s = await summary(page);
    const nextN1 = doc.events.find((e) => e.i > 0 && 'node' in e && e.node === 'n1')!;
    assert.equal(s.step, nextN1.i);
    await page.screenshot({ path: `${SHOTS}/viewer-violation.png` });
    assert.deepEqual(errors, []);
  });

  it('stops playing at a breakpoint pattern', async () => {
    const { page, errors } = await open(FIXTURE);
    await page.locator('vscode-textfield.break-field').evaluate((el) => {
      (el as unknown as { value: string }).value = 'kind=drop';
      el.dispatchEvent(new Event('input'));
    });
    await page.keyboard.press('b');
    const firstDrop = doc.events.find((e) => e.kind === 'drop')!;
    assert.equal((await summary(page)).step, firstDrop.i);
    await page.keyboard.press('Home');
    for (let k = 0; k < 7; k++) await page.keyboard.press('>'); // the fastest speed
    await page.keyboard.press(' ');
    await page.waitForFunction(() => !window.__viewer!.summary().playing);
    assert.equal((await summary(page)).step, firstDrop.i);
    assert.deepEqual(errors, []);
  });

  it('side by side: marks the first divergence, steps both, and highlights state differences', async () => {
    const right = JSON.parse(FIXTURE) as { events: Record<string, unknown>[] };
    const k = doc.events.findIndex((e) => e.kind === 'state' && e.i > 20);
    const changed = right.events[k]!;
    changed.changes = [[['currentTerm'], 99]];
    const { page, errors } = await open(FIXTURE, JSON.stringify(right));
    let s = await summary(page);
    assert.equal(s.mode, 'pair');
    assert.equal(s.divergence, k);
    assert.match(await page.locator('.divergence-box').innerText(), new RegExp(`first divergence at #${k}`));
    await page.keyboard.press('d');
    s = await summary(page);
    assert.equal(s.step, k);
    assert.equal(s.rightStep, k);
    assert.ok(s.differingValues > 0, 'the differing currentTerm is marked');
    await page.keyboard.press('t'); // by time
    await page.keyboard.press('ArrowRight');
    s = await summary(page);
    assert.equal(s.rightStep, k + 1);
    await page.screenshot({ path: `${SHOTS}/viewer-pair.png` });
    assert.deepEqual(errors, []);
  });

  it('renders a hostile trace inertly (HTML and script in names, long names, huge payloads)', async () => {
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script></script><script>window.__pwned=3</script><!--';
    const long = 'L'.repeat(20_000);
    const hostile = JSON.parse(FIXTURE) as TraceDocument & Record<string, unknown>;
    const rename = (id: string): string => (id === 'n1' ? evil : id === 'n2' ? long : id);
    const text = JSON.stringify(hostile, (key, value: unknown) => (typeof value === 'string' && /^n[12]$/.test(value) && key !== 'name' ? rename(value) : value));
    const h = JSON.parse(text) as Record<string, any>;
    h.scenario.name = evil;
    h.scenario.text = `${evil}\n${long}`;
    h.events.find((e: any) => e.kind === 'send').msg.type = evil;
    h.events.find((e: any) => e.kind === 'send').msg.body = { blob: 'x'.repeat(2_000_000), html: evil };
    h.metrics[evil] = 1;
    const states = h.keyframes[0].states as Record<string, unknown>;
    h.keyframes[0].states = Object.fromEntries(Object.entries(states).map(([id, v]) => [rename(id), id === 'n1' ? { [evil]: evil, ...(v as object) } : v]));
    const { page, errors } = await open(JSON.stringify(h));
    const s = await summary(page);
    assert.equal(s.mode, 'single', s.error);
    assert.equal(s.lanes, 5);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    for (const tab of ['Checks & metrics', 'Source', 'Picture', 'State']) await page.getByRole('tab', { name: tab }).click();
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('#app script').count(), 0);
    assert.ok((await page.locator('.scenario-name').innerText()).includes('<img'), 'the name shows as text');
    await page.screenshot({ path: `${SHOTS}/viewer-hostile.png` });
    assert.deepEqual(errors, []);
  });

  it('gives a clear error for a newer version, a wrong type or bad JSON', async () => {
    const cases: [string, RegExp][] = [
      [JSON.stringify({ ...doc, version: 2 }), /newer .*trace version 2.*reads version 1/],
      [JSON.stringify({ ...doc, events: 'nope' }), /events: expected an array/],
      [JSON.stringify({ ...doc, events: [{ ...doc.events[0], node: 'ghost' }] }), /events\[0\]\.node: unknown node "ghost"/],
      ['{ not json', /not JSON at line 1, column 3/],
    ];
    for (const [text, pattern] of cases) {
      const { page, errors } = await open(text);
      const s = await summary(page);
      assert.equal(s.mode, 'error');
      assert.match(s.error!, pattern);
      assert.match(await page.locator('.error-view').innerText(), pattern);
      await page.getByRole('button', { name: 'Open as JSON' }).click();
      assert.equal(await page.locator('.error-view pre.raw-json').innerText(), text.trimEnd(), 'the file as it is');
      assert.deepEqual(errors, []);
    }
  });

  it('links events to scenario lines: the source pane, highlighting, and the URL hash keeps the step', async () => {
    const { page, errors } = await open(FIXTURE);
    const crash = doc.events.find((e) => e.kind === 'crash')!;
    await page.evaluate((i) => window.__viewer!.goto(i), crash.i);
    await page.locator('button.source-link').click();
    assert.equal(await page.getByRole('tab', { name: 'Source' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('.source-line.current').getAttribute('data-line'), String(crash.source!.line));
    await page.locator(`.source-line[data-line="${doc.events.find((e) => e.kind === 'partition')!.source!.line}"]`).click();
    assert.equal((await summary(page)).highlighted, 1);
    // An event without its own line links to the line of the scripted event up its causes.
    const caused = doc.events.find((e) => !e.source && typeof e.cause === 'number' && doc.events[e.cause]!.source)!;
    await page.evaluate((i) => window.__viewer!.goto(i), caused.i);
    assert.equal(await page.locator('button.source-link').innerText(), `line ${doc.events[caused.cause!]!.source!.line} (via #${caused.cause})`);
    await page.evaluate((i) => window.__viewer!.goto(i), crash.i);
    await page.waitForFunction((i) => location.hash.includes(`step=${i}`), crash.i);
    await page.reload();
    await page.waitForFunction(() => window.__viewer?.summary().mode === 'single');
    assert.equal((await summary(page)).step, crash.i);
    assert.deepEqual(errors, []);
  });

  it('shows the Raft log panel, the checks and the metrics chart, and the help overlay', async () => {
    const { page, errors } = await open(FIXTURE);
    await page.keyboard.press('End');
    await page.getByRole('tab', { name: 'Picture' }).click();
    assert.equal((await summary(page)).panel, 'raft');
    assert.ok(await page.locator('svg.raft-grid rect.cell').count() >= 4);
    await page.screenshot({ path: `${SHOTS}/viewer-raft-panel.png` });
    await page.getByRole('tab', { name: 'Checks & metrics' }).click();
    assert.equal(await page.locator('li.check.failed').count(), 1);
    assert.equal(await page.locator('svg.metrics-chart rect.bar').count(), Object.keys(doc.metrics).length);
    await page.keyboard.press('?');
    assert.equal(await page.locator('.help').isVisible(), true);
    assert.ok(await page.locator('.help tr').count() >= 20);
    await page.screenshot({ path: `${SHOTS}/viewer-help.png` });
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.help').isVisible(), false);
    assert.deepEqual(errors, []);
  });

  it('in a VS Code-like webview: posts ready, takes loadTrace, keeps state, posts revealSource', async () => {
    const dir = join(tmpdir(), `pp-webview-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'webview.js'), await viewerBundle());
    writeFileSync(join(dir, 'viewer.css'), viewerCss());
    for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, join(dir, f));
    const nonce = 'abcdefgh12345678';
    let html = renderWebviewHtml({ scriptUri: 'webview.js', cssUri: 'viewer.css', iconCssUri: 'codicon.css', cspSource: 'file:', nonce, title: 'trace' });
    const stub = `<script nonce="${nonce}">window.__posted=[];window.__state=undefined;window.acquireVsCodeApi=()=>({postMessage:(m)=>window.__posted.push(m),getState:()=>window.__state,setState:(s)=>{window.__state=s;}});</script>`;
    html = html.replace('<div id="app"></div>', `<div id="app"></div>\n${stub}`);
    writeFileSync(join(dir, 'index.html'), html);
    const page = await pages.newPage({ width: 1200, height: 760 });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready') ?? false);
    await page.evaluate((text) => window.postMessage({ type: 'loadTrace', text }, '*'), FIXTURE);
    await page.waitForFunction(() => window.__viewer?.summary().mode === 'single');
    const crash = doc.events.find((e) => e.kind === 'crash')!;
    await page.evaluate((i) => window.postMessage({ type: 'goto', index: i }, '*'), crash.i);
    await page.waitForFunction((i) => window.__viewer!.summary().step === i, crash.i);
    await page.keyboard.press('Enter');
    const posted = await page.evaluate(() => window.__posted ?? []);
    const reveal = posted.find((m) => m.type === 'revealSource');
    assert.deepEqual(reveal, { type: 'revealSource', range: crash.source, file: doc.scenario.file });
    assert.equal(await page.evaluate(() => window.__state?.step), crash.i);
    await page.evaluate(() => window.postMessage({ type: 'highlightSource', line: 12 }, '*'));
    await page.waitForFunction(() => window.__viewer!.summary().highlighted === 1);
    await page.evaluate(() => window.postMessage({ type: 'no-such-message' }, '*'));
    assert.deepEqual(errors, []);
  });

  it('shows a real engine trace (examples/ring/add-node.scenario): lanes, arrows, the ring panel', async () => {
    const { doc: real, text } = await engineTrace('examples/ring/add-node.scenario', 'add a fifth node', 1);
    const { page, errors } = await open(text);
    const s = await summary(page);
    assert.equal(s.mode, 'single', s.error);
    assert.equal(s.lanes, real.nodes.length);
    assert.equal(s.arrows, expectedArrows(real));
    assert.ok(s.arrows > 0);
    await page.keyboard.press('End');
    await page.getByRole('tab', { name: 'Picture' }).click();
    assert.equal((await summary(page)).panel, 'ring');
    assert.ok(await page.locator('svg.ring-circle path').count() >= 4, 'an arc per member');
    await page.screenshot({ path: `${SHOTS}/viewer-ring.png` });
    assert.deepEqual(errors, []);
  });

  it('marks the first divergence of two real traces (add a node vs remove a node)', async () => {
    // The ring examples do not depend on the seed, so the two sides of a compare stand in for two seeds.
    const a = await engineTrace('examples/ring/add-node.scenario', 'add a fifth node', 1);
    const b = await engineTrace('examples/ring/add-node.scenario', 'remove a node', 1);
    const behaviour = (e: TraceEvent | undefined): string => JSON.stringify(e === undefined ? null : { ...e, source: undefined });
    const expected = a.doc.events.findIndex((e, i) => behaviour(e) !== behaviour(b.doc.events[i]));
    assert.ok(expected > 0, 'the traces share a prefix (placing the keys), then differ');
    const { page, errors } = await open(a.text, b.text);
    const s = await summary(page);
    assert.equal(s.mode, 'pair');
    assert.equal(s.divergence, expected);
    await page.keyboard.press('d');
    assert.equal((await summary(page)).step, expected);
    await page.keyboard.press('End');
    assert.ok((await summary(page)).differingValues > 0, 'the final states differ and are marked');
    await page.screenshot({ path: `${SHOTS}/viewer-pair-real.png` });
    assert.deepEqual(errors, []);
  });

  it('marks the first divergence of two seeds of the same Raft scenario', async () => {
    // Raft draws its election timeouts from the seed, so two seeds part ways at the first election.
    const a = await engineTrace('examples/raft/leader-election.scenario', 'cold start', 1);
    const b = await engineTrace('examples/raft/leader-election.scenario', 'cold start', 2);
    const behaviour = (e: TraceEvent | undefined): string => JSON.stringify(e === undefined ? null : { ...e, source: undefined });
    const expected = a.doc.events.findIndex((e, i) => behaviour(e) !== behaviour(b.doc.events[i]));
    assert.ok(expected >= 0, 'two seeds give two different traces');
    const { page, errors } = await open(a.text, b.text);
    const s = await summary(page);
    assert.equal(s.mode, 'pair');
    assert.equal(s.divergence, expected);
    await page.keyboard.press('d');
    assert.equal((await summary(page)).step, expected);
    await page.screenshot({ path: `${SHOTS}/viewer-pair-seeds.png` });
    assert.deepEqual(errors, []);
  });

  it('with 100 nodes, draws 100 lanes and inspects only the nodes of the step (plus opened ones)', async () => {
    const wide = syntheticTrace(2_000, 100);
    const { page, errors } = await open(JSON.stringify(wide));
    await page.keyboard.press('ArrowRight');
    const s = await summary(page);
    assert.equal(s.lanes, 100);
    assert.ok(s.inspectedNodes >= 1 && s.inspectedNodes <= 2, `inspected ${s.inspectedNodes}`);
    const e = wide.events[1]!;
    assert.equal(await page.locator(`.node-state[data-node="${'node' in e ? e.node : ''}"]`).count(), 1);
    assert.deepEqual(errors, []);
  });

  it('opens a 100 000-event trace and draws only what is visible when zoomed in', async () => {
    const big = JSON.stringify(syntheticTrace(100_000));
    const { page, errors } = await open(big);
    let s = await summary(page);
    assert.equal(s.events >= 100_000, true);
    await page.evaluate(() => window.__viewer!.goto(50_000));
    for (let k = 0; k < 8; k++) await page.keyboard.press('+');
    await page.evaluate(() => window.__viewer!.drawNow());
    s = await summary(page);
    assert.ok(s.drawnArrows > 0 && s.drawnArrows < s.arrows / 10, `drawn ${s.drawnArrows} of ${s.arrows}`);
    await page.keyboard.press('ArrowRight');
    assert.equal((await summary(page)).step, 50_001);
    await page.screenshot({ path: `${SHOTS}/viewer-100k.png` });
    assert.deepEqual(errors, []);
  });
});
