/**
 * The quorum store's panel (webview/panels/quorum.ts) in real Chromium, on
 * real traces of examples/quorum: during a partition it shows the hinted
 * copies fallbacks keep and the replicas that are behind; once the replicas
 * have converged, every key's replicas agree and no hint waits; ABD shows
 * tags and the requests in progress; untrusted key names stay text.
 * Screenshots go to test-results/viewer-quorum-*.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { parseAndCompile } from '../../src/dsl/compile.js';
import { runFile, traceOf } from '../../src/runner/run.js';
import type { TraceDocument } from '../../src/trace/format.js';
import { engineTrace, launch, showPanel, stepAt, summary, type PageWindow } from './_harness.js';

declare const window: PageWindow;
const SHOTS = 'test-results';

describe('webview: the quorum store panel (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launch();
  });
  after(async () => { await browser?.close(); });

  const show = (doc: TraceDocument, step: number) => showPanel(browser, doc, step, 'quorum');

  it('during a partition: hinted copies, replicas behind; after the heal: replicas agree, no hints', async () => {
    const doc = (await engineTrace('examples/quorum/base.scenario', 'BASE: partition, heal, converge')).doc;
    const during = await show(doc, stepAt(doc, 900_000));
    assert.equal((await summary(during.page)).panel, 'quorum');
    const text = await during.text();
    assert.match(text, /x: n3 → n1 → n4 \(fallbacks n5, n2\) — replicas differ/);
    assert.match(text, /n5 keeps for n1: x \(1\)/);
    assert.match(text, /y: n4 → n5 → n2/);
    assert.match(text, /hint for n1: 2 ⟨n4:1⟩/);
    assert.match(text, /◂ behind/);
    assert.ok(await during.page.locator('svg.quorum-ring line').count() >= 5 * 8, 'a tick per virtual node');
    await during.page.locator('.panel-quorum').screenshot({ path: `${SHOTS}/viewer-quorum-partition.png` });
    const end = await show(doc, doc.events.length - 1);
    const after = await end.text();
    assert.match(after, /No hints waiting for handoff\./);
    assert.doesNotMatch(after, /replicas differ|behind/);
    assert.match(after, /1 ⟨n1:1⟩\s+2 ⟨n4:1⟩/, 'x\'s two siblings on every replica');
    assert.deepEqual([...during.errors, ...end.errors], []);
  });

  it('ABD: tags, and the requests coordinators are carrying out with their phase', async () => {
    const doc = (await engineTrace('examples/quorum/not-linearizable.scenario', 'ABD: the same schedule, linearizable')).doc;
    const { page, errors, text } = await show(doc, stepAt(doc, 21_000));
    const t = await text();
    assert.match(t, /mode abd, N=3 R=2 W=2, strict quorums/);
    assert.match(t, /1 tag 1\.n3/);
    assert.match(t, /n3 coordinates c2 get x: write phase, 1\/2 acks/);
    await page.locator('.panel-quorum').screenshot({ path: `${SHOTS}/viewer-quorum-abd.png` });
    assert.deepEqual(errors, []);
  });

  it('renders key names and values from the trace as text, never as markup', async () => {
    const source = 'cluster c: quorum {\n  nodes n1..n3\n}\nscenario "s" {\n  use c\n  at 0ms client put "<img src=x onerror=window.__pwned=1>" = "<b>v</b>"\n  run until 1s\n  expect at end metric availability = 1\n}\n';
    const compiled = await parseAndCompile(source);
    assert.equal(compiled.ok, true);
    const doc = traceOf(runFile(compiled.file).scenarios[0]!, source);
    const { page, errors, text } = await show(doc, doc.events.length - 1);
    assert.match(await text(), /<img src=x onerror=window\.__p…: n3 → n2 → n1/);
    assert.match(await text(), /"<b>v<\/b>" ⟨n1:1⟩/);
    assert.equal(await page.locator('.panel-quorum img, .panel-quorum b').count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(errors, []);
  });
});
