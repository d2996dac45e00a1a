/**
 * The space-time diagram is readable at every scale (issue 16), checked in
 * real Chromium on real Raft traces: at the default zoom (the whole run) of
 * the failover and the partition examples no two drawn labels overlap — from
 * the boxes the renderer reports — and every label lies inside the plot;
 * heartbeats are collapsed into bands that open into arrows when zoomed in;
 * the legend hides a message type or the periodic messages; hovering shows
 * a tooltip; Shift+drag zooms to the span; partitions name each lane's side.
 * Screenshots go to test-results/diagram-*.png.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { engineTrace, summary, viewerPages, type PageWindow, type Summary } from './_harness.js';
import type { TraceEvent } from '../../src/trace/format.js';

declare const window: PageWindow;
declare const location: { hash: string };
const SHOTS = 'test-results';
const LABEL_W = 120;

type Label = Summary['labels'][number];

function overlapping(labels: readonly Label[]): [Label, Label][] {
  const out: [Label, Label][] = [];
  for (let a = 0; a < labels.length; a++) {
    for (let b = a + 1; b < labels.length; b++) {
      const p = labels[a]!, q = labels[b]!;
      if (p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h) out.push([p, q]);
    }
  }
  return out;
}

async function canvasWidth(page: Page): Promise<number> {
  return page.locator('.pane-left .diagram-canvas, .diagram-canvas').first().evaluate((c) => (c as unknown as { clientWidth: number }).clientWidth);
}

describe('space-time diagram at every scale (Chromium)', function () {
  this.timeout(120_000);
  const pages = viewerPages(SHOTS);
  const open = (text: string, size?: { width: number; height: number }): ReturnType<typeof pages.open> => pages.open(text, undefined, size);
  let failover: Awaited<ReturnType<typeof engineTrace>>;
  let partition: Awaited<ReturnType<typeof engineTrace>>;
  before(async () => {
    failover = await engineTrace('examples/raft/leader-failover.scenario', 'leader failover');
    partition = await engineTrace('examples/raft/stale-leader.scenario', 'stale leader in the minority');
  });

  for (const [name, trace, must] of [
    ['leader failover', () => failover, ['crashed']],
    ['stale leader in the minority (partition)', () => partition, ['partition', 'side 1', 'side 2']],
  ] as const) {
    it(`draws no two labels over each other at the default zoom: ${name}`, async () => {
      for (const size of [{ width: 1400, height: 820 }, { width: 900, height: 700 }]) {
        const { page, errors } = await open(trace().text, size);
        const s = await summary(page);
        assert.equal(s.mode, 'single', s.error);
        const texts = s.labels.map((l) => l.text);
        for (const text of must) assert.ok(texts.includes(text), `"${text}" is labelled: ${texts.join(', ')}`);
        assert.ok(texts.some((t) => /^RequestVote/.test(t)), `the election's RequestVote is labelled: ${texts.join(', ')}`);
        assert.ok(texts.some((t) => /×\d+/.test(t) && /AppendEntries/.test(t)), `a heartbeat band is labelled with its count: ${texts.join(', ')}`);
        assert.deepEqual(overlapping(s.labels).map(([p, q]) => `${p.text} @${p.x.toFixed(0)},${p.y.toFixed(0)} / ${q.text} @${q.x.toFixed(0)},${q.y.toFixed(0)}`), []);
        const width = await canvasWidth(page);
        for (const l of s.labels) assert.ok(l.x >= LABEL_W && l.x + l.w <= width && l.y >= 0 && l.w > 0, `inside the plot: ${JSON.stringify(l)}`);
        await page.screenshot({ path: `${SHOTS}/diagram-${name.split(' ')[0]}-${size.width}.png` });
        assert.deepEqual(errors, []);
      }
    });
  }

  it('collapses heartbeats into bands at the default zoom and opens them into arrows when zoomed in', async () => {
    const { page, errors } = await open(failover.text);
    let s = await summary(page);
    assert.ok(s.periodic > 500, `most of the run is routine heartbeats: ${s.periodic} of ${s.arrows}`);
    assert.ok(s.collapsedBands >= 1, `bands: ${s.bands}, collapsed ${s.collapsedBands}`);
    const fitArrows = s.drawnArrows;
    assert.ok(fitArrows < s.arrows / 4, `collapsed, few arrows are drawn one by one: ${fitArrows} of ${s.arrows}`);
    const leaderHeartbeat = failover.doc.events.find((e) => e.kind === 'timer' && e.name === 'heartbeat' && e.t > 2_000_000)!;
    await page.evaluate((i) => window.__viewer!.goto(i), leaderHeartbeat.i);
    for (let k = 0; k < 4; k++) await page.keyboard.press('+');
    await page.evaluate(() => window.__viewer!.drawNow());
    s = await summary(page);
    assert.equal(s.collapsedBands, 0, 'zoomed in, the rounds are far enough apart to draw one by one');
    assert.ok(s.drawnArrows > 20, `heartbeat arrows are drawn: ${s.drawnArrows}`);
    assert.deepEqual(overlapping(s.labels), []);
    await page.screenshot({ path: `${SHOTS}/diagram-zoomed.png` });
    await page.keyboard.press('0');
    await page.evaluate(() => window.__viewer!.drawNow());
    assert.ok((await summary(page)).collapsedBands >= 1, 'fit: collapsed again');
    assert.deepEqual(errors, []);
  });

  it('hides periodic messages (p, or the switch) and a message type (its legend chip)', async () => {
    const { page, errors } = await open(failover.text);
    await page.keyboard.press('+'); // open the bands: every arrow is drawn one by one
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.evaluate(() => window.__viewer!.drawNow());
    const before = (await summary(page)).drawnArrows;
    await page.locator('label.legend-switch').click();
    await page.evaluate(() => window.__viewer!.drawNow());
    const hidden = (await summary(page)).drawnArrows;
    assert.ok(hidden < before / 2, `hiding periodic messages leaves ${hidden} of ${before}`);
    assert.equal(await page.locator('input.hide-periodic').isChecked(), true);
    await page.keyboard.press('p');
    await page.evaluate(() => window.__viewer!.drawNow());
    assert.equal((await summary(page)).drawnArrows, before, 'p shows them again');
    const chip = page.locator('button.legend-chip[data-type="AppendEntriesReply"]');
    await chip.click();
    await page.evaluate(() => window.__viewer!.drawNow());
    assert.equal(await chip.getAttribute('aria-pressed'), 'false');
    const withoutReplies = (await summary(page)).drawnArrows;
    assert.ok(withoutReplies < before && withoutReplies > 0, `without AppendEntriesReply: ${withoutReplies} of ${before}`);
    assert.ok(!(await summary(page)).labels.some((l) => l.text.startsWith('AppendEntriesReply')), 'no label of a hidden type');
    await page.screenshot({ path: `${SHOTS}/diagram-filtered.png` });
    // The filter is part of the view state: a reload keeps it.
    await page.waitForFunction(() => location.hash.includes('hide=AppendEntriesReply'));
    await page.reload();
    await page.waitForFunction(() => window.__viewer?.summary().mode === 'single');
    assert.equal(await page.locator('button.legend-chip[data-type="AppendEntriesReply"]').getAttribute('aria-pressed'), 'false');
    assert.deepEqual(errors, []);
  });

  it('shows a tooltip for an event and for a message under the pointer', async () => {
    const { page, errors } = await open(failover.text);
    const crash = failover.doc.events.find((e) => e.kind === 'crash') as TraceEvent & { node: string };
    const at = await page.evaluate((i) => window.__viewer!.eventPoint(i), crash.i);
    assert.ok(at);
    await page.mouse.move(at.x, at.y);
    const tip = page.locator('.diagram-tooltip');
    await tip.waitFor({ state: 'visible' });
    assert.match(await tip.innerText(), new RegExp(`#${crash.i} .*crash[\\s\\S]*${crash.node} crashed`));
    // A message: halfway along the first RequestVote, zoomed in on it.
    const vote = failover.doc.events.find((e) => e.kind === 'send' && e.msg.type === 'RequestVote')!;
    await page.evaluate((i) => window.__viewer!.goto(i), vote.i);
    await page.keyboard.press('z');
    await page.evaluate(() => window.__viewer!.drawNow());
    const deliver = failover.doc.events.find((e) => e.kind === 'deliver' && e.msg === (vote.kind === 'send' ? vote.msg.id : -1))!;
    const [p, q] = await Promise.all([vote.i, deliver.i].map((i) => page.evaluate((k) => window.__viewer!.eventPoint(k), i)));
    await page.mouse.move((p!.x + q!.x) / 2, (p!.y + q!.y) / 2);
    await tip.waitFor({ state: 'visible' });
    assert.match(await tip.innerText(), /RequestVote #\d+ n\d → n\d[\s\S]*sent at/);
    await page.screenshot({ path: `${SHOTS}/diagram-tooltip.png` });
    assert.deepEqual(errors, []);
  });

  it('zooms to a selection: Shift+drag over a span, and z around the current event', async () => {
    const { page, errors } = await open(partition.text);
    const before = (await summary(page)).view;
    const box = (await page.locator('.diagram-canvas').first().boundingBox())!;
    const x0 = box.x + LABEL_W + 200, x1 = x0 + 100, y = box.y + box.height / 2;
    await page.keyboard.down('Shift');
    await page.mouse.move(x0, y);
    await page.mouse.down();
    await page.mouse.move(x0 + 50, y);
    await page.mouse.move(x1, y);
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const after = (await summary(page)).view;
    const plotW = box.width - LABEL_W - 10;
    const expected = ((before.t1 - before.t0) * 100) / plotW;
    assert.ok(Math.abs(after.t1 - after.t0 - expected) / expected < 0.05, `the window is the brushed span: ${after.t1 - after.t0} vs ${expected}`);
    const heal = partition.doc.events.find((e) => e.kind === 'heal')!;
    await page.evaluate((i) => window.__viewer!.goto(i), heal.i);
    await page.keyboard.press('0');
    await page.keyboard.press('z');
    const z = (await summary(page)).view;
    assert.ok(z.t0 <= heal.t && heal.t <= z.t1 && z.t1 - z.t0 < (before.t1 - before.t0) / 4, `z zooms around the event: ${JSON.stringify(z)}`);
    assert.deepEqual(errors, []);
  });

  it('side by side: the two time axes stay aligned when one is zoomed or panned', async () => {
    const a = await engineTrace('examples/raft/leader-failover.scenario', 'leader failover', 42);
    const b = await engineTrace('examples/raft/leader-failover.scenario', 'leader failover', 7);
    const { page, errors } = await pages.open(a.text, b.text);
    let s = await summary(page);
    assert.equal(s.mode, 'pair');
    assert.deepEqual(s.rightView, s.view, 'both start on the same window');
    const right = page.locator('.pane-right .diagram-canvas');
    const rb = (await right.boundingBox())!;
    await page.mouse.move(rb.x + rb.width / 2, rb.y + rb.height / 2);
    await page.mouse.wheel(0, -400);
    s = await summary(page);
    assert.ok(s.view.t1 - s.view.t0 < a.doc.end.time / 2, `zoomed: ${JSON.stringify(s.view)}`);
    assert.deepEqual(s.view, s.rightView, 'a zoom on the right moves the left');
    await page.keyboard.press(']');
    s = await summary(page);
    assert.deepEqual(s.rightView, s.view, 'a pan on the left moves the right');
    const boxes = await page.locator('.diagram-canvas').evaluateAll((els) => els.map((e) => { const r = (e as unknown as { getBoundingClientRect(): { left: number; width: number } }).getBoundingClientRect(); return [r.left, r.width]; }));
    assert.deepEqual(boxes[0], boxes[1], 'the two plots have the same left edge and width');
    assert.equal(await page.locator('.legend').count(), 1, 'one legend for both');
    await page.screenshot({ path: `${SHOTS}/diagram-pair-synced.png` });
    assert.deepEqual(errors, []);
  });

  it('exports what is on screen from the Export menu: SVG, PNG, Mermaid, ShiViz (downloads on a page)', async () => {
    const { page, errors } = await open(partition.text);
    await page.locator('button.legend-chip[data-type="RequestVoteReply"]').click();
    const got: Record<string, string | Buffer> = {};
    for (const id of ['svg', 'png', 'mermaid', 'shiviz']) {
      await page.locator('.menu-wrap > button').click();
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`button.menu-item[data-item="${id}"]`).click()]);
      const path = await download.path();
      got[download.suggestedFilename()] = readFileSync(path!, id === 'png' ? undefined : 'utf8');
    }
    assert.deepEqual(Object.keys(got).sort(), ['stale-leader-in-the-minority.seed-1.mmd', 'stale-leader-in-the-minority.seed-1.png', 'stale-leader-in-the-minority.seed-1.shiviz.log', 'stale-leader-in-the-minority.seed-1.svg']);
    const svg = got['stale-leader-in-the-minority.seed-1.svg'] as string;
    assert.match(svg, /^<svg xmlns/);
    assert.ok(!svg.includes('>RequestVoteReply</text>'), 'a type hidden on screen is not in the SVG legend');
    assert.ok(svg.includes('>RequestVote</text>'));
    assert.deepEqual([...(got['stale-leader-in-the-minority.seed-1.png'] as Buffer).subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.match(got['stale-leader-in-the-minority.seed-1.mmd'] as string, /^sequenceDiagram\n/);
    assert.ok(!(got['stale-leader-in-the-minority.seed-1.mmd'] as string).includes('RequestVoteReply'));
    assert.match(got['stale-leader-in-the-minority.seed-1.shiviz.log'] as string, /^\(\?<event>/);
    assert.deepEqual(errors, []);
  });
});
