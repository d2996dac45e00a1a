/**
 * Command-line parsing for `protocol-playground`, without a library: the
 * grammar is tiny and a usage error must name exactly what was wrong.
 */
export interface ParsedArgs {
  readonly command: string | undefined;
  readonly positionals: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
}

export class UsageError extends Error {}

/** Flags each command accepts; `true` means the flag takes a value. */
const FLAGS: Record<string, Record<string, boolean>> = {
  run: { scenario: true, seed: true, trials: true, out: true, html: true, svg: true, json: false },
  check: { json: false },
  view: { out: true, right: true },
  export: { to: true, out: true, width: true, all: false, 'hide-periodic': false },
  lsp: { stdio: false, 'node-ipc': false, socket: true, clientProcessId: true },
  explore: {
    scenario: true, runs: true, time: true, faults: true, 'max-faults': true, seed: true, workers: true, shard: true,
    out: true, json: false, expect: true, merge: false, exhaustive: false, depth: true, 'max-states': true, timers: true,
    network: true, storage: true,
  },
  lincheck: { model: true, format: true, initial: true, time: true, memory: true, workers: true, html: true, json: false },
  help: {},
};

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    return { command: 'help', positionals: [], flags: new Map() };
  }
  const accepted = FLAGS[command];
  if (!accepted) throw new UsageError(`unknown command "${command}" (commands: run, check, view, export, explore, lincheck, lsp, help)`);
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (!(name in accepted)) throw new UsageError(`${command}: unknown option --${name}`);
    if (!accepted[name]) {
      if (eq !== -1) throw new UsageError(`${command}: --${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const value = eq !== -1 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || value === '') throw new UsageError(`${command}: --${name} needs a value`);
    flags.set(name, value);
  }
  return { command, positionals, flags };
}

export function parseSeed(text: string): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) {
    throw new UsageError(`--seed must be a whole number from 0 to 4294967295, got "${text}"`);
  }
  return Number(text);
}

export function parseTrials(text: string): number {
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1) throw new UsageError(`--trials must be a whole number from 1 to 999999, got "${text}"`);
  return Number(text);
}

/** A duration flag (`500ms`, `10s`, `2min`, `1h`; a bare number is seconds) in milliseconds. */
export function parseDurationFlag(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|min|h)?$/.exec(text);
  if (!m) throw new UsageError(`--${flag} must be a duration like 500ms, 10s or 2min, got "${text}"`);
  const scale = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 }[m[2] ?? 's']!;
  return Number(m[1]) * scale;
}

/** A size flag (`512MB`, `2GB`, `100KB`; a bare number is MB) in bytes. */
export function parseSizeFlag(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB|K|M|G)?$/i.exec(text);
  if (!m) throw new UsageError(`--${flag} must be a size like 512MB or 2GB, got "${text}"`);
  const unit = (m[2] ?? 'MB').toUpperCase().replace(/B$/, '');
  const scale = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[unit]!;
  return Math.round(Number(m[1]) * scale);
}

/** A positive whole number flag (`--workers 4`). */
export function parseCountFlag(flag: string, text: string, max = 1_000_000_000): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) < 1 || Number(text) > max) throw new UsageError(`--${flag} must be a whole number from 1 to ${max}, got "${text}"`);
  return Number(text);
}

export const USAGE = `Usage: protocol-playground <command> [options]

Commands:
  run FILE [--scenario NAME] [--seed N] [--trials N] [--out FILE] [--html FILE] [--svg DIR] [--json]
      Run the scenarios (and sweeps) of FILE and check their expect lines.
      --scenario NAME  run only this scenario or sweep
      --seed N         override every scenario's seed
      --trials N       run at most N trials per group of each sweep (a quick look)
      --out FILE       write the trace (one scenario) as JSON; with several
                       scenarios, or a FILE ending in /, a folder of traces
      --html FILE      write a standalone viewer page per scenario, and a
                       page with its table and charts per sweep (same rule)
      --svg DIR        write each sweep chart (chart cdf|line|bar METRIC)
                       as DIR/<sweep>-<kind>-<metric>.svg
      --json           print one JSON document instead of the summary, with
                       every trial's metrics of each sweep
  view TRACE [--right TRACE] [--out PAGE.html]
      Write a standalone, offline viewer page for a trace file (two side by
      side with --right); PAGE defaults to TRACE with .html.
  export TRACE --to svg|png|mermaid|shiviz [--out FILE] [--width PX] [--hide-periodic] [--all]
      The trace for slides and papers: the space-time diagram as SVG or PNG
      (PNG through headless Chromium), a Mermaid sequence diagram (heartbeat
      rounds as one note each; --all for every message), or a ShiViz log
      with vector clocks. FILE defaults to TRACE with the format's extension.
  check FILE...
      Parse and validate only; print diagnostics as file:line:col: message.
  explore FILE [--scenario NAME] [--runs N | --time T] [--faults LIST] [--max-faults N]
               [--seed S] [--shard I/N] [--workers N] [--expect safety|all] [--out DIR] [--json]
      Run the scenario many times with fresh seeds and random faults on every
      core; shrink the first violation and write it as a scenario file (and
      its trace) that reproduces it with run.
      The scenario's explore { … } block may set the budget, a line per flag:
      faults crash 2, partition · max faults N · runs N · time T · seed S ·
      expect safety|all (and depth, max states, timers, network, storage
      for --exhaustive).
      A flag given here overrides its line; --runs and --time together
      replace the block's runs and time. The defaults below apply to what
      neither says.
      --runs N         runs in all (default 1000)
      --time T         wall-clock time instead (30s, 2min); with --runs, whichever ends first
      --faults LIST    kinds, each optionally capped (crash=2,restart,partition):
                       crash restart partition cut heal loss duplicate delay
                       pause drift (default: all, each up to --max-faults)
      --max-faults N   faults per run in all (default 4)
      --seed S         the search seed (default 1): run k is the same on every machine
      --shard I/N      only the runs k with k mod N = I-1 (CI matrix, Indexed Job)
      --expect all     also count eventually / at end lines (default: safety)
      --out DIR        where the counterexample goes (default: beside FILE)
  explore FILE --exhaustive [--scenario NAME] [--depth D] [--max-states N] [--timers N]
               [--faults crash=N,restart=N,duplicate=N] [--network async|lockstep]
               [--storage instant|latency] [--time T] [--out DIR] [--json]
      Breadth-first over every order of deliveries, timer firings and faults
      from the budget (three nodes, a few operations): the shortest
      counterexample as a timed scenario file. Defaults (a flag overrides the
      explore block's line, the line the default): depth 20, 2000000 states,
      crash=1,restart=1,duplicate=0, timers unbounded, async network.
      --network async     any message may be delivered next, timers fire any
                          time: every race, shallow paths (default)
      --network lockstep  messages in send order, timers only when nothing is
                          in flight, a crash loses its node's messages: few
                          choices, so deep paths (Raft's Figure 8: 18 steps)
      --storage latency   each write completes at a step of its own, so a
                          crash can land while one is in flight (default when
                          the scenario's storage has a latency)
  explore --merge REPORT.json... [--out DIR] [--json]
      The smallest counterexample of several shards' --json reports.
      Exit: 0 nothing found, 1 a counterexample (its path is printed), 2 bad input.
  lincheck HISTORY [--model register|kv] [--format edn|json|trace] [--initial VALUE]
                   [--time T] [--memory SIZE] [--workers N] [--html FILE] [--json]
      Check a client history for linearizability: a Jepsen/Knossos EDN
      history, JSON (one operation per line), or a .trace.json.
      --model          register (read, write, cas) or kv (get, put, append,
                       cas on [key value] tuples); a trace's protocol names its own
      --initial VALUE  the initial value (JSON; default null)
      --time T         give up after T (e.g. 10s) with "unknown" (exit 3)
      --memory SIZE    most memo per search (default 1GB), then "unknown"
      --workers N      keys checked in parallel (default: every core)
      --html FILE      draw the history, the failing window marked
      Exit: 0 linearizable, 1 not, 2 bad input, 3 unknown (budget exhausted).
  lsp --stdio
      Run the scenario language server for any LSP client (Neovim, Helix,
      Emacs …) over stdio (or --node-ipc, --socket=PORT).

Exit status: 0 every expectation holds (or no problems), 1 some failed,
2 a bad file or bad usage.`;
