/**
 * The pictures in the README and the protocol pages are screenshots of the
 * real viewer, taken here on engine traces of the examples every time the
 * suite runs — so they always show what the viewer draws today. Each test
 * writes its image into docs/images/ and checks that the page it belongs to
 * shows it. (The VS Code pictures, docs/images/vscode-*.png, come from the
 * code-server UI test, test/e2e/ui.mjs, the same way.)
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { engineTrace, summary, viewerPages, type PageWindow } from './_harness.js';
import type { TraceEvent } from '../../src/trace/format.js';

declare const window: PageWindow;

interface Shot {
  readonly image: string;
  readonly pages: readonly string[];
  readonly file: string;
  readonly scenario: string;
  readonly size: { width: number; height: number };
  /** Puts the viewer in the state to photograph; returns the element to shoot (the page when undefined). */
  readonly prepare: (page: Page, events: readonly TraceEvent[]) => Promise<string | undefined>;
}

const afterElection = async (page: Page, events: readonly TraceEvent[]): Promise<void> => {
  const crash = events.find((e) => e.kind === 'crash')!;
  const leader = events.find((e) => e.kind === 'note' && e.i > crash.i && /leader for term/.test(e.text))!;
  await page.evaluate((i) => window.__viewer!.goto(i), leader.i + 30);
};

const SHOTS: readonly Shot[] = [
  {
    image: 'docs/images/viewer.png', pages: ['README.md'], file: 'examples/raft/leader-failover.scenario', scenario: 'leader failover',
    size: { width: 1400, height: 820 },
    prepare: async (page, events) => { await afterElection(page, events); await page.getByRole('tab', { name: 'Picture' }).click(); return undefined; },
  },
  {
    image: 'docs/images/raft-failover.png', pages: ['docs/raft.md', 'examples/raft/README.md'], file: 'examples/raft/leader-failover.scenario', scenario: 'leader failover',
    size: { width: 1200, height: 560 }, prepare: async () => '.diagram-column',
  },
  {
    image: 'docs/images/raft-partition.png', pages: ['docs/raft.md'], file: 'examples/raft/stale-leader.scenario', scenario: 'stale leader in the minority',
    size: { width: 1200, height: 560 }, prepare: async () => '.diagram-column',
  },
  {
    image: 'docs/images/raft-panel.png', pages: ['docs/raft.md'], file: 'examples/raft/leader-failover.scenario', scenario: 'leader failover',
    size: { width: 1400, height: 1000 },
    prepare: async (page, events) => { await afterElection(page, events); await page.getByRole('tab', { name: 'Picture' }).click(); return '.panel-raft'; },
  },
  {
    image: 'docs/images/ring-add-node.png', pages: ['docs/ring.md'], file: 'examples/ring/add-node.scenario', scenario: 'add a fifth node',
    size: { width: 1400, height: 1000 },
    prepare: async (page) => { await page.keyboard.press('End'); await page.getByRole('tab', { name: 'Picture' }).click(); return '.panel-ring'; },
  },
  {
    image: 'docs/images/paxos-phases.png', pages: ['docs/paxos.md'], file: 'examples/paxos/value-chosen.scenario', scenario: 'a value chosen',
    size: { width: 1200, height: 560 }, prepare: async () => '.diagram-column',
  },
  {
    image: 'docs/images/paxos-single.png', pages: ['docs/paxos.md'], file: 'examples/paxos/value-chosen.scenario', scenario: 'a value chosen',
    size: { width: 1200, height: 900 },
    prepare: async (page) => { await page.keyboard.press('End'); await page.getByRole('tab', { name: 'Picture' }).click(); return '.panel-paxos'; },
  },
  {
    image: 'docs/images/paxos-multi.png', pages: ['docs/paxos.md'], file: 'examples/paxos/gap-noop.scenario', scenario: 'a gap filled with a no-op',
    size: { width: 1200, height: 900 },
    prepare: async (page) => { await page.keyboard.press('End'); await page.getByRole('tab', { name: 'Picture' }).click(); return '.panel-paxos'; },
  },
  {
    image: 'docs/images/hash-buckets.png', pages: ['docs/hash.md'], file: 'examples/hash/buckets.scenario', scenario: 'bucket histogram',
    size: { width: 1200, height: 700 },
    prepare: async (page) => { await page.keyboard.press('End'); await page.getByRole('tab', { name: 'Checks & metrics' }).click(); return undefined; },
  },
];

describe('screenshots in the docs, from the real viewer (Chromium)', function () {
  this.timeout(120_000);
  const pages = viewerPages('docs/images');
  const started = Date.now();

  for (const shot of SHOTS) {
    it(`${shot.image} (${shot.pages.join(', ')})`, async () => {
      const { doc, text } = await engineTrace(shot.file, shot.scenario);
      const { page, errors } = await pages.open(text, undefined, shot.size);
      await page.emulateMedia({ colorScheme: 'light' });
      const element = await shot.prepare(page, doc.events);
      await page.evaluate(() => window.__viewer!.drawNow());
      assert.equal((await summary(page)).mode, 'single');
      if (element) await page.locator(element).first().screenshot({ path: shot.image });
      else await page.screenshot({ path: shot.image });
      const stat = statSync(shot.image);
      assert.ok(stat.mtimeMs >= started - 1000 && stat.size > 10_000, `${shot.image} was written now (${stat.size} bytes)`);
      for (const md of shot.pages) {
        const rel = relative(dirname(md), shot.image);
        assert.ok(readFileSync(md, 'utf8').includes(`](${rel})`), `${md} shows ${rel}`);
      }
      assert.deepEqual(errors, []);
    });
  }
});
