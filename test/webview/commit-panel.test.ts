/**
 * The atomic-commit panel (webview/panels/commit.ts) in real Chromium, on
 * traces the engine makes from the examples: the grid of nodes ×
 * transactions with the right state in each cell, the legend, the picked
 * node's write-ahead log (on disk / in flight), its locks and what is
 * blocked there. Screenshots: test-results/viewer-commit-*.png.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TraceDocument } from '../../src/trace/format.js';
import { engineTrace, summary, viewerPages, type PageWindow } from './_harness.js';

declare const window: PageWindow;
const SHOTS = 'test-results';

/** The index of the last event at or before `us`. */
function stepAt(doc: TraceDocument, us: number): number {
  let i = 0;
  for (const e of doc.events) if (e.t <= us) i = e.i;
  return i;
}

describe('webview: the atomic-commit panel (Chromium)', function () {
  this.timeout(60_000);
  const chromium = viewerPages('test-results');

  async function openAt(text: string, step: number): Promise<{ page: Page; errors: string[] }> {
    const opened = await chromium.open(text);
    await opened.page.evaluate((i) => window.__viewer!.goto(i), step);
    await opened.page.getByRole('tab', { name: 'Picture' }).click();
    return opened;
  }

  const cell = (page: Page, node: string, tx: string) => page.locator(`g.commit-cell[data-node="${node}"][data-tx="${tx}"]`);

  it('2PC, coordinator down: every participant READY and blocked, holding its lock; the log shows the prepared record; after the restart all COMMITTED', async () => {
    const { doc, text } = await engineTrace('examples/commit/coordinator-crash.scenario', '2pc: coordinator crash');
    const { page, errors } = await openAt(text, stepAt(doc, 600_000));
    assert.equal((await summary(page)).panel, 'commit');
    for (const p of ['p1', 'p2', 'p3']) assert.equal(await cell(page, p, 't1').getAttribute('data-state'), 'READY');
    assert.equal(await cell(page, 'tm', 't1').getAttribute('data-state'), 'COMMITTED'); // logged before the crash
    const legend = await page.locator('ul.panel-legend').textContent();
    for (const s of ['INIT', 'READY', 'PRECOMMIT', 'COMMITTED', 'ABORTED', 'coordinator', 'holding locks']) assert.ok(legend?.includes(s), s);
    // The default pick is a blocked participant: its log, lock and blocked time.
    const details = page.locator('.commit-details');
    assert.match(await details.locator('ol.commit-wal').textContent() ?? '', /prepared t1 \(x = 1\) coordinator tm/);
    assert.match(await details.locator('.commit-locks').textContent() ?? '', /x \(held by t1, READY\)/);
    assert.match(await details.locator('.commit-blocked').textContent() ?? '', /t1 READY since/);
    await page.screenshot({ path: `${SHOTS}/viewer-commit-blocked.png` });
    // The coordinator's log: the commit record it wrote before crashing.
    await page.locator('button.commit-node[data-node="tm"]').click();
    assert.equal(await page.locator('button.commit-node[data-node="tm"]').getAttribute('aria-pressed'), 'true');
    assert.match(await page.locator('.commit-details ol.commit-wal').textContent() ?? '', /coord-commit t1/);
    await page.keyboard.press('End');
    await page.locator('g.commit-cell[data-node="p2"][data-tx="t1"][data-state="COMMITTED"]').waitFor();
    assert.match(await page.locator('.commit-details h4').textContent() ?? '', /^tm:/); // the pick survives stepping
    assert.deepEqual(errors, []);
  });

  it('early decision: a COMMIT that left before its record was on disk shows the record in flight', async () => {
    const { doc, text } = await engineTrace('examples/commit/bugs/early-decision.scenario', 'commit sent before it is durable');
    const sent = doc.events.find((e) => e.kind === 'send' && e.msg.type === 'Commit')!;
    const { page, errors } = await openAt(text, sent.i);
    await page.locator('button.commit-node[data-node="tm"]').click();
    assert.equal(await page.locator('.commit-details li[data-durable="false"]').count(), 1);
    assert.match(await page.locator('.commit-details li[data-durable="false"]').textContent() ?? '', /coord-commit t1.*in flight/);
    await page.screenshot({ path: `${SHOTS}/viewer-commit-in-flight.png` });
    assert.deepEqual(errors, []);
  });

  it('3PC under a partition: p1 COMMITTED, p2 and p3 ABORTED', async () => {
    const { doc, text } = await engineTrace('examples/commit/partition.scenario', '3pc: partition after PreCommit reached p1');
    const { page, errors } = await openAt(text, doc.events.length - 1);
    assert.equal(await cell(page, 'p1', 't1').getAttribute('data-state'), 'COMMITTED');
    assert.equal(await cell(page, 'p2', 't1').getAttribute('data-state'), 'ABORTED');
    assert.equal(await cell(page, 'p3', 't1').getAttribute('data-state'), 'ABORTED');
    await page.screenshot({ path: `${SHOTS}/viewer-commit-split.png` });
    assert.deepEqual(errors, []);
  });

  it('Paxos Commit: a row per acceptor with the votes it accepted, and several transactions side by side', async () => {
    const { doc, text } = await engineTrace('examples/commit/paxos-commit.scenario', 'paxos commit: normal case');
    const { page, errors } = await openAt(text, doc.events.length - 1);
    const labels = await page.locator('svg.commit-grid text.label').allTextContents();
    assert.ok(labels.some((l) => l.startsWith('acc1 (acc)')), labels.join(', '));
    assert.match(await page.locator('svg.commit-grid g.commit-cell title').allTextContents().then((t) => t.join('\n')), /acc2 accepted 3 "prepared"/);
    await page.screenshot({ path: `${SHOTS}/viewer-commit-paxos.png` });
    const two = await engineTrace('examples/commit/two-phase-commit.scenario', '2pc: concurrent transactions');
    const { page: p2 } = await openAt(two.text, two.doc.events.length - 1);
    assert.deepEqual(await p2.locator('svg.commit-grid text.axis').allTextContents(), ['t1', 't2', 't3']);
    assert.equal(await cell(p2, 'p1', 't2').getAttribute('data-state'), 'ABORTED');
    await p2.screenshot({ path: `${SHOTS}/viewer-commit-concurrent.png` });
    assert.deepEqual(errors, []);
  });
});
