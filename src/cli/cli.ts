/**
 * `protocol-playground`: run and check scenario files from a terminal (and CI).
 *
 *   run FILE [--scenario NAME] [--seed N] [--trials N] [--out FILE] [--html FILE] [--svg DIR] [--json]
 *   check FILE...
 *   view TRACE [--right TRACE] [--out PAGE.html]
 *   explore FILE [--scenario NAME] … (explore.ts)
 *   lincheck HISTORY [--model register|kv] … (lincheck.ts)
 *   export TRACE --to svg|png|mermaid|shiviz [--out FILE]
 *   lsp --stdio
 *
 * Exit status: 0 when every expectation holds, 1 when some failed, 2 for a bad
 * file or bad usage. Diagnostics print as `file:line:col: severity: message`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileError, loadScenarioFile, readTextFile, type LoadedFile } from './load.js';
import { UsageError, USAGE, parseArgs, parseSeed, parseTrials } from './args.js';
import { ansi, formatFile, formatSweep, plain, slug, toJson } from './report.js';
import { capTrials, runFile, traceOf, type SweepOutcome } from '../runner/run.js';
import { chartFileName, chartSpec, chartTitle } from '../charts/sweep-charts.js';
import { chartSvg } from '../charts/svg.js';
import { renderSweepHtml } from '../shared/sweep-html.js';
import { readTrace } from '../trace/read.js';
import type { TraceDocument } from '../trace/format.js';
import { viewerPage } from './html.js';
import { stringifyTrace } from '../trace/write.js';
import { startServer } from '../server/start.js';
import { lincheckCommand } from './lincheck.js';
import { exploreCommand } from './explore.js';
import { EXPORT_FORMATS, exportMermaid, exportShiviz, exportSvg, type ExportFormat } from '../trace/export/index.js';
import { svgToPng } from './png.js';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_BAD_INPUT = 2;

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    switch (args.command) {
      case 'run':
        return await runCommand(args.positionals, args.flags);
      case 'check':
        return await checkCommand(args.positionals, args.flags.has('json'));
      case 'view':
        return viewCommand(args.positionals, args.flags);
      case 'export':
        return exportCommand(args.positionals, args.flags);
      case 'lsp':
        return await lspCommand(args.flags);
      case 'explore':
        return await exploreCommand(args.positionals, args.flags, writeText);
      case 'lincheck':
        return await lincheckCommand(args.positionals, args.flags, writeText);
      default:
        process.stdout.write(USAGE + '\n');
        return EXIT_OK;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`protocol-playground: ${e.message}\n\n${USAGE}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof FileError) {
      process.stderr.write(`protocol-playground: ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}

/** The language server on stdio (or IPC/socket): it runs until the client shuts it down, which exits the process. */
async function lspCommand(flags: ReadonlyMap<string, string | true>): Promise<number> {
  if (!flags.has('stdio') && !flags.has('node-ipc') && !flags.has('socket')) throw new UsageError('lsp: name a transport: --stdio, --node-ipc or --socket=PORT');
  startServer();
  await new Promise<never>(() => undefined);
  return EXIT_OK;
}

function printDiagnostics(file: LoadedFile): boolean {
  let errors = false;
  for (const d of file.compiled.diagnostics) {
    if (d.severity === 'error') errors = true;
    process.stderr.write(`${file.display}:${d.line}:${d.col}: ${d.severity}: ${d.message}\n`);
  }
  return errors || !file.compiled.ok;
}

async function checkCommand(paths: readonly string[], json: boolean): Promise<number> {
  if (paths.length === 0) throw new UsageError('check: name at least one scenario file');
  let bad = false;
  const report: unknown[] = [];
  for (const path of paths) {
    let file: LoadedFile;
    try {
      file = await loadScenarioFile(path);
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      process.stderr.write(`protocol-playground: ${e.message}\n`);
      bad = true;
      continue;
    }
    const hasErrors = json ? !file.compiled.ok || file.compiled.diagnostics.some((d) => d.severity === 'error') : printDiagnostics(file);
    bad ||= hasErrors;
    report.push({ file: file.display, ok: !hasErrors, diagnostics: file.compiled.diagnostics });
    if (!json && !hasErrors) {
      const c = file.compiled.file;
      process.stdout.write(`${file.display}: ok (${c.scenarios.length} scenario${c.scenarios.length === 1 ? '' : 's'}, ${c.sweeps.length} sweep${c.sweeps.length === 1 ? '' : 's'}, ${c.compares.length} compare${c.compares.length === 1 ? '' : 's'})\n`);
    }
  }
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  return bad ? EXIT_BAD_INPUT : EXIT_OK;
}

async function runCommand(paths: readonly string[], flags: ReadonlyMap<string, string | true>): Promise<number> {
  if (paths.length !== 1) throw new UsageError(`run: name exactly one scenario file${paths.length > 1 ? ` (got ${paths.length})` : ''}`);
  const seedFlag = flags.get('seed');
  const seed = typeof seedFlag === 'string' ? parseSeed(seedFlag) : undefined;
  const select = flags.get('scenario');
  const out = flags.get('out');
  const json = flags.has('json');

  const file = await loadScenarioFile(paths[0]!, seed);
  if (printDiagnostics(file)) return EXIT_BAD_INPUT;
  const compiled = file.compiled.file;
  const name = typeof select === 'string' ? select : undefined;
  if (name !== undefined && !compiled.scenarios.some((s) => s.name === name) && !compiled.sweeps.some((s) => s.name === name)) {
    const known = [...compiled.scenarios, ...compiled.sweeps].map((s) => `"${s.name}"`).join(', ');
    throw new UsageError(`run: ${file.display} has no scenario or sweep named "${name}" (it has ${known || 'none'})`);
  }

  const trialsFlag = flags.get('trials');
  const trials = typeof trialsFlag === 'string' ? parseTrials(trialsFlag) : undefined;
  const outcome = runFile(trials === undefined ? compiled : { ...compiled, sweeps: compiled.sweeps.map((sw) => capTrials(sw, trials)) }, name, { text: file.text });
  const html = flags.get('html');
  const svg = flags.get('svg');
  const charts = typeof html === 'string' || typeof svg === 'string' ? await renderCharts(outcome.sweeps) : new Map<SweepOutcome, RenderedChart[]>();
  const pages = [
    ...outcome.scenarios.map((s) => ({ name: s.name, render: () => viewerPage(stringifyTrace(traceOf(s, file.text)), s.name) })),
    ...outcome.sweeps.map((sw) => ({ name: sw.name, render: () => sweepPage(sw, charts.get(sw) ?? []) })),
  ];
  if (typeof out === 'string') writeEach(out, '.trace.json', outcome.scenarios.map((s) => ({ name: s.name, render: () => stringifyTrace(traceOf(s, file.text)) })));
  if (typeof html === 'string') writeEach(html, '.html', pages);
  if (typeof svg === 'string') writeCharts(svg, charts);

  if (json) process.stdout.write(JSON.stringify(toJson(file.display, outcome), null, 2) + '\n');
  else process.stdout.write(formatFile(file.display, outcome, process.stdout.isTTY ? ansi : plain) + '\n');
  return outcome.passed ? EXIT_OK : EXIT_FAILED;
}

/**
 * Writes one file per item (a scenario's trace or page, a sweep's page): to
 * `out` itself when there is one and `out` does not end in `/`, otherwise
 * into the folder `out` as `<slug><extension>`.
 */
function writeEach(out: string, extension: string, items: readonly { name: string; render: () => string }[]): void {
  if (items.length === 0) {
    process.stderr.write('note: --out writes one trace per scenario; a sweep alone writes none (--html writes its page, --svg its charts)\n');
    return;
  }
  if (items.length === 1 && !out.endsWith('/')) {
    writeText(out, items[0]!.render());
    return;
  }
  mkdirSync(out, { recursive: true });
  for (const s of items) writeText(join(out, slug(s.name) + extension), s.render());
}

interface RenderedChart {
  readonly file: string;
  readonly title: string;
  readonly svg: string;
}

/** Every sweep's charts, rendered to SVG. */
async function renderCharts(sweeps: readonly SweepOutcome[]): Promise<Map<SweepOutcome, RenderedChart[]>> {
  const out = new Map<SweepOutcome, RenderedChart[]>();
  for (const sw of sweeps) {
    const rendered: RenderedChart[] = [];
    for (const chart of sw.charts ?? []) rendered.push({ file: chartFileName(sw, chart), title: chartTitle(sw, chart), svg: await chartSvg(chartSpec(sw, chart)) });
    out.set(sw, rendered);
  }
  return out;
}

/** `--svg DIR`: each chart of each sweep as DIR/<sweep>-<kind>-<metric>.svg. */
function writeCharts(dir: string, charts: ReadonlyMap<SweepOutcome, readonly RenderedChart[]>): void {
  const all = [...charts.values()].flat();
  if (all.length === 0) {
    process.stderr.write('note: --svg writes the charts of sweeps (`chart cdf METRIC`, `chart line METRIC`); none ran here\n');
    return;
  }
  mkdirSync(dir, { recursive: true });
  for (const c of all) writeText(join(dir, c.file), c.svg);
}

function sweepPage(sw: SweepOutcome, charts: readonly RenderedChart[]): string {
  return renderSweepHtml({ title: `sweep "${sw.name}" of "${sw.base}"`, table: formatSweep(sw, plain), charts, nonce: randomBytes(18).toString('base64url') });
}

function writeText(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new FileError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  process.stderr.write(`wrote ${path}\n`);
}

function viewCommand(paths: readonly string[], flags: ReadonlyMap<string, string | true>): number {
  if (paths.length !== 1) throw new UsageError('view: name exactly one trace file');
  const left = readTraceFile(paths[0]!);
  const rightFlag = flags.get('right');
  const right = typeof rightFlag === 'string' ? readTraceFile(rightFlag) : undefined;
  const outFlag = flags.get('out');
  const out = typeof outFlag === 'string' ? outFlag : paths[0]!.replace(/(\.trace)?\.json$/, '') + '.html';
  const title = right ? `${left.doc.scenario.name} | ${right.doc.scenario.name}` : left.doc.scenario.name;
  writeText(out, viewerPage(left.text, title, right?.text));
  return EXIT_OK;
}

function exportCommand(paths: readonly string[], flags: ReadonlyMap<string, string | true>): number {
  if (paths.length !== 1) throw new UsageError('export: name exactly one trace file');
  const to = flags.get('to');
  const format = EXPORT_FORMATS.find((f) => f.id === to);
  if (!format) throw new UsageError(`export: --to must be one of ${EXPORT_FORMATS.map((f) => f.id).join(', ')}${typeof to === 'string' ? ` (got "${to}")` : ''}`);
  const widthFlag = flags.get('width');
  const width = typeof widthFlag === 'string' ? Number(widthFlag) : undefined;
  if (width !== undefined && !(Number.isInteger(width) && width >= 400 && width <= 20000)) throw new UsageError('export: --width must be a whole number of pixels from 400 to 20000');
  const { doc } = readTraceFile(paths[0]!);
  const outFlag = flags.get('out');
  const out = typeof outFlag === 'string' ? outFlag : paths[0]!.replace(/(\.trace)?\.json$/, '') + format.extension;
  const filter = { hiddenTypes: new Set<string>(), hidePeriodic: flags.has('hide-periodic') };
  const id: ExportFormat = format.id;
  switch (id) {
    case 'svg': writeText(out, exportSvg(doc, { filter, ...(width ? { width } : {}) })); break;
    case 'png': svgToPng(exportSvg(doc, { filter, ...(width ? { width } : {}) }), out); process.stderr.write(`wrote ${out}\n`); break;
    case 'mermaid': writeText(out, exportMermaid(doc, { all: flags.has('all'), hidePeriodic: filter.hidePeriodic })); break;
    case 'shiviz': writeText(out, exportShiviz(doc)); break;
  }
  return EXIT_OK;
}

/** Reads and validates a trace file; a broken one is a bad input (exit 2) with the reader's precise message. */
function readTraceFile(path: string): { text: string; doc: TraceDocument } {
  const text = readTextFile(path);
  const read = readTrace(text);
  if (!read.ok) throw new FileError(`${path}: ${read.error}`);
  return { text, doc: read.trace };
}
