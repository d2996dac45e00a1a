/**
 * The Paxos panel (webview/panels/paxos.ts) in real Chromium, on real
 * traces of examples/paxos: single-decree shows each acceptor's promise and
 * votes, each proposer's phase and ballot, what learners learned, the value
 * chosen and the message phases; Multi-Paxos shows acceptors × slots with
 * the commands on their ballots' colours, decided slots ticked and the
 * leader starred; values from the trace stay text. Screenshots go to
 * test-results/viewer-paxos-*.png.
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

describe('webview: the Paxos panel (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launch();
  });
  after(async () => { await browser?.close(); });

  const show = (doc: TraceDocument, step: number) => showPanel(browser, doc, step, 'paxos');

  it('single-decree: proposers in phase 2, acceptors\' promises and votes, then the value chosen and learned', async () => {
    const doc = (await engineTrace('examples/paxos/value-chosen.scenario', 'a value chosen')).doc;
    // Mid-run: p1 has sent its accept requests; nothing is chosen yet.
    const firstP2a = doc.events.findIndex((e) => e.kind === 'send' && e.msg.type === 'P2a');
    const mid = await show(doc, firstP2a);
    assert.equal((await summary(mid.page)).panel, 'paxos');
    const before = await mid.text();
    assert.match(before, /nothing chosen yet/);
    assert.match(before, /p1 P\s+accept\s+1\.p1 2p 0a/);
    assert.match(before, /p2 P\s+idle\s/);
    assert.match(before, /a1 AL\s+1\.p1\s+—/);
    const legend = await mid.page.locator('.panel-paxos ul.panel-legend').innerText();
    assert.match(legend, /arrows: P1a prepare, P1b promise, P2a accept, P2b accepted, Nack refused/);
    for (const phase of ['prepare', 'accept', 'backoff', 'chosen']) assert.ok(legend.includes(`proposer: ${phase}`), phase);
    await mid.page.locator('.panel-paxos').screenshot({ path: `${SHOTS}/viewer-paxos-single-phase2.png` });
    const end = await show(doc, doc.events.length - 1);
    const after = await end.text();
    assert.match(after, /✓ chosen: "apple" in ballot 1\.p1/);
    // a3 promised p2's ballot (1, p2) and voted "apple" in both ballots: p2 adopted p1's value.
    assert.match(after, /a3 AL\s+1\.p2\s+1\.p2 "apple"\s+1\.p1\s*1\.p2\s+"apple"/);
    assert.match(after, /p2 P\s+chosen 1\.p2 2p 2a/);
    assert.match(await end.page.locator('table.paxos-proposers').innerText(), /p2 P\s+chosen 1\.p2 2p 2a\s+"apple"/, 'p2 proposed the value its promises reported');
    assert.match(await end.page.locator('.paxos-chip[title^="voted"]').first().getAttribute('title') ?? '', /voted "apple" in ballot \(1, p1\)/);
    // Every ballot has its own colour, the same wherever it appears.
    const colours = await end.page.locator('.paxos-chip').evaluateAll((els) => els.map((e) => [e.textContent, (e as unknown as { style: { background: string } }).style.background]));
    const byBallot = new Map<string, Set<string>>();
    for (const [text, bg] of colours as [string, string][]) {
      const b = text;
      if (!byBallot.has(b)) byBallot.set(b, new Set());
      byBallot.get(b)!.add(bg);
    }
    assert.ok([...byBallot.values()].every((s) => s.size === 1), JSON.stringify([...byBallot].map(([k, v]) => [k, [...v]])));
    assert.notDeepEqual([...byBallot.get('1.p1')!], [...byBallot.get('1.p2')!]);
    await end.page.locator('.panel-paxos').screenshot({ path: `${SHOTS}/viewer-paxos-single.png` });
    // The whole viewer: the diagram's arrows carry the phases (P1a, P1b, P2a, P2b), the lanes the proposers' phase.
    await end.page.evaluate((i) => window.__viewer!.goto(i), firstP2a);
    await end.page.screenshot({ path: `${SHOTS}/viewer-paxos-single-page.png` });
    assert.deepEqual([...mid.errors, ...end.errors], []);
  });

  it('Multi-Paxos: acceptors × slots, the leader starred, decided slots ticked and chosen ones underlined', async () => {
    const doc = (await engineTrace('examples/paxos/gap-noop.scenario', 'a gap filled with a no-op')).doc;
    const { page, errors } = await show(doc, doc.events.length - 1);
    const legend = await page.locator('.panel-paxos ul.panel-legend').innerText();
    assert.match(legend, /a cell: the command accepted in that slot, on its ballot's colour/);
    assert.match(legend, /underlined: chosen \(a majority accepted it in one ballot\)/);
    const labels = await page.locator('svg.paxos-grid text.label').allTextContents();
    assert.deepEqual(labels.filter((l) => l.startsWith('★')).map((l) => l.split(' ')[1]), ['n2'], 'n2 leads after the failover');
    assert.ok(labels.some((l) => l.startsWith('n1 (down)')), labels.join(' | '));
    const cells = await page.locator('svg.paxos-grid text.term').allTextContents();
    assert.ok(cells.includes('noop'), `a no-op cell: ${cells.join(' ')}`);
    assert.ok(cells.includes('b=2') && cells.includes('a=1'), cells.join(' '));
    assert.equal(await page.locator('svg.paxos-grid text.paxos-decided').count(), 3, 'slots 1–3 decided');
    assert.ok(await page.locator('svg.paxos-grid rect.commit').count() >= 6, 'each decided slot underlined on a majority of acceptors');
    await page.locator('.panel-paxos').screenshot({ path: `${SHOTS}/viewer-paxos-multi.png` });
    assert.deepEqual(errors, []);
  });

  it('Multi-Paxos under load: the panel keeps the last 24 slots', async () => {
    const doc = (await engineTrace('examples/paxos/leader-failover.scenario', 'leader failover under load')).doc;
    const { page, errors } = await show(doc, stepAt(doc, 1_500_000));
    const axis = (await page.locator('svg.paxos-grid text.axis').allTextContents()).map(Number);
    assert.equal(axis.length, 24);
    assert.ok(axis[0]! > 1 && axis[23]! === axis[0]! + 23, axis.join(' '));
    await page.locator('.panel-paxos').screenshot({ path: `${SHOTS}/viewer-paxos-failover.png` });
    assert.deepEqual(errors, []);
  });

  it('renders proposed values from the trace as text, never as markup', async () => {
    const source = 'cluster c: paxos {\n  nodes n1..n3\n}\nscenario "s" {\n  use c\n  at 0ms client propose "<img src=x onerror=window.__pwned=1>"\n  run until 100ms\n  expect eventually chosen\n}\n';
    const compiled = await parseAndCompile(source);
    assert.equal(compiled.ok, true);
    const doc = traceOf(runFile(compiled.file).scenarios[0]!, source);
    const { page, errors, text } = await show(doc, doc.events.length - 1);
    assert.match(await text(), /✓ chosen: "<img src=x onerror=window\.__pwned=1>"/);
    assert.equal(await page.locator('.panel-paxos img').count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(errors, []);
  });
});
