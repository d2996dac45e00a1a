/**
 * Language-server latency, measured over stdio against the built server
 * (dist/server.cjs) with a real LSP client, on the largest realistic file:
 * the examples under examples/ concatenated to 1 000 lines, every cluster and
 * scenario renamed to stay unique (test/dsl/fixtures/realistic.ts):
 * - diagnostics after an edit: from sending `didChange` (one time changed on
 *   a line in the middle of the file) to receiving `publishDiagnostics` for
 *   it (target ≤ 100 ms median), against the same rebuild done in-process
 *   (parse, link, validate: the floor);
 * - completion: a `textDocument/completion` round trip after `client ` and
 *   after `crash ` in the middle of the file (target ≤ 30 ms median), against
 *   a `textDocument/hover` round trip at the same place.
 * Medians of several runs after a warm-up (the first edit is reported
 * too). On a shared machine wall times follow its load; the CPU time the
 * server process spent per edit (from /proc, all its threads, GC included),
 * beside the in-process rebuild's, follows it much less. Nothing asserts on
 * them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { URI } from 'langium';
import { createScenarioServices } from '../src/dsl/scenario-module.js';
import { positionOf, SERVER, startSession } from '../test/server/_lsp.js';
import { realisticScenarioFile } from '../test/dsl/fixtures/realistic.js';
import type { BenchRow } from './types.js';

const RUNS = 15;
/** Edits before measuring: the server's first edits run cold (JIT), 2-4× slower. */
const WARMUP = 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A scenario file of about `lines` lines: one cluster, scenarios of 100 lines each. */
export function largeRaftFile(lines: number): string {
  const out = ['cluster five: raft {', '  nodes n1..n5', '  election_timeout 150ms..300ms', '  heartbeat 50ms', '}'];
  let s = 0;
  while (out.length < lines) {
    out.push('', `scenario "s${++s}" {`, '  use five', '  seed 7', '  network { latency 5ms..15ms  loss 1% }');
    for (let i = 0; i < 88 && out.length < lines - 6; i++) {
      const t = (i + 1) * 10;
      if (i % 11 === 5) out.push(`  at ${t}ms crash n${(i % 5) + 1}`);
      else if (i % 11 === 7) out.push(`  at ${t}ms restart n${(i % 5) + 1}`);
      else if (i % 11 === 9) out.push(`  at ${t}ms partition {n1 n2} | {n3 n4 n5}`);
      else if (i % 11 === 10) out.push(`  at ${t}ms heal`);
      else out.push(`  at ${t}ms client put k${i} = ${i}`);
    }
    out.push('  on deliver AppendEntries from n2 to n3 { drop }', '  run until 2s', '  expect always election_safety, log_matching', '  expect eventually leader within 1s', '  expect at end committed k0 = 0', '}');
  }
  return out.join('\n') + '\n';
}

/**
 * The file with edit number `n` applied: the time of the timed line nearest
 * the middle of the file (`at 10ms …`) becomes `at 10ms + n µs`, as a user
 * nudging a time would write it. The file stays free of errors.
 */
export function editedFile(text: string, n: number): string {
  const lines = text.split('\n');
  const mid = Math.floor(lines.length / 2);
  const timed = /^(\s*at\s+)(\d+)ms(\s)/;
  let at = mid;
  while (at < lines.length && !timed.test(lines[at]!)) at++;
  if (at === lines.length) throw new Error('editedFile: no `at Nms` line after the middle of the file');
  lines[at] = lines[at]!.replace(timed, (_, a: string, ms: string, b: string) => `${a}${Number(ms) * 1000 + n}us${b}`);
  return lines.join('\n');
}

/** The in-process rebuild (parse, link, validate) of each edit: wall times, and the mean CPU time per rebuild. */
async function inProcessBuild(text: string): Promise<{ times: number[]; cpu: number }> {
  const { shared } = createScenarioServices();
  const times: number[] = [];
  let cpu = 0;
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const doc = shared.workspace.LangiumDocumentFactory.fromString(editedFile(text, i), URI.parse(`file:///bench/inproc${i}.scenario`));
    shared.workspace.LangiumDocuments.addDocument(doc);
    await shared.workspace.DocumentBuilder.build([doc], { validation: true });
    const used = process.cpuUsage(cpu0);
    if (i > 0) {
      times.push(performance.now() - t0);
      cpu += (used.user + used.system) / 1000;
    }
    shared.workspace.LangiumDocuments.deleteDocument(doc.uri);
  }
  return { times, cpu: cpu / RUNS };
}

/** CPU time (ms) a process has used so far, all threads, or undefined where /proc is not there. */
function processCpu(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of proc(5))
    return (ticks * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

export async function benchLsp(): Promise<BenchRow[]> {
  const { text, lines, files } = realisticScenarioFile(1000);
  const s = await startSession([SERVER, '--stdio']);
  try {
    const uri = 'file:///bench/realistic.scenario';
    const first = await s.open(uri, text);
    const errors = first.diagnostics.filter((d) => d.severity === 1);
    if (errors.length > 0) throw new Error(`benchLsp: the realistic file has errors: ${errors[0]!.message}`);

    const diag: number[] = [];
    let firstEdit = 0;
    let cpuAtWarm: number | undefined;
    for (let i = 0; i < WARMUP + RUNS; i++) {
      if (i === WARMUP) cpuAtWarm = processCpu(s.child.pid);
      const edited = editedFile(text, i + 1);
      const t0 = performance.now();
      const published = await s.change(uri, i + 2, edited);
      const dt = performance.now() - t0;
      if (published.diagnostics.some((d) => d.severity === 1)) throw new Error(`benchLsp: edit ${i + 1} made an error: ${published.diagnostics[0]!.message}`);
      if (i === 0) firstEdit = dt;
      if (i >= WARMUP) diag.push(dt);
    }
    const cpuAfter = processCpu(s.child.pid);
    const serverCpu = cpuAtWarm !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuAtWarm) / RUNS : undefined;
    const current = editedFile(text, WARMUP + RUNS);
    const midOffset = current.split('\n').slice(0, Math.floor(lines / 2)).join('\n').length;
    const after = (needle: string) => {
      const at = current.indexOf(needle, midOffset);
      if (at < 0) throw new Error(`benchLsp: no '${needle}' after the middle of the file`);
      return positionOf(current, needle, needle.length, current.slice(0, at).split(needle).length - 1);
    };
    const timeRequest = async (method: string, position: unknown) => {
      const times: number[] = [];
      for (let i = 0; i <= RUNS; i++) {
        const t0 = performance.now();
        await s.request(method, { textDocument: { uri }, position });
        if (i > 0) times.push(performance.now() - t0);
      }
      return median(times);
    };
    const opPos = after('client ');
    const nodePos = after('crash ');
    const completionOps = await timeRequest('textDocument/completion', opPos);
    const completionNodes = await timeRequest('textDocument/completion', nodePos);
    const hover = await timeRequest('textDocument/hover', { line: opPos.line, character: opPos.character + 1 });
    const inProcess = await inProcessBuild(text);
    const floor = median(inProcess.times);
    const what = `${lines}-line realistic file (${files} example files)`;
    return [
      { name: `diagnostics after an edit, ${what}, over stdio (median)`, value: median(diag), unit: 'ms', baseline: { name: 'in-process rebuild', value: floor }, target: '≤ 100 ms' },
      ...(serverCpu !== undefined ? [{ name: '  CPU time of the server per edit (mean; less sensitive to a busy machine)', value: serverCpu, unit: 'ms', baseline: { name: 'in-process rebuild, CPU', value: inProcess.cpu } }] : []),
      { name: 'diagnostics after the first edit (server still cold)', value: firstEdit, unit: 'ms' },
      { name: 'diagnostics after an edit, slowest of the measured runs', value: Math.max(...diag), unit: 'ms' },
      { name: `completion after \`client \` (operations), ${what} (median)`, value: completionOps, unit: 'ms', baseline: { name: 'hover round trip', value: hover }, target: '≤ 30 ms' },
      { name: `completion after \`crash \` (nodes, roles), ${what} (median)`, value: completionNodes, unit: 'ms', baseline: { name: 'hover round trip', value: hover }, target: '≤ 30 ms' },
    ];
  } finally {
    await s.close();
  }
}
