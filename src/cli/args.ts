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
  help: {},
};

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    return { command: 'help', positionals: [], flags: new Map() };
  }
  const accepted = FLAGS[command];
  if (!accepted) throw new UsageError(`unknown command "${command}" (commands: run, check, view, export, lsp, help)`);
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
  lsp --stdio
      Run the scenario language server for any LSP client (Neovim, Helix,
      Emacs …) over stdio (or --node-ipc, --socket=PORT).

Exit status: 0 every expectation holds (or no problems), 1 some failed,
2 a bad file or bad usage.`;
