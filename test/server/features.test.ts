/**
 * The language server's features, each exercised by a real LSP client over
 * stdio against the built bundle (dist/server.cjs) with a workspace folder
 * of two files (one importing the other): diagnostics on change,
 * completion, hover, definition, references, rename, document symbols,
 * folding, formatting, semantic tokens and code actions.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  CodeAction, CompletionItem, CompletionList, Diagnostic, DocumentSymbol, FoldingRange, Hover, Location, SemanticTokens, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { ROOT } from '../_cli.js';
import { positionOf, SERVER, startSession, type LspSession } from './_lsp.js';

const CLUSTERS = `cluster five: raft {
  nodes n1..n5, solo
  heartbeat 50ms
}
`;

const MAIN = `import "clusters.scenario"

scenario "failover" {
  use five
  at 1s crash solo
  at 2s restart solo
  at 3s client put x = 1
  expect always election_safety
}

compare "twice" {
  left "failover"
  right "failover"
}
`;

const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === 1);
const labels = (r: CompletionList | CompletionItem[] | null) => (Array.isArray(r) ? r : (r?.items ?? [])).map((i) => i.label);
const items = (r: CompletionList | CompletionItem[] | null) => (Array.isArray(r) ? r : (r?.items ?? []));
const hoverText = (h: Hover | null) => (h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '');

/** Apply non-overlapping edits to a text. */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

describe('language server features over stdio', () => {
  let s: LspSession;
  let dir: string;
  let clustersUri: string;
  let mainUri: string;
  let scratch = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-lsp-'));
    writeFileSync(join(dir, 'clusters.scenario'), CLUSTERS);
    writeFileSync(join(dir, 'main.scenario'), MAIN);
    clustersUri = pathToFileURL(join(dir, 'clusters.scenario')).toString();
    mainUri = pathToFileURL(join(dir, 'main.scenario')).toString();
    s = await startSession([SERVER, '--stdio'], dir);
    const [main] = await Promise.all([s.open(mainUri, MAIN), s.open(clustersUri, CLUSTERS)]);
    assert.deepEqual(errors(main.diagnostics), []);
  });

  after(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The document's semantic tokens, decoded: `line:character:length` → token type. */
  async function semanticTokens(uri: string): Promise<Map<string, string>> {
    const { data } = await s.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const tokens = new Map<string, string>();
    let line = 0;
    let char = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      char = data[i]! === 0 ? char + data[i + 1]! : data[i + 1]!;
      tokens.set(`${line}:${char}:${data[i + 2]}`, s.semanticLegend![data[i + 3]!]!);
    }
    return tokens;
  }

  /** Open a fresh document in the workspace folder (so it may import clusters.scenario). */
  async function openScratch(text: string) {
    const uri = pathToFileURL(join(dir, `scratch${++scratch}.scenario`)).toString();
    const published = await s.open(uri, text);
    return { uri, diagnostics: published.diagnostics };
  }

  async function complete(text: string, needle: string, delta = needle.length) {
    const { uri } = await openScratch(text);
    return s.request<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri }, position: positionOf(text, needle, delta) });
  }

  describe('diagnostics', () => {
    it('updates them on didChange: an error appears, then goes away', async () => {
      const { uri } = await openScratch(MAIN);
      const broken = MAIN.replace('use five', 'use fiv');
      const bad = await s.change(uri, 2, broken);
      const d = bad.diagnostics.find((x) => x.code === 'unknown-cluster');
      assert.ok(d, JSON.stringify(bad.diagnostics));
      assert.match(d.message, /did you mean 'five'/);
      assert.deepEqual(d.range.start, positionOf(broken, 'fiv'));
      const fixed = await s.change(uri, 3, MAIN);
      assert.deepEqual(errors(fixed.diagnostics), []);
    });
  });

  describe('completion', () => {
    it('offers protocol names after `cluster x:`', async () => {
      const r = await complete('cluster x: ', 'x: ');
      for (const p of ['raft', 'ring', 'hash']) assert.ok(labels(r).includes(p), `${p} in ${labels(r)}`);
      assert.ok(!labels(r).includes('scenario'));
    });

    it('offers parameters with type and default in detail and the doc, and the cluster keywords', async () => {
      const text = 'cluster c: raft {\n  nodes a, b\n  \n}\n';
      const r = await complete(text, 'b\n  ', 4);
      const hb = items(r).find((i) => i.label === 'heartbeat');
      assert.ok(hb, String(labels(r)));
      assert.equal(hb.detail, 'duration, default 50ms');
      assert.match(JSON.stringify(hb.documentation), /leader sends AppendEntries/);
      assert.equal(items(r).find((i) => i.label === 'election_timeout')?.detail, 'durationRange, default 150ms..300ms');
      assert.ok(labels(r).includes('nodes') && labels(r).includes('node'));
      assert.ok(!labels(r).includes('latency'), 'keywords that only stand for names are not offered');
    });

    it('offers nodes (range-expanded, imported) and role queries after crash', async () => {
      const text = 'import "clusters.scenario"\nscenario "s" {\n  use five\n  at 1s crash \n}\n';
      const r = await complete(text, 'crash ');
      for (const n of ['n1', 'n3', 'n5', 'solo', 'leader']) assert.ok(labels(r).includes(n), `${n} in ${labels(r)}`);
    });

    it('offers clusters after use, scenarios in compare, invariants, message types', async () => {
      const use = await complete('import "clusters.scenario"\nscenario "s" {\n  use \n}\n', 'use ');
      assert.ok(labels(use).includes('five'), String(labels(use)));
      const cmp = await complete('import "main.scenario"\ncompare "c" {\n  left \n}\n', 'left ');
      assert.ok(labels(cmp).includes('"failover"'), String(labels(cmp)));
      const inv = await complete('import "clusters.scenario"\nscenario "s" {\n  use five\n  expect always \n}\n', 'always ');
      assert.ok(labels(inv).includes('election_safety') && labels(inv).includes('log_matching'), String(labels(inv)));
      const msg = await complete('import "clusters.scenario"\nscenario "s" {\n  use five\n  on deliver  { drop }\n}\n', 'deliver ');
      assert.ok(labels(msg).includes('AppendEntries'), String(labels(msg)));
      assert.match(JSON.stringify(items(msg).find((i) => i.label === 'AppendEntries')?.documentation), /replicates entries/);
    });

    it('offers operations after client with the template as detail and snippet', async () => {
      const r = await complete('import "clusters.scenario"\nscenario "s" {\n  use five\n  at 1s client \n}\n', 'client ');
      const put = items(r).find((i) => i.label === 'put');
      assert.ok(put, String(labels(r)));
      assert.equal(put.detail, 'put <key:key> = <value:value>');
      assert.equal(put.insertTextFormat, 2);
      assert.equal(put.textEdit && 'newText' in put.textEdit ? put.textEdit.newText : put.insertText, 'put ${1:key} = ${2:value}');
    });

    it('offers queries in expect conditions and metrics after metric', async () => {
      const q = await complete('import "clusters.scenario"\nscenario "s" {\n  use five\n  expect eventually \n}\n', 'eventually ');
      assert.ok(labels(q).includes('leader') && labels(q).includes('committed'), String(labels(q)));
      const m = await complete('import "clusters.scenario"\nscenario "s" {\n  use five\n  expect at end metric \n}\n', 'metric ');
      assert.ok(labels(m).includes('committed_entries'), String(labels(m)));
    });

    const EXPERIMENT = 'import "clusters.scenario"\nscenario "x" {\n  use five\n  at 1s..1.1s crash leader\n  measure downtime_ms from crash leader until leader\n  run until 3s\n}\nsweep "w" of "x" {\n  vary (election_timeout, heartbeat) (12ms..24ms, 6ms)\n  chart cdf downtime_ms\n}\n';

    it('offers the experiment words with their docs: measure in a scenario, chart in a sweep, the chart kinds, measured metrics after a chart kind', async () => {
      const m = items(await complete(EXPERIMENT.replace('  run until 3s', '  me\n  run until 3s'), '  me', 4));
      const measure = m.find((i) => i.label === 'measure');
      assert.ok(measure, String(m.map((i) => i.label)));
      assert.equal(measure.detail, 'measure NAME from EVENT|TIME until CONDITION [within D]');
      const chartWord = items(await complete(EXPERIMENT.replace('  chart cdf downtime_ms', '  ch'), '  ch')).find((i) => i.label === 'chart');
      assert.match(String((chartWord?.documentation as { value?: string } | undefined)?.value), /distribution per group of trials/);
      const kinds = items(await complete(EXPERIMENT.replace('chart cdf downtime_ms', 'chart '), 'chart '));
      assert.deepEqual(['cdf', 'line', 'bar'].filter((k) => kinds.some((i) => i.label === k)), ['cdf', 'line', 'bar']);
      const metrics = labels(await complete(EXPERIMENT.replace('chart cdf downtime_ms', 'chart cdf '), 'chart cdf '));
      assert.ok(metrics.includes('downtime_ms') && metrics.includes('term'), String(metrics));
      const roles = labels(await complete(EXPERIMENT.replace('from crash leader', 'from crash '), 'from crash '));
      assert.ok(roles.includes('leader'), String(roles));
    });

    it('checks the new syntax as the user types: a joint vary row of the wrong length is an error on the row', async () => {
      const { diagnostics } = await openScratch(EXPERIMENT.replace('(12ms..24ms, 6ms)', '(12ms..24ms)'));
      const [row] = errors(diagnostics);
      assert.equal(row?.message, 'this row has 1 value; (election_timeout, heartbeat) needs 2');
      assert.deepEqual(row?.range.start, positionOf(EXPERIMENT, '(12ms', 0));
    });
  });

  describe('hover', () => {
    const hover = async (uri: string, text: string, needle: string, delta = 1) =>
      hoverText(await s.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, needle, delta) }));

    it('shows a parameter\'s type, default and doc', async () => {
      const t = await hover(clustersUri, CLUSTERS, 'heartbeat');
      assert.match(t, /heartbeat/);
      assert.match(t, /duration, default 50ms/);
      assert.match(t, /leader sends AppendEntries/);
    });

    it('shows the protocol, operation template, invariant doc', async () => {
      assert.match(await hover(clustersUri, CLUSTERS, 'raft'), /Raft consensus/);
      assert.match(await hover(mainUri, MAIN, 'put'), /put <key:key> = <value:value>/);
      assert.match(await hover(mainUri, MAIN, 'election_safety'), /invariant \*\*election_safety\*\*/);
    });

    it('describes node and cluster references and declarations', async () => {
      assert.match(await hover(mainUri, MAIN, 'solo'), /node \*\*solo\*\* of cluster five: raft/);
      assert.match(await hover(mainUri, MAIN, 'five'), /cluster \*\*five\*\*: raft — 6 nodes/);
      assert.match(await hover(clustersUri, CLUSTERS, 'n5'), /declared by the range n1\.\.n5/);
      assert.match(await hover(mainUri, MAIN, 'failover', 2, ), /scenario \*\*"failover"\*\* — runs cluster five/);
    });

    it('explains measure, chart kinds, measured metrics and the parameters of a joint vary', async () => {
      const text = 'import "clusters.scenario"\nscenario "x" {\n  use five\n  at 1s..1.1s crash leader\n  measure downtime_ms from crash leader until leader\n  run until 3s\n}\nsweep "w" of "x" {\n  vary (election_timeout, heartbeat) (12ms..24ms, 6ms)\n  chart cdf downtime_ms\n}\n';
      const { uri } = await openScratch(text);
      assert.match(await hover(uri, text, 'measure'), /measure NAME from EVENT\|TIME until CONDITION/);
      assert.match(await hover(uri, text, 'cdf'), /chart \*\*cdf\*\*\n\nThe cumulative distribution/);
      assert.match(await hover(uri, text, 'downtime_ms\n}'), /metric \*\*downtime_ms\*\*, measured by scenario "x"/);
      assert.match(await hover(uri, text, 'heartbeat)'), /duration, default 50ms/);
      assert.match(await hover(uri, text, 'at 1s'), /random time in a range/);
    });
  });

  describe('navigation', () => {
    it('goes to the definition across the import', async () => {
      const r = await s.request<Location | Location[] | null>('textDocument/definition', { textDocument: { uri: mainUri }, position: positionOf(MAIN, 'five', 1) });
      const locs = Array.isArray(r) ? r : r ? [r] : [];
      const loc = locs[0] as Location | { targetUri: string; targetSelectionRange: Location['range'] } | undefined;
      assert.ok(loc, 'a definition');
      const uri = 'uri' in loc ? loc.uri : loc.targetUri;
      const range = 'range' in loc ? loc.range : loc.targetSelectionRange;
      assert.equal(uri, clustersUri);
      assert.deepEqual(range.start, positionOf(CLUSTERS, 'five'));
    });

    it('finds references of a cluster and of a node across files', async () => {
      const refs = await s.request<Location[]>('textDocument/references', { textDocument: { uri: clustersUri }, position: positionOf(CLUSTERS, 'five', 1), context: { includeDeclaration: true } });
      const outside = refs.filter((r) => !/scratch/.test(r.uri));
      assert.deepEqual(outside.map((r) => [r.uri, r.range.start]).sort(), [[clustersUri, positionOf(CLUSTERS, 'five')], [mainUri, positionOf(MAIN, 'five')]].sort());
      const nodes = await s.request<Location[]>('textDocument/references', { textDocument: { uri: mainUri }, position: positionOf(MAIN, 'solo', 1), context: { includeDeclaration: false } });
      const inMain = nodes.filter((r) => r.uri === mainUri).map((r) => r.range.start);
      assert.deepEqual(inMain, [positionOf(MAIN, 'solo', 0, 0), positionOf(MAIN, 'solo', 0, 1)]);
      assert.ok(!nodes.some((r) => r.uri === clustersUri), 'no declaration without includeDeclaration');
    });

    it('renames a cluster in both files and a scenario keeping its quotes', async () => {
      const edit = await s.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: mainUri }, position: positionOf(MAIN, 'five', 1), newName: 'six' });
      assert.match(applyEdits(CLUSTERS, edit.changes![clustersUri]!), /cluster six: raft/);
      assert.match(applyEdits(MAIN, edit.changes![mainUri]!), /use six/);
      const sc = await s.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: mainUri }, position: positionOf(MAIN, '"failover"', 2), newName: 'fail over' });
      const renamed = applyEdits(MAIN, sc.changes![mainUri]!);
      assert.equal(renamed.split('"fail over"').length - 1, 3, renamed);
    });

    it('refuses to rename one node of a range, with a message', async () => {
      const text = 'cluster c: raft {\n  nodes n1..n3\n}\nscenario "s" {\n  use c\n  at 1s crash n2\n}\n';
      const { uri } = await openScratch(text);
      await assert.rejects(
        s.request('textDocument/rename', { textDocument: { uri }, position: positionOf(text, 'crash n2', 7), newName: 'x' }),
        /declared by the range n1\.\.n3/,
      );
    });
  });

  describe('outline, folding, formatting', () => {
    it('lists clusters with nodes, scenarios and compares', async () => {
      const c = await s.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: clustersUri } });
      assert.deepEqual(c.map((x) => [x.name, x.detail, x.children?.map((n) => n.name)]), [['five', 'raft', ['n1..n5', 'solo']]]);
      const m = await s.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: mainUri } });
      assert.deepEqual(m.map((x) => [x.name, x.detail]), [['failover', 'use five'], ['twice', 'compare "failover" / "failover"']]);
    });

    it('folds blocks', async () => {
      const f = await s.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: mainUri } });
      const lines = f.map((r) => [r.startLine, r.endLine]);
      assert.ok(lines.some(([a, b]) => a === 2 && b !== undefined && b >= 7), JSON.stringify(lines));
      assert.ok(lines.some(([a]) => a === 10), JSON.stringify(lines));
    });

    it('formats to the canonical layout', async () => {
      const messy = 'cluster   c :raft{nodes n1 .. n3 ,solo\nheartbeat   50ms node solo{weight 2}}\n' +
        'scenario "s"{ use c\n      network{latency 5ms .. 15ms loss 1%}\nat 1s partition { n1 n2 }|{ n3 }\n  on deliver AppendEntries { drop } expect always election_safety,log_matching }';
      const { uri } = await openScratch(messy);
      const edits = await s.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
      const formatted = applyEdits(messy, edits);
      assert.equal(formatted, [
        'cluster c: raft {',
        '  nodes n1..n3, solo',
        '  heartbeat 50ms',
        '  node solo { weight 2 }',
        '}',
        '',
        'scenario "s" {',
        '  use c',
        '  network {',
        '    latency 5ms..15ms',
        '    loss 1%',
        '  }',
        '  at 1s partition {n1 n2} | {n3}',
        '  on deliver AppendEntries {',
        '    drop',
        '  }',
        '  expect always election_safety, log_matching',
        '}',
      ].join('\n'));
    });

    it('formats every example without changing its tokens, idempotently', async function () {
      this.timeout(60_000);
      const files = ['hash', 'ring', 'raft'].flatMap((p) => readdirSync(`${ROOT}examples/${p}`).filter((f) => f.endsWith('.scenario')).map((f) => `${ROOT}examples/${p}/${f}`));
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        const { uri } = await openScratch(text);
        const once = applyEdits(text, await s.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }));
        const squash = (t: string) => t.replace(/\s+/g, '');
        assert.equal(squash(once), squash(text), file);
        const again = await s.change(uri, 2, once);
        assert.deepEqual(errors(again.diagnostics), [], file);
        const twice = applyEdits(once, await s.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }));
        assert.equal(twice, once, file);
      }
    });
  });

  describe('semantic tokens', () => {
    it('classifies keywords, protocol names, parameters, nodes, numbers and strings', async () => {
      const { data } = await s.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri: clustersUri } });
      const tokens: { line: number; char: number; len: number; type: number }[] = [];
      let line = 0;
      let char = 0;
      for (let i = 0; i < data.length; i += 5) {
        line += data[i]!;
        char = data[i]! === 0 ? char + data[i + 1]! : data[i + 1]!;
        tokens.push({ line, char, len: data[i + 2]!, type: data[i + 3]! });
      }
      const typeAt = (needle: string) => {
        const p = positionOf(CLUSTERS, needle);
        return tokens.find((t) => t.line === p.line && t.char === p.character && t.len === needle.length)?.type;
      };
      const types = s.semanticLegend!;
      assert.equal(types[typeAt('cluster')!], 'keyword');
      assert.equal(types[typeAt('raft')!], 'namespace');
      assert.equal(types[typeAt('heartbeat')!], 'property');
      assert.equal(types[typeAt('50ms')!], 'number');
      assert.equal(types[typeAt('solo')!], 'variable');
      assert.equal(types[typeAt('five')!], 'class');
      const main = await s.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri: mainUri } });
      assert.ok(main.data.length > 0);
    });
  });

  describe('quoted node names, escapes and repeated strings', () => {
    // Raw: the scenario's escapes (\t, \u{e9}) reach the server as written.
    const SERVERS = String.raw`cluster mc: ring {
  nodes "10.0.0.1:11211", "cache-a.example:11211", n3
  mode ketama
  node "10.0.0.1:11211" { weight 2 }
}

scenario "servers" {
  use mc
  at 1ms crash "10.0.0.1:11211"
  at 2ms partition {"10.0.0.1:11211" n3} | {"cache-a.example:11211"}
  at 3ms client remove "cache-a.example:11211"
  at 4ms crash preference "user:42"
  at 5ms note "tab\there \u{e9}"
  run until 10ms
  expect at end owner "a" * 3 = "n3"
}
`;
    const at = (text: string, needle: string, delta = 1, nth = 0) => positionOf(text, needle, delta, nth);
    let uri: string;

    before(async () => {
      const opened = await openScratch(SERVERS);
      uri = opened.uri;
      assert.deepEqual(opened.diagnostics, []);
    });

    it('completes node names, quoting those that are not identifiers', async () => {
      const text = SERVERS.replace('at 1ms crash "10.0.0.1:11211"', 'at 1ms crash ');
      const r = await complete(text, 'at 1ms crash ');
      for (const n of ['"10.0.0.1:11211"', '"cache-a.example:11211"', 'n3']) assert.ok(labels(r).includes(n), `${n} in ${labels(r)}`);
      const item = items(r).find((i) => i.label === '"cache-a.example:11211"')!;
      assert.equal(item.textEdit && 'newText' in item.textEdit ? item.textEdit.newText : item.insertText ?? item.label, '"cache-a.example:11211"');
    });

    it('hovers a quoted node, declaration and reference alike', async () => {
      const hover = async (position: ReturnType<typeof at>) => hoverText(await s.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position }));
      assert.match(await hover(at(SERVERS, '"cache-a.example:11211"', 3, 1)), /^node \*\*cache-a\.example:11211\*\* of cluster mc: ring$/);
      assert.match(await hover(at(SERVERS, '"10.0.0.1:11211"', 3, 0)), /^node \*\*10\.0\.0\.1:11211\*\* of cluster mc: ring$/);
    });

    it('goes to the definition and finds the references of a quoted node', async () => {
      const decl = at(SERVERS, '"10.0.0.1:11211"', 0, 0);
      const r = await s.request<Location[] | Location>('textDocument/definition', { textDocument: { uri }, position: at(SERVERS, 'crash "10.0.0.1', 9) });
      const loc = (Array.isArray(r) ? r[0] : r) as Location | { targetUri: string; targetSelectionRange: Location['range'] };
      assert.deepEqual('range' in loc ? loc.range.start : loc.targetSelectionRange.start, decl);
      const refs = await s.request<Location[]>('textDocument/references', { textDocument: { uri }, position: at(SERVERS, '"10.0.0.1:11211"', 4, 2), context: { includeDeclaration: true } });
      assert.deepEqual(refs.map((x) => x.range.start), [0, 1, 2, 3].map((n) => at(SERVERS, '"10.0.0.1:11211"', 0, n)));
      assert.ok(refs.every((x) => x.range.end.character - x.range.start.character === '"10.0.0.1:11211"'.length), 'each range spans the quotes');
    });

    it('renames a node to a name that needs quotes, and back to an identifier', async () => {
      const toQuoted = await s.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: at(SERVERS, 'n3', 1, 0), newName: 'db-1.example:11211' });
      const quoted = applyEdits(SERVERS, toQuoted.changes![uri]!);
      assert.equal(quoted.split('"db-1.example:11211"').length - 1, 2, quoted);
      assert.ok(!/\bn3\b/.test(quoted.replace('"n3"', '')), quoted);
      const toBare = await s.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: at(SERVERS, '"cache-a.example:11211"', 2, 0), newName: '"cache_a"' });
      const bare = applyEdits(SERVERS, toBare.changes![uri]!);
      assert.match(bare, /nodes "10\.0\.0\.1:11211", cache_a, n3\n/);
      assert.match(bare, /\| \{cache_a\}\n/);
      assert.match(bare, /client remove "cache-a\.example:11211"/, 'an operation argument is a string, not a reference');
      await assert.rejects(s.request('textDocument/rename', { textDocument: { uri }, position: at(SERVERS, 'mc', 1, 1), newName: 'crash' }), /'crash' is a keyword of the language/);
      await assert.rejects(s.request('textDocument/rename', { textDocument: { uri }, position: at(SERVERS, 'n3', 1, 0), newName: '"a\\qb"' }), /unknown escape \\q/);
    });

    it('colours a quoted node as a variable, a repetition as an operator and a number, and leaves other strings to the TextMate grammar (their escapes)', async () => {
      const tokens = await semanticTokens(uri);
      const typeOf = (needle: string, nth = 0, length = needle.length) => {
        const p = positionOf(SERVERS, needle, 0, nth);
        return tokens.get(`${p.line}:${p.character}:${length}`);
      };
      assert.equal(typeOf('"10.0.0.1:11211"', 2), 'variable');
      assert.equal(typeOf('"user:42"'), undefined, 'a role query\'s string argument is a plain string');
      assert.equal(typeOf('"tab\\there \\u{e9}"'), undefined, 'a string with escapes');
      assert.equal(typeOf('*'), 'operator');
      assert.equal(typeOf('3 = "n3"', 0, 1), 'number');
    });

    it('lists quoted nodes in the outline by name', async () => {
      const symbols = await s.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
      assert.deepEqual(symbols[0]!.children!.map((c) => c.name), ['10.0.0.1:11211', 'cache-a.example:11211', 'n3']);
    });

    it('formats quoted names and repetitions as written', async () => {
      const messy = 'cluster c :ring{nodes "a:1" ,"b:2"\nnode "a:1"{weight 2}}\nscenario "s"{use c\nat 1ms crash   "a:1"\nexpect at end owner "x"*3 = "b:2"}\n';
      const { uri: messyUri } = await openScratch(messy);
      const edits = await s.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: messyUri }, options: { tabSize: 2, insertSpaces: true } });
      assert.equal(applyEdits(messy, edits), 'cluster c: ring {\n  nodes "a:1", "b:2"\n  node "a:1" { weight 2 }\n}\n\nscenario "s" {\n  use c\n  at 1ms crash "a:1"\n  expect at end owner "x" * 3 = "b:2"\n}\n');
    });

    it('reports a bad escape where it stands, and offers the fix for a misspelt quoted node', async () => {
      const text = SERVERS.replace('"tab\\there', '"tab\\qhere').replace('crash "10.0.0.1:11211"', 'crash "10.0.0.l:11211"');
      const { uri: bad, diagnostics } = await openScratch(text);
      const escape = diagnostics.find((d) => /unknown escape \\q/.test(d.message));
      assert.ok(escape, JSON.stringify(diagnostics));
      assert.deepEqual(escape.range, { start: positionOf(text, '\\qhere'), end: positionOf(text, '\\qhere', 2) });
      const node = diagnostics.find((d) => d.code === 'unknown-node')!;
      assert.match(node.message, /unknown node or role '10\.0\.0\.l:11211' \(did you mean '10\.0\.0\.1:11211'\?\)/);
      const actions = await s.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: bad }, range: node.range, context: { diagnostics: [node] } });
      assert.match(applyEdits(text, actions[0]!.edit!.changes![bad]!), /crash "10\.0\.0\.1:11211"\n/);
    });
  });

  describe('the explore block', () => {
    const EXPLORE = 'import "clusters.scenario"\nscenario "e" {\n  use five\n  at 0ms client put time = 1\n  run until 1s\n  explore {\n    faults crash 2, partition\n    max faults 3\n    runs 200\n  }\n}\n';
    const detailOf = (r: CompletionList | CompletionItem[] | null, label: string) => items(r).find((i) => i.label === label);
    const docOf = (i: CompletionItem | undefined) => String((i?.documentation as { value?: string } | undefined)?.value ?? i?.documentation ?? '');

    it('is accepted as it stands, with `time` still a key elsewhere', async () => {
      const { diagnostics } = await openScratch(EXPLORE);
      assert.deepEqual(diagnostics, []);
    });

    it('completes its lines (each doc naming its flag), the fault kinds not yet listed, and the expect modes', async () => {
      const lines = await complete(EXPLORE.replace('    runs 200\n', '    runs 200\n    \n'), 'runs 200\n    ');
      for (const w of ['faults', 'max', 'runs', 'time', 'seed', 'expect', 'depth', 'timers']) assert.ok(labels(lines).includes(w), `${w} in ${labels(lines)}`);
      assert.ok(!labels(lines).includes('at') && !labels(lines).includes('crash'), 'not the scenario\'s statements');
      assert.equal(detailOf(lines, 'time')?.detail, 'time T');
      assert.match(docOf(detailOf(lines, 'runs')), /As `--runs`/);
      assert.equal(detailOf(lines, 'max')?.detail, 'max faults N | max states N');
      const kinds = await complete(EXPLORE.replace('faults crash 2, partition', 'faults crash 2, '), 'faults crash 2, ');
      assert.deepEqual(labels(kinds).sort(), ['cut', 'delay', 'drift', 'duplicate', 'heal', 'loss', 'partition', 'pause', 'restart'], 'every kind but crash, already listed; not resume or drop');
      assert.match(docOf(detailOf(kinds, 'restart')), /Drawn only with a crash/);
      const modes = await complete(EXPLORE.replace('    runs 200\n', '    expect \n'), '    expect ');
      assert.deepEqual(labels(modes).sort(), ['all', 'safety']);
    });

    it('hovers its lines and its fault kinds', async () => {
      const { uri } = await openScratch(EXPLORE);
      const hover = async (needle: string, delta = 1) => hoverText(await s.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(EXPLORE, needle, delta) }));
      assert.match(await hover('runs 200'), /^`runs N`\n\nRuns in all/);
      assert.match(await hover('max faults'), /^`max faults N`/);
      assert.match(await hover('faults 3', 2), /^`max faults N`/, 'both words of `max faults` are the one line');
      assert.match(await hover('partition\n'), /^fault \*\*partition\*\*\n\nA random minority is cut off/);
      assert.match(await hover('explore'), /budget of `protocol-playground explore`/);
    });

    it('colours the block: keywords, fault kinds as enum members, counts as numbers, `time` as a key outside it', async () => {
      const { uri } = await openScratch(EXPLORE);
      const tokens = await semanticTokens(uri);
      const typeOf = (needle: string, length = needle.length) => {
        const p = positionOf(EXPLORE, needle);
        return tokens.get(`${p.line}:${p.character}:${length}`);
      };
      assert.equal(typeOf('explore'), 'keyword');
      assert.equal(typeOf('faults crash', 6), 'keyword');
      assert.equal(typeOf('crash 2', 5), 'enumMember');
      assert.equal(typeOf('2, partition', 1), 'number');
      assert.equal(typeOf('partition'), 'enumMember');
      assert.equal(typeOf('200'), 'number');
      assert.equal(typeOf('time = 1', 4), 'enumMember', 'a key, as any key is coloured');
    });

    it('reports a misspelt fault kind on the word and offers the fix', async () => {
      const text = EXPLORE.replace('partition\n', 'partiton\n');
      const { uri, diagnostics } = await openScratch(text);
      const d = diagnostics.find((x) => x.code === 'unknown-fault');
      assert.ok(d, JSON.stringify(diagnostics));
      assert.deepEqual(d.range, { start: positionOf(text, 'partiton'), end: positionOf(text, 'partiton', 8) });
      const actions = await s.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
      assert.equal(actions[0]?.title, "Change to 'partition'");
    });

    it('formats one line per setting', async () => {
      const messy = 'import "clusters.scenario"\nscenario "e" { use five\n explore{faults crash 2 ,partition max faults 3 runs 200\n  time 1min} }\n';
      const { uri } = await openScratch(messy);
      const edits = await s.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
      assert.equal(applyEdits(messy, edits), 'import "clusters.scenario"\n\nscenario "e" {\n  use five\n  explore {\n    faults crash 2, partition\n    max faults 3\n    runs 200\n    time 1min\n  }\n}\n');
    });
  });

  describe('code actions', () => {
    it('offers "did you mean" fixes for an unknown parameter and an unknown node', async () => {
      const text = 'import "clusters.scenario"\ncluster h: hash {\n  bukets 4\n}\nscenario "s" {\n  use five\n  at 1s crash sol\n}\n';
      const { uri, diagnostics } = await openScratch(text);
      const actions = await s.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 8, character: 0 } }, context: { diagnostics } });
      const fixed = applyEdits(text, actions.flatMap((a) => a.edit?.changes?.[uri] ?? []));
      assert.match(fixed, /\n {2}buckets 4\n/);
      assert.match(fixed, /crash solo\n/);
      assert.deepEqual(actions.map((a) => a.title).sort(), ["Change to 'buckets'", "Change to 'solo'"]);
    });
  });
});
