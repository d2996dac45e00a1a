/**
 * Exporters (src/trace/export) on a real Raft trace, and the CLI's
 * `export` command: the ShiViz log's vector clocks respect happened-before
 * (each host ticks by one, a delivery dominates its send), the Mermaid text
 * has only lines Mermaid's sequence grammar accepts and summarises heartbeat
 * rounds, the SVG holds one arrow per drawn message and its labels do not
 * overlap, and `protocol-playground export --to png` writes a PNG the size of
 * the SVG (through headless Chromium).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../_cli.js';
import { loadScenarioFile } from '../../src/cli/load.js';
import { runFile, traceOf } from '../../src/runner/run.js';
import { stringifyTrace } from '../../src/trace/write.js';
import type { TraceDocument } from '../../src/trace/format.js';
import { exportMermaid, exportShiviz, exportSvg, SHIVIZ_REGEX } from '../../src/trace/export/index.js';
import { findPeriodic } from '../../src/trace/periodic.js';
import { TraceModel } from '../../src/trace/spacetime.js';

const scratch = mkdtempSync(join(tmpdir(), 'pp-export-'));
let doc: TraceDocument;
let tracePath: string;

before(async () => {
  const loaded = await loadScenarioFile('examples/raft/stale-leader.scenario');
  const outcome = runFile(loaded.compiled.file, undefined, { text: loaded.text });
  doc = traceOf(outcome.scenarios[0]!, loaded.text);
  tracePath = join(scratch, 'stale.trace.json');
  writeFileSync(tracePath, stringifyTrace(doc));
});

describe('exportShiviz()', () => {
  it('starts with ShiViz\'s parser regex and an empty delimiter line, then event / host-and-clock pairs', () => {
    const lines = exportShiviz(doc).trimEnd().split('\n');
    assert.equal(lines[0], SHIVIZ_REGEX);
    assert.equal(lines[1], '');
    const body = lines.slice(2);
    assert.equal(body.length % 2, 0);
    for (let k = 0; k < body.length; k += 2) assert.match(body[k + 1]!, /^\S+ \{.*\}$/, `line ${k + 3}`);
  });

  it('vector clocks: each host ticks by one per event, and every delivery happens after its send', () => {
    const lines = exportShiviz(doc).trimEnd().split('\n').slice(2);
    const own = new Map<string, number>();
    const entries: { text: string; host: string; clock: Record<string, number> }[] = [];
    for (let k = 0; k < lines.length; k += 2) {
      const m = /^(\S+) (\{.*\})$/.exec(lines[k + 1]!)!;
      const host = m[1]!, clock = JSON.parse(m[2]!) as Record<string, number>;
      assert.equal(clock[host], (own.get(host) ?? 0) + 1, `${host} ticks by one`);
      own.set(host, clock[host]!);
      entries.push({ text: lines[k]!, host, clock });
    }
    const model = new TraceModel(doc);
    const byText = (re: RegExp): typeof entries => entries.filter((e) => re.test(e.text));
    let checked = 0;
    for (const a of model.arrows.filter((x) => !x.dropped && x.endIndex >= 0).slice(0, 200)) {
      const sent = byText(new RegExp(`sends ${a.msg.type} #${a.msg.id} to`))[0]!;
      const got = byText(new RegExp(`receives ${a.msg.type} #${a.msg.id} `))[0]!;
      for (const [h, v] of Object.entries(sent.clock)) assert.ok((got.clock[h] ?? 0) >= v, `#${a.msg.id}: the delivery dominates the send at ${h}`);
      assert.ok(got.clock[a.msg.to]! > (sent.clock[a.msg.to] ?? 0));
      checked++;
    }
    assert.ok(checked > 50);
  });
});

describe('exportMermaid()', () => {
  const LINE = /^(sequenceDiagram|  title .+|  participant P\d+ as [^;#\n]+|  P\d+(->>|-x)P\d+: [^;#\n]+|  Note over P\d+(,P\d+)?: [^;#\n]+)$/;

  it('writes only lines of Mermaid\'s sequence grammar, one participant per node', () => {
    const text = exportMermaid(doc);
    const lines = text.trimEnd().split('\n');
    for (const l of lines) assert.match(l, LINE);
    assert.equal(lines.filter((l) => l.includes('participant')).length, doc.nodes.length);
    assert.ok(lines.some((l) => /Note over P1,P5: .*partition/.test(l)), 'the partition is a note over everyone');
  });

  it('summarises heartbeat rounds as one note per band, or draws every message with all', () => {
    const model = new TraceModel(doc);
    const periodic = findPeriodic(model);
    const short = exportMermaid(model, { periodic }).split('\n');
    const all = exportMermaid(model, { periodic, all: true }).split('\n');
    const messages = (ls: string[]): number => ls.filter((l) => /->>|-x/.test(l)).length;
    assert.equal(short.filter((l) => /Note over .*×\d+ AppendEntries/.test(l)).length, periodic.bands.length);
    assert.ok(messages(short) < messages(all) / 4, `${messages(short)} lines instead of ${messages(all)}`);
    assert.equal(messages(all), model.arrows.filter((a) => a.endIndex >= 0).length);
    const none = exportMermaid(model, { periodic, hidePeriodic: true }).split('\n');
    assert.equal(none.filter((l) => /×\d+ AppendEntries/.test(l)).length, 0);
  });

  it('keeps hostile names inside their line', () => {
    const evil = JSON.parse(JSON.stringify(doc)) as { scenario: { name: string } };
    evil.scenario.name = 'x; y\n# %% classDef';
    const first = exportMermaid(evil as unknown as TraceDocument).split('\n').slice(0, 2);
    assert.match(first[1]!, /^ {2}title [^;#\n]+$/);
  });
});

describe('exportSvg()', () => {
  it('draws a lane per node, an arrow per drawn message, the bands, and no overlapping labels', () => {
    const svg = exportSvg(doc, { width: 1200 });
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1200" height="\d+"/);
    for (const n of doc.nodes) assert.ok(svg.includes(`>${n.id}</text>`), `lane ${n.id}`);
    assert.ok((svg.match(/marker-end=/g) ?? []).length > 10);
    assert.match(svg, /×\d+ · every 50ms/);
    const boxes = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="13" fill="#ffffff" fill-opacity="0.85"\/>/g)].map((m) => m.slice(1, 5).map(Number));
    assert.ok(boxes.length > 5);
    for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
      const [x1, y1, w1] = boxes[a]!, [x2, y2, w2] = boxes[b]!;
      assert.ok(!(x1! < x2! + w2! && x2! < x1! + w1! && y1! < y2! + 13 && y2! < y1! + 13), `labels ${a} and ${b} overlap`);
    }
  });

  it('escapes names, so a hostile trace stays text', () => {
    const evil = JSON.parse(JSON.stringify(doc)) as { scenario: { name: string } };
    evil.scenario.name = '</text><script>alert(1)</script>';
    const svg = exportSvg(evil as unknown as TraceDocument);
    assert.ok(!svg.includes('<script>'));
    assert.ok(svg.includes('&lt;/text&gt;&lt;script&gt;'));
  });
});

describe('protocol-playground export', () => {
  it('writes svg, mermaid and shiviz next to the trace, and a PNG the size of the SVG', function () {
    this.timeout(120_000);
    for (const [to, ext] of [['svg', '.svg'], ['mermaid', '.mmd'], ['shiviz', '.shiviz.log'], ['png', '.png']] as const) {
      const r = cli(['export', tracePath, '--to', to, '--width', '1000']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`wrote .*stale${ext.replace('.', '\\.')}`));
    }
    const svg = readFileSync(join(scratch, 'stale.svg'), 'utf8');
    const height = Number(/height="(\d+)"/.exec(svg)![1]);
    const png = readFileSync(join(scratch, 'stale.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.equal(png.readUInt32BE(16), 1000, 'as wide as the SVG');
    assert.equal(png.readUInt32BE(20), height, 'as tall as the SVG');
  });

  it('rejects a bad format, a missing file and a broken trace with exit 2', () => {
    assert.equal(cli(['export', tracePath, '--to', 'gif']).status, 2);
    assert.match(cli(['export', join(scratch, 'nope.json'), '--to', 'svg']).stderr, /no such file/);
    const broken = join(scratch, 'broken.trace.json');
    writeFileSync(broken, '{"format": "protocol-playground-trace"');
    const r = cli(['export', broken, '--to', 'mermaid']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not JSON/);
  });
});
