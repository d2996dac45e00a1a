/**
 * `protocol-playground lincheck` end to end, on the built CLI: the four exit
 * codes, EDN / JSON / trace input, keys checked on several workers with the
 * same verdict as on one, and the HTML page — rendered inertly in Chromium.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli, ROOT } from '../_cli.js';
import { registerHistory, toJepsenEdn } from '../_histories.js';
import { launch } from '../webview/_harness.js';

const scratch = mkdtempSync(join(tmpdir(), 'pp-lincheck-'));
function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

const good = file('good.edn', toJepsenEdn(registerHistory({ clients: 5, ops: 100, unknown: 0.15, seed: 1 })));
const stale = file('stale.edn', `{:process 0, :type :invoke, :f :write, :value 1}
{:process 0, :type :ok, :f :write, :value 1}
{:process 1, :type :invoke, :f :write, :value "<img src=x onerror=window.__pwned=1>"}
{:process 1, :type :ok, :f :write, :value "<img src=x onerror=window.__pwned=1>"}
{:process 2, :type :invoke, :f :read, :value nil}
{:process 2, :type :ok, :f :read, :value 1}
`);

/** Many keys, one of them (k7) with a stale read; large enough to be checked on workers. */
function manyKeys(): string {
  const lines: string[] = [];
  for (let k = 0; k < 12; k++) {
    for (let i = 0; i < 100; i++) {
      const p = k * 2;
      lines.push(`{:process ${p}, :type :invoke, :f :write, :value [:k${k} ${i}]}`, `{:process ${p}, :type :ok, :f :write, :value [:k${k} ${i}]}`);
      const read = k === 7 && i === 60 ? i - 5 : i;
      lines.push(`{:process ${p + 1}, :type :invoke, :f :read, :value [:k${k} nil]}`, `{:process ${p + 1}, :type :ok, :f :read, :value [:k${k} ${read}]}`);
    }
  }
  return lines.join('\n');
}

describe('protocol-playground lincheck', () => {
  it('exit 0: a linearizable Jepsen history, with a summary line', () => {
    const r = cli(['lincheck', good, '--model', 'register']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /operations \(\d+ with unknown outcome\) from 200 events, register model, 1 key/);
    assert.match(r.stdout, /^linearizable \(1 key\)/m);
  });

  it('exit 1: not linearizable, naming the read and the minimal window by line and client', () => {
    const r = cli(['lincheck', stale, '--model', 'register']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /not linearizable: line 5, client 2: read → 1 \[4 → 5\] has no valid place/);
    assert.match(r.stdout, /window of 3 operation\(s\):\n {4}line 1, client 0: write 1 \[0 → 1\]\n {4}line 3, client 1: write "<img[^\n]*\n {2}✗ line 5, client 2: read → 1/);
  });

  it('exit 2: bad input and bad usage, with the line where the file breaks', () => {
    const broken = file('broken.edn', '{:process 0, :type :invoke, :f :write, :value 3}\n{:process 0 :type');
    let r = cli(['lincheck', broken, '--model', 'register']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /broken\.edn: line 2, column 1: "\{" is never closed/);
    r = cli(['lincheck', good]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /needs --model register or --model kv/);
    r = cli(['lincheck', good, '--model', 'queue']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--model must be register or kv/);
    r = cli(['lincheck', join(scratch, 'missing.edn'), '--model', 'kv']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /missing\.edn: no such file/);
  });

  it('exit 3: the budget runs out — "unknown: budget exhausted", in JSON too', () => {
    const hard = file('hard.edn', toJepsenEdn(registerHistory({ clients: 50, ops: 3000, unknown: 0, seed: 7 })));
    const r = cli(['lincheck', hard, '--model', 'register', '--memory', '1MB', '--json']);
    assert.equal(r.status, 3, r.stderr);
    const doc = JSON.parse(r.stdout) as { verdict: string; reason: string; message: string };
    assert.equal(doc.verdict, 'unknown');
    assert.equal(doc.reason, 'memory');
    assert.match(doc.message, /^unknown: budget exhausted — the memory budget \(1 MB\)/);
  });

  it('checks keys on several workers and reports the same first failing key as one worker', () => {
    const path = file('keys.edn', manyKeys());
    const one = cli(['lincheck', path, '--model', 'kv', '--workers', '1', '--json']);
    const two = cli(['lincheck', path, '--model', 'kv', '--workers', '2', '--json']);
    assert.equal(one.status, 1, one.stderr);
    assert.equal(two.status, 1, two.stderr);
    const a = JSON.parse(one.stdout) as { key: string; keys: number; window: unknown[] };
    const b = JSON.parse(two.stdout) as { key: string; keys: number; window: unknown[] };
    assert.equal(a.keys, 12);
    assert.equal(a.key, 'k7');
    assert.deepEqual(b.window, a.window);
  });

  it('reads a JSON-lines history and a trace (the protocol names its own model)', () => {
    const jsonl = file('h.jsonl', '{"process":0,"type":"invoke","f":"write","value":1}\n{"process":0,"type":"ok","f":"write","value":1}\n');
    assert.equal(cli(['lincheck', jsonl, '--model', 'register']).status, 0);
    const trace = join(scratch, 'failover.trace.json');
    assert.equal(cli(['run', join(ROOT, 'examples/raft/leader-failover.scenario'), '--out', trace]).status, 0);
    const r = cli(['lincheck', trace]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /kv model, 2 keys/);
    const wrong = cli(['lincheck', trace, '--model', 'register']);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /follows the kv model, not register/);
  });

  it('--html draws the history inertly: lanes per client, the window marked, hostile text shown as text', async () => {
    const page = join(scratch, 'stale.html');
    assert.equal(cli(['lincheck', stale, '--model', 'register', '--html', page]).status, 1);
    const html = readFileSync(page, 'utf8');
    assert.match(html, /Content-Security-Policy" content="default-src &#39;none&#39;|Content-Security-Policy" content="default-src 'none'; style-src 'nonce-/);
    assert.doesNotMatch(html, /<script|<img/i);
    const browser = await launch();
    try {
      const p = await browser.newPage();
      await p.goto(pathToFileURL(page).href);
      const seen = await p.evaluate(`({
        lanes: [...document.querySelectorAll('svg')[0].querySelectorAll('text.client')].map((t) => t.textContent),
        window: document.querySelectorAll('svg')[0].querySelectorAll('g.window').length,
        culprit: document.querySelector('g.culprit title').textContent,
        verdict: document.querySelector('p.verdict').textContent,
        injected: document.querySelectorAll('img').length,
        pwned: window.__pwned === undefined ? 'no' : 'yes',
        text: document.body.innerText,
      })`) as { lanes: string[]; window: number; culprit: string; verdict: string; injected: number; pwned: string; text: string };
      assert.deepEqual(seen.lanes, ['0', '1', '2']);
      assert.equal(seen.window, 3);
      assert.match(seen.culprit, /^read → 1 — line 5, client 2/);
      assert.match(seen.verdict, /^not linearizable/);
      assert.equal(seen.injected, 0);
      assert.equal(seen.pwned, 'no');
      assert.match(seen.text, /write "<img src=x onerror=window.__pwned=1>"/);
    } finally {
      await browser.close();
    }
  });
});
