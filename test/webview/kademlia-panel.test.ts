/**
 * The Kademlia panel (webview/panels/kademlia.ts) in real Chromium, on the
 * real trace of examples/kademlia/one-lookup.scenario (48 nodes, 8-bit ids,
 * k = 2, α = 2; n9 looks up 5e): the nodes on the id circle, the selected
 * node's k-buckets (Maymounkov & Mazières 2002, §2.2: bucket i holds the
 * contacts at XOR distance [2^i, 2^(i+1))), and the lookup's path round by
 * round (§2.3) — checked against the trace's own FIND_NODE messages and the
 * operation's reply. Screenshots go to test-results/panel-kademlia*.png.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { engineTrace, summary, viewerPages, type PageWindow } from './_harness.js';
import type { TraceDocument, TraceEvent } from '../../src/trace/format.js';

declare const window: PageWindow;
const SHOTS = 'test-results';
type Send = Extract<TraceEvent, { kind: 'send' }>;
type Reply = Extract<TraceEvent, { kind: 'reply' }>;

const LOOKUP_AT = 400_000;
const bin = (id: number): string => id.toString(2).padStart(8, '0'); // µs: when n9 starts its lookup (the scenario's `at 400ms`)

/** The nodes n9's lookup sent FIND_NODE to, in the trace. */
function asked(doc: TraceDocument): Set<string> {
  return new Set(doc.events.filter((e): e is Send => e.kind === 'send' && e.t >= LOOKUP_AT && e.node === 'n9' && e.msg.type === 'FIND_NODE').map((e) => e.msg.to));
}

describe('webview: the Kademlia panel (Chromium)', function () {
  this.timeout(120_000);
  const pages = viewerPages(SHOTS);
  let trace: Awaited<ReturnType<typeof engineTrace>>;
  before(async () => { trace = await engineTrace('examples/kademlia/one-lookup.scenario', 'one lookup'); });

  const openAt = async (step: number | 'end', size = { width: 1400, height: 1000 }) => {
    const opened = await pages.open(trace.text, undefined, size);
    if (step === 'end') await opened.page.keyboard.press('End');
    else await opened.page.evaluate((i) => window.__viewer!.goto(i), step);
    await opened.page.getByRole('tab', { name: 'Picture' }).click();
    await opened.page.waitForSelector('.panel-kademlia');
    return opened;
  };

  it('§2.3: the last lookup round by round — exactly the nodes the trace shows n9 asking, and the k closest its reply names', async () => {
    const { page, errors } = await openAt('end');
    assert.equal((await summary(page)).panel, 'kademlia');
    assert.equal(await page.locator('svg.kad-circle circle.kad-node').count(), 48, 'a dot per node');
    assert.equal(await page.locator('svg.kad-circle circle.kad-node.selected').getAttribute('data-node'), 'n9', 'the node whose lookup ran last is selected');

    const reply = trace.doc.events.find((e): e is Reply => e.kind === 'reply' && e.node === 'n9' && e.ok)!;
    const result = reply.result as { closest: string[]; hops: number };
    const rounds = page.locator('.kad-rounds');
    assert.match(await rounds.locator('h5').innerText(), new RegExp(`^Last lookup \\(lookup\\) of 5e · ${result.hops} hops$`));
    const lines = await rounds.locator('.kad-round').allInnerTexts();
    assert.ok(lines.length >= 2, `one line per hop: ${lines.join(' | ')}`);
    lines.forEach((l, k) => assert.match(l, new RegExp(`^hop ${k + 1}: `)));
    const shown = new Set(lines.flatMap((l) => l.replace(/^hop \d+: /, '').split(/\s+/).filter((w) => /^n\d+$/.test(w))));
    assert.deepEqual([...shown].sort(), [...asked(trace.doc)].sort(), 'the nodes listed by hop are those n9 sent FIND_NODE to');
    assert.equal(await rounds.locator('.kad-result').innerText(), `found: ${result.closest.join(' ')}`);
    // One line from n9 to every node it asked, none for nodes it did not ask.
    assert.equal(await page.locator('svg.kad-circle line.kad-asked').count(), asked(trace.doc).size);
    assert.equal(await page.locator('svg.kad-circle path.kad-target').count(), 1, 'the target, 5e');

    await page.locator('.panel-kademlia').screenshot({ path: `${SHOTS}/panel-kademlia.png` });
    assert.deepEqual(errors, []);
  });

  it('§2.2: the selected node\'s buckets — every contact listed in bucket i lies at XOR distance [2^i, 2^(i+1)); clicking a dot selects another node', async () => {
    const { page, errors } = await openAt('end');
    const ids = new Map<string, number>();
    for (const t of await page.locator('svg.kad-circle circle.kad-node title').allTextContents()) {
      const [node, id] = t.split(' · ');
      ids.set(node!, parseInt(id!, 16));
    }
    assert.equal(ids.size, 48);
    const checkBuckets = async (self: string): Promise<number> => {
      const rows = await page.locator('table.kad-buckets tr[data-bucket]').all();
      assert.ok(rows.length >= 2, `${self} has contacts in at least two buckets`);
      let contacts = 0;
      for (const row of rows) {
        const i = Number(await row.getAttribute('data-bucket'));
        const cells = await row.locator('td').allInnerTexts();
        assert.equal(cells[2], `2^${i}..2^${i + 1}`);
        const names = cells[4]!.replace(/\(.*\)/, '').split(/\s+/).filter(Boolean);
        assert.ok(names.length <= 2, `bucket ${i} holds at most k = 2: ${names.join(' ')}`);
        assert.equal(cells[3], `${names.length}/2`);
        // Figure 1's subtree: the node's first 7 - i bits, then the other value of the next bit.
        const prefix = cells[1]!.replace('…', '');
        assert.equal(prefix.length, 8 - i);
        assert.equal(prefix, bin(ids.get(self)! ^ (1 << i)).slice(0, 8 - i));
        for (const n of names) {
          const d = ids.get(n)! ^ ids.get(self)!;
          assert.ok(d >= 2 ** i && d < 2 ** (i + 1), `${n} in ${self}'s bucket ${i}: distance ${d}`);
          assert.ok(bin(ids.get(n)!).startsWith(prefix), `${n} lies in the subtree ${prefix}…`);
        }
        contacts += names.length;
      }
      // A grey line from the node to each of its contacts.
      assert.equal(await page.locator('svg.kad-circle line.kad-contact').count(), contacts);
      return contacts;
    };
    await checkBuckets('n9');
    await page.locator('svg.kad-circle circle.kad-node[data-node="n30"]').click({ force: true });
    assert.equal(await page.locator('svg.kad-circle circle.kad-node.selected').getAttribute('data-node'), 'n30');
    assert.equal(await page.locator('select.kad-select').inputValue(), 'n30');
    await checkBuckets('n30');
    // Its last lookup is from its join (§2.3): the lookup of its own id or a refresh of a farther bucket.
    assert.match(await page.locator('.kad-rounds h5').innerText(), /^Last lookup \((join|refresh)\) of [0-9a-f]{2} · \d+ hops$/);
    assert.deepEqual(errors, []);
  });

  it('mid-lookup: the lookup in progress, with the RPCs still waiting for an answer', async () => {
    const firstAnswer = trace.doc.events.findIndex((e) => e.kind === 'deliver' && e.node === 'n9' && e.t > LOOKUP_AT);
    const { page, errors } = await openAt(firstAnswer + 1);
    assert.match(await page.locator('.kad-rounds h5').innerText(), /^Lookup in progress \(lookup\) of 5e$/);
    assert.ok(await page.locator('.kad-step.asked').count() >= 1, 'an RPC in flight is marked …');
    assert.equal(await page.locator('.kad-result').count(), 0, 'no result yet');
    await page.locator('.panel-kademlia').screenshot({ path: `${SHOTS}/panel-kademlia-mid.png` });
    assert.deepEqual(errors, []);
  });

  it('Figure 2 of the paper: node 0011… finds 1110…, each hop asking nodes that share more of the target\'s prefix; the picture is docs/kademlia.md\'s', async () => {
    const figure = await engineTrace('examples/kademlia/one-lookup.scenario', 'figure 2: 0011 finds 1110');
    const { page, errors } = await pages.open(figure.text, undefined, { width: 1000, height: 1300 });
    await page.keyboard.press('End');
    await page.getByRole('tab', { name: 'Picture' }).click();
    await page.waitForSelector('.panel-kademlia');
    const ids = new Map<string, number>();
    for (const t of await page.locator('svg.kad-circle circle.kad-node title').allTextContents()) {
      const [node, id] = t.split(' · ');
      ids.set(node!, parseInt(id!, 16));
    }
    assert.equal(bin(ids.get('n9')!).slice(0, 4), '0011');
    assert.equal(await page.locator('svg.kad-circle circle.kad-node.selected').getAttribute('data-node'), 'n9');
    const lines = await page.locator('.kad-rounds .kad-round').allInnerTexts();
    const target = 0xeb;
    const shared = (n: string): number => { const d = ids.get(n)! ^ target; return d === 0 ? 8 : 7 - Math.floor(Math.log2(d)); };
    // The longest prefix shared with the target among the nodes asked at each hop grows until the target itself answers.
    const best = lines.map((l) => Math.max(...l.replace(/^hop \d+: /, '').split(/\s+/).filter((w) => /^n\d+$/.test(w)).map(shared)));
    assert.ok(best.length >= 2, lines.join(' | '));
    for (let h = 1; h < best.length; h++) assert.ok(best[h]! > best[h - 1]!, `hop ${h + 1} gets closer: ${best.join(' → ')}`);
    assert.equal(best[best.length - 1], 8, 'the last hop reaches the node with id eb');
    assert.equal(bin(target).slice(0, 4), '1110');
    // The first RPCs go to nodes n9 already knew: its bucket for the subtree 1….
    const firstHop = lines[0]!.replace(/^hop 1: /, '').split(/\s+/).filter((w) => /^n\d+$/.test(w));
    const bucket7 = (await page.locator('table.kad-buckets tr[data-bucket="7"] td').allInnerTexts());
    assert.equal(bucket7[1], '1…');
    for (const n of firstHop) assert.ok(bucket7[4]!.split(/\s+/).includes(n), `${n} was in n9's bucket 7 (${bucket7[4]})`);
    assert.match(await page.locator('.kad-result').innerText(), /^found: n48 n28$/);
    await page.locator('.panel-kademlia').screenshot({ path: 'docs/images/kademlia-figure-2.png' });
    assert.match(readFileSync('docs/kademlia.md', 'utf8'), /!\[[^\]]*\]\(images\/kademlia-figure-2\.png\)/, 'docs/kademlia.md shows the picture');
    assert.deepEqual(errors, []);
  });

  it('fits beside an editor: nothing wider than a 560 px column, the legend on screen', async () => {
    const { page, errors } = await openAt('end', { width: 560, height: 900 });
    const body = page.locator('.tab-bodies');
    const [scrollW, clientW] = await body.evaluate((b) => [(b as unknown as { scrollWidth: number }).scrollWidth, (b as unknown as { clientWidth: number }).clientWidth]);
    assert.ok(scrollW <= clientW + 1, `the picture fits its column (${scrollW} ≤ ${clientW})`);
    const legend = page.locator('.panel-kademlia ul.panel-legend');
    assert.match(await legend.innerText(), /k-bucket i: XOR distance 2\^i\.\.2\^\(i\+1\)/);
    const box = (await legend.boundingBox())!;
    assert.ok(box.y + box.height <= 900, `the legend is on screen (bottom at ${box.y + box.height})`);
    await page.screenshot({ path: `${SHOTS}/panel-kademlia-narrow.png` });
    assert.deepEqual(errors, []);
  });
});
