/**
 * Extension-host tests: they run inside a real VS Code extension host
 * (code-server's, or desktop VS Code's through @vscode/test-cli), open the
 * e2e workspace (a fresh copy of examples/) and drive the extension through
 * its commands, checking what a user would see: files written, diagnostics,
 * editors and panels. Waits are on events (diagnostics changes, the client
 * state), never fixed sleeps.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'protocol-playground.protocol-playground';

interface Api {
  panel(): { title: string; scenario?: string; lastError?: string; traces: string[] } | undefined;
  traceEditor(uri: vscode.Uri): { ok: boolean; error?: string } | undefined;
  languageClientState(): 'stopped' | 'starting' | 'running';
  status(): { text: string; visible: boolean };
  exploring(): string[];
  cancelExplore(uri: vscode.Uri, name: string): void;
  tests(): { id: string; label: string; children: { id: string; label: string; children: { id: string; label: string }[] }[] }[];
  runTests(ids: readonly string[]): Promise<Record<string, string>>;
  readonly outputChannel: string;
  readonly logFolder: string;
}

interface RunResult {
  compiled: boolean;
  cancelled: boolean;
  error?: string;
  scenarios: { name: string; passed: boolean; failed: number; trace: string; end: string }[];
}

interface ExploreResult {
  compiled: boolean;
  cancelled: boolean;
  runs: number;
  budget?: { runs?: number; timeMs?: number; maxFaults: number; seed: number; expect: string; fromBlock: string[] };
  found?: { check: string; faults: string[]; shrunk: string[]; reproduces: boolean; file: string; trace?: string };
}

interface ExhaustiveResult {
  compiled: boolean;
  cancelled: boolean;
  error?: string;
  verdict?: 'violation' | 'complete' | 'bounded';
  stoppedBy?: 'states' | 'time' | 'cancel';
  states: number;
  depth: number;
  budget?: { network: string; storage: string; depth: number; maxStates: number; crash: number; restart: number; timers?: number; fromBlock: string[] };
  found?: { check: string; steps: string[]; reproduces: boolean; problem?: string; file?: string; trace?: string };
}

let api: Api;
const ws = (): vscode.Uri => vscode.workspace.workspaceFolders![0]!.uri;
const file = (...parts: string[]): vscode.Uri => vscode.Uri.joinPath(ws(), ...parts);
const decoder = new TextDecoder();

async function write(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

async function readJson(uri: vscode.Uri): Promise<any> {
  return JSON.parse(decoder.decode(await vscode.workspace.fs.readFile(uri)));
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try { await vscode.workspace.fs.stat(uri); return true; } catch { return false; }
}

/** Resolves when `predicate` holds, re-checking on every diagnostics change. */
function diagnosticsUntil(uri: vscode.Uri, predicate: (d: readonly vscode.Diagnostic[]) => boolean, what: string, ms = 60_000): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const d = vscode.languages.getDiagnostics(uri);
      if (!predicate(d)) return false;
      sub.dispose(); clearTimeout(timer); resolve(d);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics(() => { check(); });
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.message))}`)); }, ms);
    check();
  });
}

const RING = `cluster three: ring {
  nodes n1..n3
  vnodes 10
}

scenario "small ring" {
  use three
  at 0ms client place 300 keys
  run until 10ms

  expect always single_owner
  expect at end metric keys = KEYS
}
`;

/** Waits for a condition the extension updates on its own events (editor changes, file watchers). */
async function waitFor(predicate: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50)); // poll: these change on editor and file-watcher events the API does not expose
  }
}

/** The output channel's log once it matches `pattern` (the host flushes the log file on its own schedule, so it is polled). */
async function logUntil(pattern: RegExp, ms = 20_000): Promise<string> {
  const folder = vscode.Uri.parse(api.logFolder);
  const deadline = Date.now() + ms;
  let text = '';
  while (Date.now() < deadline) {
    const logs = (await vscode.workspace.fs.readDirectory(folder).then((e) => e, () => [])).filter(([n]) => n.endsWith('.log'));
    text = (await Promise.all(logs.map(([n]) => vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, n))))).map((b) => decoder.decode(b)).join('\n');
    if (pattern.test(text)) break;
    await new Promise((r) => setTimeout(r, 250)); // poll the log file
  }
  return text;
}

async function config(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('protocolPlayground').update(key, value, vscode.ConfigurationTarget.Workspace);
}

suite('Protocol Playground in a real VS Code extension host', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    const wasActive = ext.isActive;
    const t0 = Date.now();
    api = await ext.activate();
    console.log(`activation: ${wasActive ? 'already active' : `${Date.now() - t0} ms`}`);
  });

  teardown(async () => {
    for (const key of ['traceFolder', 'defaultSeed', 'maxEvents', 'maxSimulatedTime', 'autoRunOnSave', 'explore.runs', 'explore.seconds', 'explore.workers']) await config(key, undefined);
  });

  test('contributes the scenario language and registers its commands', async () => {
    assert.ok((await vscode.languages.getLanguages()).includes('scenario'));
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['run', 'runWithSeed', 'compareSeeds', 'explore', 'exploreExhaustive', 'openLastTrace', 'compareWith', 'runCompare', 'runSweep', 'openTraceAsText', 'restartLanguageServer',
      'newScenario', 'copyExamples', 'openWalkthrough', 'showOutput']) {
      assert.ok(commands.includes(`protocolPlayground.${c}`), `protocolPlayground.${c} is registered`);
    }
    const doc = await vscode.workspace.openTextDocument(file('ring', 'balance.scenario'));
    assert.equal(doc.languageId, 'scenario');
  });

  test('CodeLens offers Run, Run with seed…, Compare with another seed… and Open last trace above each scenario', async () => {
    const uri = file('ring', 'balance.scenario');
    await vscode.window.showTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.equal(titles.filter((t) => t.endsWith('Run')).length, 2, 'one Run per scenario (two scenarios)');
    assert.ok(titles.includes('Run with seed…'));
    assert.ok(titles.includes('Open last trace'));
    assert.equal(titles.filter((t) => t.endsWith('Compare with another seed…')).length, 2, 'one per scenario');
    const run = lenses.find((l) => l.command?.title.endsWith('Run'))!;
    assert.equal(run.range.start.line, 13, 'above line 14, `scenario "balance"`');
    assert.deepEqual(run.command!.arguments?.[1], 'balance');
  });

  test('the language server reports a syntax error as you type and clears it', async () => {
    const uri = file('typing.scenario');
    await write(uri, RING.replace('KEYS', '300'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(8, 0), '  bogus words here\n'));
    const bad = await diagnosticsUntil(uri, (d) => d.some((x) => x.severity === vscode.DiagnosticSeverity.Error), 'a server error');
    assert.ok(bad.some((d) => d.range.start.line === 8), `an error on line 9: ${bad.map((d) => `${d.range.start.line}: ${d.message}`).join('; ')}`);
    await editor.edit((e) => e.delete(new vscode.Range(8, 0, 9, 0)));
    await diagnosticsUntil(uri, (d) => d.length === 0, 'no diagnostics after the fix');
    assert.equal(api.languageClientState(), 'running');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('completion and hover come from the language server', async () => {
    const uri = file('completion.scenario');
    await write(uri, RING.replace('KEYS', '300').replace('  vnodes 10\n', '  vnodes 10\n  \n'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.lineAt(3).text, '  ', 'an empty line inside the cluster block');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(3, 2));
    const label = (i: vscode.CompletionItem): string => (typeof i.label === 'string' ? i.label : i.label.label);
    const replicas = list.items.find((i) => label(i) === 'replicas');
    assert.ok(replicas, `replicas is suggested: ${list.items.map(label).join(', ')}`);
    assert.match(replicas.detail ?? '', /^int, default \d+/);
    for (const p of ['hash', 'mode']) assert.ok(list.items.some((i) => label(i) === p), `${p} is suggested`);
    assert.ok(!list.items.some((i) => label(i) === 'vnodes'), 'vnodes is set already, so it is not offered again');

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(2, 4));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*vnodes\*\* — int, default \d+/);
    assert.match(text, /Virtual nodes per unit of weight/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('definition, references, rename, symbols, folding, formatting, semantic tokens and code actions come from the language server', async () => {
    // The ketama server list example: node names that are not identifiers, quoted.
    const uri = file('ring', 'memcached-servers.scenario');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const text = doc.getText();
    // Occurrences counted from the cluster on: the header comment quotes a server too.
    const nth = (needle: string, n: number, delta = 1): vscode.Position => {
      let at = text.indexOf('cluster memcached') - 1;
      for (let i = 0; i <= n; i++) at = text.indexOf(needle, at + 1);
      assert.ok(at >= 0, `'${needle}' #${n} in the example`);
      return doc.positionAt(at + delta);
    };
    const server = '"10.0.0.3:11211"';
    const declared = nth(server, 0, 0);

    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', uri, nth(server, 1));
    const def = defs[0]!;
    assert.deepEqual(('targetRange' in def ? (def.targetSelectionRange ?? def.targetRange) : def.range).start, declared, 'node "10.0.0.3:11211" { … } goes to its declaration');

    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', uri, nth(server, 1));
    assert.deepEqual(refs.map((r) => r.range.start.line).sort((a, b) => a - b), [declared.line, nth(server, 1).line]);

    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', uri, nth(server, 1), '10.0.0.9:11211');
    const edits = edit.get(uri);
    assert.equal(edits.length, 2);
    assert.ok(edits.every((e) => e.newText === '"10.0.0.9:11211"' && doc.getText(e.range) === server), JSON.stringify(edits.map((e) => e.newText)));

    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
    assert.deepEqual(symbols.map((x) => x.name), ['memcached', 'memcached server list']);
    assert.deepEqual(symbols[0]!.children.map((c) => c.name), ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211', 'cache-a.example:11211']);

    const folds = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', uri);
    const scenarioLine = nth('scenario "memcached', 0, 0).line;
    assert.ok(folds.some((f) => f.start === scenarioLine && f.end > scenarioLine + 5), JSON.stringify(folds));

    const formatted = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', uri, { tabSize: 2, insertSpaces: true });
    const squash = (t: string) => t.replace(/\s+/g, '');
    let after = text;
    for (const e of [...formatted].sort((a, b) => doc.offsetAt(b.range.start) - doc.offsetAt(a.range.start))) {
      after = after.slice(0, doc.offsetAt(e.range.start)) + e.newText + after.slice(doc.offsetAt(e.range.end));
    }
    assert.equal(squash(after), squash(text), 'formatting changes only whitespace');

    const legend = await vscode.commands.executeCommand<vscode.SemanticTokensLegend>('vscode.provideDocumentSemanticTokensLegend', uri);
    const tokens = await vscode.commands.executeCommand<vscode.SemanticTokens>('vscode.provideDocumentSemanticTokens', uri);
    const typeAt = (p: vscode.Position, length: number): string | undefined => {
      let line = 0;
      let char = 0;
      for (let i = 0; i < tokens.data.length; i += 5) {
        line += tokens.data[i]!;
        char = tokens.data[i] === 0 ? char + tokens.data[i + 1]! : tokens.data[i + 1]!;
        if (line === p.line && char === p.character && tokens.data[i + 2] === length) return legend.tokenTypes[tokens.data[i + 3]!];
      }
      return undefined;
    };
    assert.equal(typeAt(nth(server, 1, 0), server.length), 'variable');
    assert.equal(typeAt(nth('mode ketama', 0, 5), 'ketama'.length), 'enumMember');

    // A misspelt quoted node: the diagnostic, and the quick fix that corrects it.
    const typo = file('typo.scenario');
    await write(typo, text.replace('node "10.0.0.3:11211"', 'node "10.0.0.3:11221"'));
    await vscode.window.showTextDocument(typo);
    const diags = await diagnosticsUntil(typo, (d) => d.some((x) => x.message.includes("'10.0.0.3:11221'")), 'the unknown-node diagnostic');
    const diag = diags.find((x) => x.message.includes("did you mean '10.0.0.3:11211'"))!;
    assert.ok(diag, diags.map((d) => d.message).join('; '));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', typo, diag.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === "Change to '10.0.0.3:11211'");
    assert.ok(fix?.edit, actions.map((a) => a.title).join('; '));
    assert.deepEqual(fix.edit.get(typo).map((e) => e.newText), ['10.0.0.3:11211']);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Run writes the trace next to the scenario and opens the viewer beside it', async () => {
    const uri = file('ring', 'balance.scenario');
    const result = await vscode.commands.executeCommand<RunResult>('protocolPlayground.run', uri, 'balance');
    assert.equal(result.compiled, true);
    assert.deepEqual(result.scenarios.map((s) => [s.name, s.passed, s.failed]), [['balance', true, 0]]);
    const trace = file('ring', 'balance.trace.json');
    assert.equal(result.scenarios[0]!.trace, trace.toString());
    const doc = await readJson(trace);
    assert.equal(doc.format, 'protocol-playground-trace');
    assert.equal(doc.scenario.name, 'balance');
    assert.equal(doc.scenario.file, 'ring/balance.scenario');
    assert.ok(doc.events.length > 0);
    const panel = api.panel();
    assert.ok(panel, 'the viewer panel is open');
    assert.equal(panel.title, 'Trace: balance');
    assert.equal(panel.scenario, uri.toString());
    assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'protocol-playground run'), []);
  });

  test('Explore (the CodeLens over a scenario) finds a bug switch\'s violation, shrinks it and opens the counterexample beside its trace', async () => {
    const uri = file('commit', 'explore.scenario');
    const name = 'explore: a READY participant gives up';
    await vscode.window.showTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const explore = lenses.filter((l) => l.command?.command === 'protocolPlayground.explore');
    assert.deepEqual(explore.map((l) => [l.command!.title, l.command!.arguments?.[1]]), [['$(search) Explore', 'explore'], ['$(search) Explore', 'explore small'], ['$(search) Explore', name]], 'one Explore above each scenario');
    await config('explore.runs', 300);
    await config('explore.workers', 2); // worker threads of dist/search-worker.cjs, as on a user's machine
    const result = await vscode.commands.executeCommand<ExploreResult>('protocolPlayground.explore', ...explore.find((l) => l.command!.arguments?.[1] === name)!.command!.arguments!);
    assert.equal(result.compiled, true);
    assert.ok(result.found, `found nothing in ${result.runs} runs`);
    assert.equal(result.found.check, 'atomicity');
    assert.ok(result.runs < 300, `stopped at the first violation (${result.runs} runs)`);
    assert.ok(result.found.shrunk.length <= result.found.faults.length && result.found.shrunk.length <= 2, `shrunk: ${result.found.faults.join('; ')} → ${result.found.shrunk.join('; ')}`);
    assert.equal(result.found.reproduces, true);
    const ce = file('commit', 'explore-a-ready-participant-gives-up.counterexample.scenario');
    assert.equal(result.found.file, ce.toString());
    assert.equal(result.found.trace, file('commit', 'explore-a-ready-participant-gives-up.counterexample.trace.json').toString());
    // The shrunk scenario is the active editor, its trace in the viewer beside it.
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), ce.toString());
    const text = vscode.window.activeTextEditor!.document.getText();
    assert.match(text, /bug_ready_timeout_abort true/);
    assert.ok(!/^\s*at \d+m?s +client begin t[^6]/m.test(text), 'the other transactions are shrunk away');
    const panel = api.panel();
    assert.equal(panel?.title, 'Counterexample: atomicity');
    assert.equal(panel?.scenario, ce.toString());
    assert.deepEqual(panel?.traces, [result.found.trace]);
    assert.equal((await readJson(vscode.Uri.parse(result.found.trace!))).format, 'protocol-playground-trace');
    // Run on the counterexample fails the same expect line.
    const run = await vscode.commands.executeCommand<RunResult>('protocolPlayground.run', ce);
    assert.equal(run.scenarios.length, 1);
    assert.equal(run.scenarios[0]!.passed, false);
    const failed = await diagnosticsUntil(ce, (d) => d.some((x) => x.source === 'protocol-playground run'), 'the failed expect on the counterexample');
    assert.match(failed.find((d) => d.source === 'protocol-playground run')!.message, /^expect always atomicity, .* failed in .*: atomicity violated at /);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Explore finds nothing in the correct protocol within its run budget, and Cancel stops a search', async () => {
    const uri = file('commit', 'explore.scenario');
    await config('explore.runs', 60);
    const clean = await vscode.commands.executeCommand<ExploreResult>('protocolPlayground.explore', uri, 'explore');
    assert.deepEqual([clean.compiled, clean.cancelled, clean.runs, clean.found], [true, false, 60, undefined]);
    await config('explore.runs', 100_000_000);
    await config('explore.seconds', 600);
    const pending = vscode.commands.executeCommand<ExploreResult>('protocolPlayground.explore', uri, 'explore');
    await waitFor(() => api.exploring().includes(`${uri.toString()}#explore`), 'the search to start');
    api.cancelExplore(uri, 'explore');
    const cancelled = await pending;
    assert.equal(cancelled.cancelled, true);
    assert.equal(cancelled.found, undefined);
    assert.ok(cancelled.runs < 100_000_000);
    assert.deepEqual(api.exploring(), []);
  });

  test('Explore takes the scenario\'s explore block over the settings: its runs, its faults per run, its seed', async () => {
    const text = decoder.decode(await vscode.workspace.fs.readFile(file('commit', 'explore.scenario')));
    const uri = file('commit', 'explore-block.scenario');
    // The correct scenario with a budget of its own; the settings say 60 runs, 4 faults per run and seed 1.
    await write(uri, text.replace('  run until 1.5s\n', '  run until 1.5s\n  explore {\n    faults crash, restart, partition, heal\n    max faults 2\n    runs 25\n    seed 9\n  }\n'));
    await config('explore.runs', 60);
    const r = await vscode.commands.executeCommand<ExploreResult>('protocolPlayground.explore', uri, 'explore');
    assert.deepEqual([r.compiled, r.cancelled, r.runs, r.found], [true, false, 25, undefined]);
    assert.deepEqual(r.budget, { runs: 25, maxFaults: 2, seed: 9, expect: 'safety', fromBlock: ['faults', 'maxFaults', 'limit', 'seed'] });
    await vscode.workspace.fs.delete(uri);
  });

  test('Explore exhaustively: a CodeLens only over scenarios whose explore block has a line the exhaustive search reads', async () => {
    const exhaustiveLenses = async (uri: vscode.Uri): Promise<unknown[]> => {
      await vscode.workspace.openTextDocument(uri); // the provider runs on open documents only
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return lenses.filter((l) => l.command?.command === 'protocolPlayground.exploreExhaustive').map((l) => [l.command!.title, l.command!.arguments?.[1], l.range.start.line]);
    };
    // "explore" has no explore block; "explore small" sets depth and max states; "explore: figure 8" its lockstep network too.
    const raft = file('raft', 'explore.scenario');
    const text = decoder.decode(await vscode.workspace.fs.readFile(raft)).split('\n');
    const line = (name: string): number => text.findIndex((l) => l.startsWith(`scenario "${name}"`));
    assert.deepEqual(await exhaustiveLenses(raft), [
      ['$(list-tree) Explore exhaustively', 'explore small', line('explore small')],
      ['$(list-tree) Explore exhaustively', 'explore: figure 8', line('explore: figure 8')],
    ]);
    // leader-failover.scenario's explore block has the random search's lines only.
    const failover = file('raft', 'leader-failover.scenario');
    assert.match(decoder.decode(await vscode.workspace.fs.readFile(failover)), /\n {2}explore \{\n/);
    assert.deepEqual(await exhaustiveLenses(failover), []);
    // Explore stays over every scenario.
    const random = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', raft)).filter((l) => l.command?.command === 'protocolPlayground.explore');
    assert.equal(random.length, 3);
  });

  test('Explore exhaustively finds Raft\'s Figure 8, writes its shortest counterexample, which reproduces, and opens it beside its trace', async () => {
    // A copy of examples/raft/explore.scenario's "explore: figure 8" alone with its cluster: the bug switch on, no faults, the lockstep budget in its explore block.
    const example = decoder.decode(await vscode.workspace.fs.readFile(file('raft', 'explore.scenario')));
    const cluster = example.slice(example.indexOf('cluster three'), example.indexOf('}\n') + 2);
    const scenario = example.slice(example.indexOf('scenario "explore: figure 8"'));
    const uri = file('raft', 'figure-8.scenario');
    await write(uri, `${cluster}\nscenario "figure 8"${scenario.slice(scenario.indexOf(' {'))}`);
    await vscode.window.showTextDocument(uri);
    const lens = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)).find((l) => l.command?.command === 'protocolPlayground.exploreExhaustive');
    assert.ok(lens?.command?.arguments, 'an Explore exhaustively lens over the copy');
    const result = await vscode.commands.executeCommand<ExhaustiveResult>('protocolPlayground.exploreExhaustive', ...lens.command.arguments);
    assert.equal(result.compiled, true, result.error);
    assert.equal(result.verdict, 'violation');
    assert.deepEqual(result.budget && [result.budget.network, result.budget.depth, result.budget.maxStates, result.budget.crash, result.budget.restart, result.budget.timers, result.budget.fromBlock],
      ['lockstep', 30, 150_000, 2, 1, 4, ['faults', 'depth', 'max states', 'timers', 'network']],
      'the explore block\'s budget, as the CLI reads it');
    assert.ok(result.found, 'found nothing');
    assert.equal(result.found.check, 'committed_survives');
    assert.equal(result.found.steps.length, 18, result.found.steps.join('; '));
    assert.equal(result.found.steps.filter((st) => / crashes$/.test(st)).length, 2);
    assert.equal(result.found.reproduces, true, result.found.problem);
    const ce = file('raft', 'figure-8.counterexample.scenario');
    assert.equal(result.found.file, ce.toString());
    assert.equal(result.found.trace, file('raft', 'figure-8.counterexample.trace.json').toString());
    // The counterexample is the active editor, its trace in the viewer beside it.
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), ce.toString());
    const text = vscode.window.activeTextEditor!.document.getText();
    assert.match(text, /^\/\/ The shortest counterexample found by `Explore exhaustively \(VS Code\) on raft\/figure-8\.scenario, scenario "figure 8"`/);
    assert.match(text, /\n {2}bug_commit_old_terms true\n/);
    assert.doesNotMatch(text, /explore \{/, 'the counterexample is a file for run: its faults are lines, not a budget');
    const panel = api.panel();
    assert.equal(panel?.title, 'Counterexample: committed_survives');
    assert.equal(panel?.scenario, ce.toString());
    assert.deepEqual(panel?.traces, [result.found.trace]);
    assert.equal((await readJson(vscode.Uri.parse(result.found.trace!))).format, 'protocol-playground-trace');
    // Run on the counterexample fails the same check.
    const run = await vscode.commands.executeCommand<RunResult>('protocolPlayground.run', ce);
    assert.deepEqual(run.scenarios.map((s) => s.passed), [false]);
    const failed = await diagnosticsUntil(ce, (d) => d.some((x) => x.source === 'protocol-playground run'), 'the failed expect on the counterexample');
    assert.match(failed.find((d) => d.source === 'protocol-playground run')!.message, /committed_survives violated at /);
    // One line in the output channel for the search's budget, one for what it found.
    const log = await logUntil(/explore exhaustively "figure 8" \(raft\/figure-8\.scenario\) · .* FOUND committed_survives after 18 steps/);
    assert.match(log, /explore exhaustively "figure 8" \(raft\/figure-8\.scenario\) · lockstep network, instant storage, depth ≤ 30, crash ≤ 2, restart ≤ 1, duplicate ≤ 0, timers ≤ 4, 150000 states \(explore block: faults, depth, max states, timers, network; the rest defaults\)/);
    assert.match(log, /FOUND committed_survives after 18 steps: 1\. n\d's election timer fires; .* · counterexample raft\/figure-8\.counterexample\.scenario/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(uri);
  });

  test('Explore exhaustively with nothing to find says so: complete within its depth, or which budget stopped it; Cancel stops it', async () => {
    const example = decoder.decode(await vscode.workspace.fs.readFile(file('raft', 'explore.scenario')));
    const small = example.slice(0, example.indexOf('// Raft\'s Figure 8 found'));
    const uri = file('raft', 'exhaustive-budgets.scenario');
    const withBlock = (block: string): Promise<void> => write(uri, small.replace(/ {2}explore \{[^}]*\}/, `  explore {\n${block}\n  }`));
    await withBlock('    depth 3');
    const complete = await vscode.commands.executeCommand<ExhaustiveResult>('protocolPlayground.exploreExhaustive', uri, 'explore small');
    assert.deepEqual([complete.compiled, complete.verdict, complete.stoppedBy, complete.found, complete.cancelled], [true, 'complete', undefined, undefined, false]);
    assert.ok(complete.states > 0 && complete.depth === 3, JSON.stringify(complete));
    await withBlock('    max states 40');
    const bounded = await vscode.commands.executeCommand<ExhaustiveResult>('protocolPlayground.exploreExhaustive', uri, 'explore small');
    assert.deepEqual([bounded.verdict, bounded.stoppedBy, bounded.found, bounded.budget?.depth], ['bounded', 'states', undefined, 20]);
    const log = await logUntil(/explore exhaustively "explore small" \(raft\/exhaustive-budgets\.scenario\) · \d+ states .* · bounded: no violation in \d+ states; the state budget \(40 states\) stopped the search/);
    assert.match(log, /· complete: no violation within depth 3 \(every state explored\)/);
    assert.match(log, /· bounded: no violation in \d+ states; the state budget \(40 states\) stopped the search at depth \d+ of 20/);
    // A search far too big to finish, cancelled as the notification's Cancel does.
    await withBlock('    depth 60\n    max states 50000000\n    faults crash 3, restart 3');
    const pending = vscode.commands.executeCommand<ExhaustiveResult>('protocolPlayground.exploreExhaustive', uri, 'explore small');
    await waitFor(() => api.exploring().includes(`${uri.toString()}#explore small`), 'the search to start');
    api.cancelExplore(uri, 'explore small');
    const cancelled = await pending;
    assert.deepEqual([cancelled.cancelled, cancelled.verdict, cancelled.stoppedBy, cancelled.found], [true, 'bounded', 'cancel', undefined]);
    assert.deepEqual(api.exploring(), []);
    await vscode.workspace.fs.delete(uri);
  });

  test('a failed expect becomes a diagnostic on its line, cleared by the next passing run', async () => {
    const uri = file('failing.scenario');
    await write(uri, RING.replace('KEYS', '999'));
    const failed = await vscode.commands.executeCommand<RunResult>('protocolPlayground.run', uri, 'small ring');
    assert.deepEqual(failed.scenarios.map((s) => [s.passed, s.failed]), [[false, 1]]);
    const diags = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'protocol-playground run');
    assert.equal(diags.length, 1);
    assert.equal(diags[0]!.range.start.line, 11, 'on `expect at end metric keys = 999` (line 12)');
    assert.equal(diags[0]!.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diags[0]!.message, /keys = 999/);

    await write(uri, RING.replace('KEYS', '300'));
    const passed = await vscode.commands.executeCommand<RunResult>('protocolPlayground.run', uri, 'small ring');
    assert.equal(passed.scenarios[0]!.passed, true);
    assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'protocol-playground run'), []);
  });

  test('a file with errors does not run and says why', async () => {
    const uri = file('broken.scenario');
    await write(uri, 'scenario "x" {\n  use nowhere\n}\n');
    const result = await vscode.commands.executeCommand<RunResult>('protocolPlayground.run', uri);
    assert.equal(result.compiled, false);
    assert.match(result.error ?? '', /broken\.scenario has \d+ errors?/);
  });

  test('Run sweep (the CodeLens over a sweep block) runs every variant, shows the table, and its chart in a panel beside the editor', async () => {
    const uri = file('ring', 'balance.scenario');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const lens = lenses.find((l) => l.command?.command === 'protocolPlayground.runSweep');
    assert.ok(lens?.command?.arguments, 'a Run sweep lens over the sweep block');
    assert.equal(lens.command.arguments[1], 'balance vs vnodes');
    const result = await vscode.commands.executeCommand<RunResult & { sweep?: { name: string; passed: boolean; table: string; charts: number } }>('protocolPlayground.runSweep', ...lens.command.arguments);
    assert.equal(result.compiled, true);
    assert.ok(result.sweep, 'the command returns the sweep');
    assert.equal(result.sweep.name, 'balance vs vnodes');
    assert.equal(result.sweep.passed, true);
    const rows = result.sweep.table.split('\n').filter((l) => /PASS\s+vnodes=/.test(l)).map((l) => l.trim().split(/\s+/)[1]);
    assert.deepEqual(rows, ['vnodes=1', 'vnodes=10', 'vnodes=100', 'vnodes=200']);
    assert.match(result.sweep.table, /load_cv/);
    // `chart line load_cv by vnodes`: one chart, in a webview panel titled after the sweep.
    assert.equal(result.sweep.charts, 1);
    const sweepTab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Sweep: balance vs vnodes');
    // The workbench adds the panel's tab after the command returns.
    await waitFor(() => sweepTab() !== undefined, `a sweep panel among ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label).join(', ')}`);
    await vscode.window.tabGroups.close(sweepTab()!);
  });

  test('settings: trace folder, default seed, max events', async () => {
    const uri = file('settings.scenario');
    await write(uri, RING.replace('KEYS', '300'));
    await vscode.commands.executeCommand<RunResult>('protocolPlayground.run', uri, 'small ring');
    const unbounded = await readJson(file('small-ring.trace.json'));
    assert.equal(unbounded.scenario.seed, 1, 'the language default');
    assert.notEqual(unbounded.end.reason, 'maxEvents');

    await config('traceFolder', 'out/traces');
    await config('defaultSeed', 77);
    await config('maxEvents', 3);
    const result = await vscode.commands.executeCommand<RunResult>('protocolPlayground.run', uri, 'small ring');
    const trace = file('out', 'traces', 'small-ring.trace.json');
    assert.equal(result.scenarios[0]!.trace, trace.toString());
    const doc = await readJson(trace);
    assert.equal(doc.scenario.seed, 77, 'the default seed applies to a scenario without `seed`');
    assert.equal(doc.end.reason, 'maxEvents');
    assert.ok(doc.events.length < unbounded.events.length, `fewer events than unbounded (${doc.events.length} vs ${unbounded.events.length})`);
  });

  test('auto-run on save runs the file when the setting is on', async () => {
    const uri = file('autorun.scenario');
    await write(uri, RING.replace('KEYS', '300').replace('small ring', 'auto ring'));
    const trace = file('auto-ring.trace.json');
    const written = new Promise<void>((resolve) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(ws(), 'auto-ring.trace.json'));
      const done = (): void => { watcher.dispose(); resolve(); };
      watcher.onDidCreate(done);
      watcher.onDidChange(done);
    });
    await config('autoRunOnSave', true);
    const editor = await vscode.window.showTextDocument(uri);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// saved\n'));
    await editor.document.save();
    await written;
    assert.equal((await readJson(trace)).scenario.name, 'auto ring');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Run with seed… overrides the seed and keeps its trace beside the scenario\'s own', async () => {
    const uri = file('ring', 'balance.scenario');
    const own = await readJson(file('ring', 'balance.trace.json'));
    await vscode.commands.executeCommand('protocolPlayground.runWithSeed', uri, 'balance', 1234);
    const doc = await readJson(file('ring', 'balance.seed-1234.trace.json'));
    assert.equal(doc.scenario.seed, 1234);
    assert.equal((await readJson(file('ring', 'balance.trace.json'))).scenario.seed, own.scenario.seed, 'the scenario\'s own trace is untouched');
  });

  test('Compare with another seed… runs both seeds and shows them side by side', async () => {
    const uri = file('raft', 'leader-failover.scenario');
    const result = await vscode.commands.executeCommand<{ left: string; right: string }>('protocolPlayground.compareSeeds', uri, 'leader failover', 7);
    assert.equal(result.left, file('raft', 'leader-failover.trace.json').toString());
    assert.equal(result.right, file('raft', 'leader-failover.seed-7.trace.json').toString());
    assert.equal((await readJson(vscode.Uri.parse(result.left))).scenario.seed, 42, 'the scenario\'s own seed');
    assert.equal((await readJson(vscode.Uri.parse(result.right))).scenario.seed, 7);
    const panel = api.panel();
    assert.equal(panel?.title, 'Compare seeds: leader failover · 42 | 7');
    assert.deepEqual(panel?.traces, [result.left, result.right]);
  });

  test('one output channel, with a line per run (scenario, seed, result, trace, time)', async () => {
    assert.equal(api.outputChannel, 'Protocol Playground');
    await vscode.commands.executeCommand('protocolPlayground.run', file('ring', 'balance.scenario'), 'balance');
    const text = await logUntil(/run "balance" \(ring\/balance\.scenario\) · seed \d+ · PASS \d+\/\d+ expects held · \d+ events, .* simulated · trace ring\/balance\.trace\.json.* · [\d.]+ s/);
    assert.match(text, /run "balance" \(ring\/balance\.scenario\) · seed \d+ · PASS/);
    assert.match(text, /activated in/, 'activation goes to the same channel');
  });

  test('the status bar shows the active file\'s last run', async () => {
    const balance = file('ring', 'balance.scenario');
    await vscode.window.showTextDocument(balance);
    await vscode.commands.executeCommand('protocolPlayground.run', balance, 'balance');
    assert.match(api.status().text, /\$\(pass\) balance: \d+\/\d+ expects held/);
    await vscode.window.showTextDocument(file('hash', 'dedupe.scenario'));
    await waitFor(() => api.status().text === '$(play) Run scenarios', 'the status follows the active editor');
    await vscode.window.showTextDocument(balance);
    await waitFor(() => /balance: \d+\/\d+ expects held/.test(api.status().text), 'back to balance');
  });

  test('editing a file marks its failed-expect diagnostics stale, and clears the one on an edited line', async () => {
    const uri = file('stale.scenario');
    await write(uri, RING.replace('KEYS', '999').replace('expect always single_owner', 'expect at end metric keys = 998'));
    await vscode.commands.executeCommand<RunResult>('protocolPlayground.run', uri, 'small ring');
    const before = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'protocol-playground run');
    assert.deepEqual(before.map((d) => d.range.start.line).sort(), [10, 11]);
    const editor = await vscode.window.showTextDocument(uri);
    const runDiagnostics = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'protocol-playground run');
    await editor.edit((e) => e.replace(new vscode.Range(11, 0, 11, editor.document.lineAt(11).text.length), '  expect at end metric keys = 300'));
    await diagnosticsUntil(uri, () => runDiagnostics().length === 1, 'the edited line\'s diagnostic to go');
    let after = runDiagnostics();
    assert.deepEqual(after.map((d) => d.range.start.line), [10], 'the edited line\'s diagnostic is gone');
    assert.equal(after[0]!.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(after[0]!.message, /from the last run; the file changed since/);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// a comment\n'));
    await diagnosticsUntil(uri, () => runDiagnostics()[0]?.range.start.line === 11, 'the diagnostic to move down a line');
    after = runDiagnostics();
    assert.deepEqual(after.map((d) => d.range.start.line), [11], 'it moves with its line');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('scenarios are tests in the Testing view, expect lines their children; running reports each line', async () => {
    const balance = file('ring', 'balance.scenario');
    await waitFor(() => api.tests().some((f) => f.id === balance.toString()), 'balance.scenario in the Testing view');
    const fileItem = api.tests().find((f) => f.id === balance.toString())!;
    assert.deepEqual(fileItem.children.map((c) => c.label), ['balance', 'balanced at 200 vnodes']);
    const scenario = fileItem.children[0]!;
    assert.ok(scenario.children.length >= 2 && scenario.children.every((e) => e.label.startsWith('expect ')), JSON.stringify(scenario.children));
    const results = await api.runTests([scenario.id]);
    assert.equal(results[scenario.id], 'passed');
    for (const e of scenario.children) assert.equal(results[e.id], 'passed', e.label);

    const failing = file('failing-tests.scenario');
    await write(failing, RING.replace('KEYS', '999'));
    await waitFor(() => api.tests().some((f) => f.id === failing.toString()), 'a new file appears');
    const f = api.tests().find((x) => x.id === failing.toString())!.children[0]!;
    const r = await api.runTests([f.children[1]!.id]);
    assert.match(r[f.id]!, /^failed/);
    assert.match(r[f.children[1]!.id]!, /^failed: expect at end metric keys = 999 failed/);
    assert.equal(r[f.children[0]!.id], 'passed');
  });

  test('New Scenario… writes a working starter for the chosen protocol and never overwrites one', async () => {
    const first = vscode.Uri.parse(await vscode.commands.executeCommand<string>('protocolPlayground.newScenario', 'raft'));
    assert.equal(first.toString(), file('my-raft.scenario').toString());
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), first.toString());
    const second = vscode.Uri.parse(await vscode.commands.executeCommand<string>('protocolPlayground.newScenario', 'raft'));
    assert.equal(second.toString(), file('my-raft-2.scenario').toString());
    const run = await vscode.commands.executeCommand<RunResult>('protocolPlayground.run', first);
    assert.deepEqual(run.scenarios.map((s) => [s.name, s.passed]), [['my failover', true]]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Copy the Examples copies the bundled examples (without traces) into the workspace', async () => {
    const target = vscode.Uri.parse(await vscode.commands.executeCommand<string>('protocolPlayground.copyExamples'));
    assert.equal(target.toString(), file('protocol-playground-examples').toString());
    assert.ok(await exists(vscode.Uri.joinPath(target, 'raft', 'leader-failover.scenario')));
    assert.ok(await exists(vscode.Uri.joinPath(target, 'ring', 'README.md')));
    const traces = await vscode.workspace.findFiles(new vscode.RelativePattern(target, '**/*.trace.json'));
    assert.deepEqual(traces, []);
    assert.match(vscode.window.activeTextEditor?.document.uri.path ?? '', /protocol-playground-examples\/raft\/leader-failover\.scenario$/);
    const again = vscode.Uri.parse(await vscode.commands.executeCommand<string>('protocolPlayground.copyExamples'));
    assert.equal(again.toString(), file('protocol-playground-examples-2').toString());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a .trace.json opens in the read-only trace viewer', async () => {
    const trace = file('ring', 'balance.trace.json');
    assert.ok(await exists(trace));
    await vscode.commands.executeCommand('vscode.open', trace);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom, 'a custom editor tab');
    assert.equal((tab.input as vscode.TabInputCustom).viewType, 'protocolPlayground.traceFile');
    assert.deepEqual(api.traceEditor(trace), { ok: true });
  });

  test('a broken .trace.json shows a clear error, and Open as JSON opens its text', async () => {
    const trace = file('broken.trace.json');
    await write(trace, '{"format": "protocol-playground-trace", "version": 1, "events": [');
    await vscode.commands.executeCommand('vscode.openWith', trace, 'protocolPlayground.traceFile');
    const state = api.traceEditor(trace);
    assert.equal(state?.ok, false);
    assert.ok((state?.error ?? '').length > 10, `an error message: ${state?.error}`);
    // The page's link runs this command with the file's URI as a string.
    await vscode.commands.executeCommand('protocolPlayground.openTraceAsText', trace.toString());
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.toString() === trace.toString(), 'the JSON text editor');
    assert.match(vscode.window.activeTextEditor!.document.getText(), /"events": \[/);
  });

  test('Compare with… shows two traces side by side in one panel', async () => {
    const uri = file('ring', 'balance.scenario');
    await vscode.commands.executeCommand('protocolPlayground.run', uri, 'balanced at 200 vnodes');
    const left = file('ring', 'balance.trace.json');
    const right = file('ring', 'balanced-at-200-vnodes.trace.json');
    const pair = await vscode.commands.executeCommand<string[]>('protocolPlayground.compareWith', left, right);
    assert.deepEqual(pair, [left.toString(), right.toString()]);
    assert.equal(api.panel()?.title, 'Compare: balance | balanced-at-200-vnodes');
  });
});
