/**
 * The protocol panels in real Chromium, on engine traces of the examples:
 * Raft shows each server's role, term, vote and election timer, the leader's
 * nextIndex / matchIndex, and the log grid with entry contents and the
 * commit index (RaftScope's picture); the ring is a circle of vnode tokens
 * with the arcs and keys an add moved. Every panel shows its legend, and
 * fits beside an editor (a narrow viewer, no horizontal overflow).
 * The election timer derivation (webview/panels/raft-timers.ts) is also
 * checked directly against the trace's own timer firings.
 * Screenshots go to test-results/panel-*.png.
 */
import assert from 'node:assert/strict';
import { engineTrace, findLast, summary, viewerPages, type PageWindow } from './_harness.js';
import { ElectionTimers } from '../../webview/panels/raft-timers.js';
import type { TraceEvent } from '../../src/trace/format.js';

declare const window: PageWindow;
const SHOTS = 'test-results';
type Timer = Extract<TraceEvent, { kind: 'timer' }>;

describe('protocol panels (Chromium)', function () {
  this.timeout(120_000);
  const pages = viewerPages(SHOTS);
  const open = (text: string, size = { width: 1400, height: 900 }): ReturnType<typeof pages.open> => pages.open(text, undefined, size);
  let failover: Awaited<ReturnType<typeof engineTrace>>;
  before(async () => { failover = await engineTrace('examples/raft/leader-failover.scenario', 'leader failover'); });

  it('Raft election timers: exact when the trace shows the timer firing, a range while heartbeats re-arm it, off for the leader', () => {
    const timers = new ElectionTimers(failover.doc);
    const events = failover.doc.events;
    // The election after the crash: the node whose timer fires knew its deadline since it was last re-armed.
    const crash = events.find((e) => e.kind === 'crash')!;
    const election = events.find((e): e is Timer => e.kind === 'timer' && e.name === 'election' && e.i > crash.i)!;
    const view = timers.at(election.node, election.i - 1);
    assert.equal(view.state, 'armed');
    assert.equal(view.state === 'armed' && view.fires, election.t, 'the deadline is the firing time');
    if (view.state === 'armed') {
      const wait = election.t - view.since;
      assert.ok(wait >= timers.min && wait <= timers.max, `the timeout ${wait} µs lies in the election_timeout range`);
    }
    // Later, the new leader has no election timer and its followers are re-armed by each heartbeat.
    const leaderNote = events.find((e) => e.kind === 'note' && e.i > election.i && /leader for term/.test(e.text))!;
    const leader = (leaderNote as Extract<TraceEvent, { kind: 'note' }>).node!;
    const later = events.find((e) => e.t > leaderNote.t + 500_000)!;
    assert.deepEqual(timers.at(leader, later.i), { state: 'off', why: 'leader' });
    const follower = failover.doc.nodes.map((n) => n.id).find((n) => n !== leader && n !== (crash as { node: string }).node)!;
    const f = timers.at(follower, later.i);
    assert.equal(f.state, 'armed');
    assert.ok(f.state === 'armed' && f.fires === undefined && later.t - f.since < 60_000, `re-armed by the last heartbeat, under 60 ms ago: ${JSON.stringify(f)}`);
    assert.deepEqual(timers.at((crash as { node: string }).node, crash.i), { state: 'off', why: 'down' });
  });

  it('Raft: servers with role, term, vote and timer; the log grid with contents, commit index and the leader\'s next/match', async () => {
    const { page, errors } = await open(failover.text);
    const events = failover.doc.events;
    const committedY = findLast(events, (e) => e.kind === 'reply')!;
    await page.evaluate((i) => window.__viewer!.goto(i), committedY.i);
    await page.getByRole('tab', { name: 'Picture' }).click();
    assert.equal((await summary(page)).panel, 'raft');
    const rows = page.locator('table.raft-servers tbody tr');
    assert.equal(await rows.count(), failover.doc.nodes.length);
    const leaderRow = page.locator('table.raft-servers tr.current-leader');
    assert.equal(await leaderRow.count(), 1);
    assert.match(await leaderRow.innerText(), /★ n\d\s+leader\s+2\s+n\d\s+leading/);
    const crashed = (events.find((e) => e.kind === 'crash') as { node: string }).node;
    assert.match(await page.locator(`table.raft-servers tr[data-node="${crashed}"]`).innerText(), /down/);
    const followerTimers = await page.locator('table.raft-servers tr.role-follower td.timer').allInnerTexts();
    assert.ok(followerTimers.length >= 2 && followerTimers.every((t) => /in \d+ms–\d+ms|fires in \d+ms/.test(t)), followerTimers.join(' | '));
    const nextMatch = await page.locator('table.raft-servers tr.role-follower').first().locator('td.num').allInnerTexts();
    assert.ok(nextMatch.slice(-2).every((v) => /^\d+$/.test(v)), `the leader's nextIndex and matchIndex for a follower: ${nextMatch}`);
    const cmds = await page.locator('svg.raft-grid text.cmd').allTextContents();
    for (const c of ['no-op', 'x=1', 'y=2']) assert.ok(cmds.includes(c), `an entry shows ${c}: ${cmds.join(', ')}`);
    assert.ok(await page.locator('svg.raft-grid rect.cell.committed').count() >= 8);
    assert.ok(await page.locator('svg.raft-grid rect.commit').count() >= 3);
    assert.ok(await page.locator('svg.raft-grid .next-index').count() >= 2);
    assert.ok(await page.locator('svg.raft-grid .match-index').count() >= 2);
    const legend = page.locator('.panel-raft ul.panel-legend');
    assert.equal(await legend.isVisible(), true);
    for (const text of ['committed', 'not yet committed', "leader's nextIndex", "leader's matchIndex", 'term 2']) {
      assert.ok((await legend.innerText()).includes(text), `the legend explains ${text}`);
    }
    await page.locator('.panel-raft').screenshot({ path: `${SHOTS}/panel-raft.png` });
    assert.deepEqual(errors, []);
  });

  it('Raft: a follower about to time out shows its exact deadline', async () => {
    const { page, errors } = await open(failover.text);
    const crash = failover.doc.events.find((e) => e.kind === 'crash')!;
    const election = failover.doc.events.find((e): e is Timer => e.kind === 'timer' && e.name === 'election' && e.i > crash.i)!;
    const before = findLast(failover.doc.events, (e) => e.i < election.i && e.t < election.t - 20_000)!;
    await page.evaluate((i) => window.__viewer!.goto(i), before.i);
    await page.getByRole('tab', { name: 'Picture' }).click();
    const cell = page.locator(`table.raft-servers tr[data-node="${election.node}"] td.timer`);
    assert.equal(await cell.innerText(), `fires in ${Math.round((election.t - before.t) / 1000)}ms`);
    assert.equal(await cell.locator('.timer-fill.exact').count(), 1);
    assert.deepEqual(errors, []);
  });

  it('ring: vnode tokens on the circle, the arcs and keys that moved on add, and counts per pair', async () => {
    const ring = await engineTrace('examples/ring/add-node.scenario', 'add a fifth node');
    const { page, errors } = await open(ring.text);
    await page.keyboard.press('End');
    await page.getByRole('tab', { name: 'Picture' }).click();
    assert.equal((await summary(page)).panel, 'ring');
    assert.equal(await page.locator('svg.ring-circle line.ring-token').count(), 500, '5 members × 100 vnodes');
    assert.ok(await page.locator('svg.ring-circle path.ring-moved').count() >= 10, 'the arcs n5 took over');
    const dots = await page.locator('svg.ring-circle circle.ring-key').count();
    assert.ok(dots > 100 && dots <= 1500, `moved keys drawn: ${dots}`);
    const handoffs = ring.doc.events.filter((e) => e.kind === 'send' && e.msg.type === 'Handoff');
    const pairs = await page.locator('table.ring-moves tr').allInnerTexts();
    assert.equal(pairs.length, handoffs.length);
    for (const e of handoffs) {
      const body = (e as Extract<TraceEvent, { kind: 'send' }>).msg.body as { moves: Record<string, number> };
      const [to, n] = Object.entries(body.moves)[0]!;
      assert.ok(pairs.some((p) => p.replace(/\s+/g, ' ').trim() === `${(e as { msg: { to: string } }).msg.to} → ${to} ${n}`), `${pairs.join(' | ')}`);
    }
    assert.match(await page.locator('svg.ring-circle').getAttribute('aria-label') ?? '', /add n5 moved \d+ keys/);
    assert.ok((await page.locator('.panel-ring ul.panel-legend').innerText()).includes('range that moved (add n5)'));
    await page.locator('.panel-ring').screenshot({ path: `${SHOTS}/panel-ring.png` });
    // Before the add, no move is shown.
    await page.keyboard.press('Home');
    await page.evaluate(() => window.__viewer!.goto(5));
    assert.equal(await page.locator('svg.ring-circle path.ring-moved').count(), 0);
    assert.deepEqual(errors, []);
  });

  it('every panel fits beside an editor: its legend in view, nothing wider than the column', async () => {
    const ring = await engineTrace('examples/ring/add-node.scenario', 'add a fifth node');
    const paxos = await engineTrace('examples/paxos/leader-failover.scenario', 'leader failover under load');
    for (const [text, id] of [[failover.text, 'raft'], [ring.text, 'ring'], [paxos.text, 'paxos']] as const) {
      const { page, errors } = await open(text, { width: 560, height: 900 });
      await page.keyboard.press('End');
      await page.getByRole('tab', { name: 'Picture' }).click();
      const body = page.locator('.tab-bodies');
      const [scrollW, clientW] = await body.evaluate((b) => [(b as unknown as { scrollWidth: number }).scrollWidth, (b as unknown as { clientWidth: number }).clientWidth]);
      assert.ok(scrollW <= clientW + 1, `${id}: the picture fits its column (${scrollW} ≤ ${clientW})`);
      const legend = (await page.locator(`.panel-${id} ul.panel-legend`).boundingBox())!;
      assert.ok(legend.y + legend.height <= 900, `${id}: the legend is on screen without scrolling the page (bottom at ${legend.y + legend.height})`);
      await page.screenshot({ path: `${SHOTS}/panel-${id}-narrow.png` });
      assert.deepEqual(errors, []);
    }
  });
});
