/**
 * The human summary `run` prints, and the `--json` document. Both are built
 * from the same outcomes so they never disagree.
 */
import type { FileOutcome, ScenarioOutcome, SweepOutcome } from '../runner/run.js';
import type { TraceCheck } from '../trace/format.js';

export interface Style {
  readonly pass: (s: string) => string;
  readonly fail: (s: string) => string;
  readonly dim: (s: string) => string;
}

export const plain: Style = { pass: (s) => s, fail: (s) => s, dim: (s) => s };
export const ansi: Style = {
  pass: (s) => `\x1b[32m${s}\x1b[0m`,
  fail: (s) => `\x1b[31m${s}\x1b[0m`,
  dim: (s) => `\x1b[2m${s}\x1b[0m`,
};

export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const abs = Math.abs(x);
  return abs >= 100 ? x.toFixed(1) : abs >= 1 ? x.toFixed(3) : x.toPrecision(3);
}

export function formatTime(us: number): string {
  if (us >= 1_000_000) return `${formatNumber(us / 1_000_000)} s`;
  if (us >= 1000) return `${formatNumber(us / 1000)} ms`;
  return `${us} µs`;
}

function formatCheck(check: TraceCheck, style: Style): string {
  const mark = check.status === 'held' ? style.pass('✓') : style.fail('✗');
  const where = check.source ? style.dim(` (line ${check.source.line})`) : '';
  const why = check.status === 'failed' && check.message ? ` — ${check.message}` : '';
  return `      ${mark} ${check.name}${why}${where}`;
}

function formatMetrics(metrics: Readonly<Record<string, number>>, style: Style): string[] {
  const entries = Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return [];
  const lines: string[] = [];
  let line = '';
  for (const [name, value] of entries) {
    const item = `${name} ${formatNumber(value)}`;
    if (line.length + item.length > 88) {
      lines.push(line);
      line = '';
    }
    line += (line ? '  ' : '') + item;
  }
  lines.push(line);
  return lines.map((l, i) => `      ${style.dim(i === 0 ? 'metrics ' : '        ')}${l}`);
}

export function formatScenario(outcome: ScenarioOutcome, style: Style): string[] {
  const { spec, result } = outcome;
  const badge = outcome.passed ? style.pass('PASS') : style.fail('FAIL');
  const facts = `${spec.protocol} · seed ${spec.seed} · ${result.end.events} events · ${formatTime(result.end.time)} simulated`;
  const lines = [`  ${badge}  ${spec.name}  ${style.dim(facts)}`];
  if (result.end.reason !== 'until' && result.end.reason !== 'quiescent' && result.end.reason !== 'condition') {
    lines.push(`      ${style.fail('!')} ${result.end.message}`);
  }
  for (const check of result.checks) lines.push(formatCheck(check, style));
  lines.push(...formatMetrics(result.metrics, style));
  return lines;
}

/**
 * A sweep prints as a table: one row per group of variants, one column per
 * metric its `report` lines name, or else per metric that differs somewhere
 * in the sweep (constant ones say nothing). Groups of several runs (seeds)
 * show mean / median / p99 / max, and how many runs recorded the metric when
 * some did not (a measurement that never ended).
 */
export function formatSweep(sweep: SweepOutcome, style: Style): string[] {
  const lines = [`  sweep "${sweep.name}" of "${sweep.base}"`];
  const names = sweep.report ? [...sweep.report] : [...new Set(sweep.groups.flatMap((g) => Object.keys(g.metrics)))].filter((name) => {
    const seen = new Set(sweep.groups.flatMap((g) => { const m = g.metrics[name]; return m ? [m.min, m.max] : [NaN]; }));
    return seen.size > 1;
  });
  const many = sweep.groups.some((g) => g.runs.length > 1);
  const cell = (g: SweepOutcome['groups'][number], name: string) => {
    const m = g.metrics[name];
    if (!m) return many ? `- (0 of ${g.runs.length})` : '-';
    if (!many) return formatNumber(m.median);
    const missing = m.count < g.runs.length ? ` (${m.count} of ${g.runs.length})` : '';
    return `${formatNumber(m.mean)} / ${formatNumber(m.median)} / ${formatNumber(m.p99)} / ${formatNumber(m.max)}${missing}`;
  };
  const header = ['', 'runs', ...names];
  const rows = sweep.groups.map((g) => [g.label, String(g.runs.length), ...names.map((n) => cell(g, n))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const pad = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  lines.push(`          ${style.dim(pad(header))}${many ? style.dim('   (mean / median / p99 / max)') : ''}`);
  sweep.groups.forEach((g, k) => {
    const badge = g.passed ? style.pass('PASS') : style.fail('FAIL');
    lines.push(`    ${badge}  ${pad(rows[k]!)}`);
    for (const run of g.runs) {
      for (const check of run.checks) if (check.status === 'failed') lines.push('  ' + formatCheck(check, style) + style.dim(` [seed ${run.seed}]`));
    }
  });
  return lines;
}

export function formatFile(display: string, outcome: FileOutcome, style: Style): string {
  const lines = [display];
  for (const s of outcome.scenarios) lines.push(...formatScenario(s, style));
  for (const s of outcome.sweeps) lines.push(...formatSweep(s, style));
  return lines.join('\n');
}

/** The `--json` document: stable keys, plain data. */
export function toJson(display: string, outcome: FileOutcome): unknown {
  const scenario = (s: ScenarioOutcome) => ({
    name: s.name,
    protocol: s.spec.protocol,
    seed: s.spec.seed,
    passed: s.passed,
    end: s.result.end,
    checks: s.result.checks,
    metrics: s.result.metrics,
  });
  return {
    file: display,
    passed: outcome.passed,
    scenarios: outcome.scenarios.map(scenario),
    sweeps: outcome.sweeps.map((sw) => ({
      name: sw.name,
      base: sw.base,
      passed: sw.passed,
      ...(sw.charts ? { charts: sw.charts } : {}),
      // Every trial's own values, for plotting elsewhere: `runs[k].metrics`.
      groups: sw.groups.map((g) => ({ label: g.label, values: g.values, passed: g.passed, metrics: g.metrics, runs: g.runs })),
    })),
  };
}

/** A name as a file name: lower case, runs of other characters as one `-` (`leader failover` → `leader-failover`). */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'scenario';
}
