/**
 * `npm run bench`: every benchmark, in one process, each figure printed with
 * its baseline (measured here, now, on the same inputs) and the ratio. Not a
 * test: machines here are noisy, so nothing asserts on these numbers.
 */
import type { BenchRow } from './types.js';
import { benchEngine } from './engine.bench.js';
import { benchScale } from './scale.bench.js';
import { benchProtocols } from './protocols.bench.js';
import { benchDsl } from './dsl.bench.js';
import { benchRaft } from './raft.bench.js';
import { benchKademlia } from './kademlia.bench.js';
import { benchLsp } from './lsp.bench.js';
import { benchViewer } from './viewer.bench.js';
import { benchPackage } from './package.bench.js';
import { benchActivation } from './activation.bench.js';
import { benchExplore } from './explore.bench.js';

const suites: [string, () => Promise<BenchRow[]>][] = [
  ['engine', benchEngine],
  ['scale', benchScale],
  ['protocols', benchProtocols],
  ['scenario language', benchDsl],
  ['raft and multi-paxos', benchRaft],
  ['explore and lincheck', benchExplore],
  ['kademlia', benchKademlia],
  ['language server', benchLsp],
  ['viewer (Chromium)', benchViewer],
  ['package', benchPackage],
  ['vs code', benchActivation],
];

function fmt(x: number): string {
  if (Math.abs(x) >= 1e6) return (x / 1e6).toFixed(2) + 'M';
  if (Math.abs(x) >= 1e4) return (x / 1e3).toFixed(1) + 'k';
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

const only = process.argv[2];
for (const [name, run] of suites) {
  if (only && !name.startsWith(only)) continue;
  console.log(`\n## ${name}`);
  for (const row of await run()) {
    let line = `  ${row.name.padEnd(58)} ${fmt(row.value).padStart(9)} ${row.unit}`;
    if (row.baseline) {
      line += `   vs ${row.baseline.name} ${fmt(row.baseline.value)} → ratio ${(row.value / row.baseline.value).toFixed(2)}×`;
    }
    if (row.target) line += `   (target ${row.target})`;
    console.log(line);
  }
}
