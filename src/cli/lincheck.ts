/**
 * `protocol-playground lincheck HISTORY`: is a client history linearizable?
 *
 * Reads the file (Jepsen/Knossos EDN, JSON lines, or a trace; see
 * src/checks/history-file.ts), checks it key by key on every core
 * (src/workers/lincheck-parallel.ts) within the time and memory budget, and
 * prints the verdict — with the minimal failing window when it fails — or
 * one JSON document with --json. --html draws the history.
 *
 * Exit status: 0 linearizable, 1 not linearizable, 2 bad input or usage,
 * 3 unknown (the budget ran out).
 */
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import type { Json } from '../engine/protocol.js';
import type { ModelName } from '../engine/vocabulary.js';
import { loadHistory, type HistoryFormat, type LoadedHistory } from '../checks/history-file.js';
import { historyPage, opLabel } from '../checks/history-html.js';
import type { ModelInput, Operation } from '../checks/history.js';
import { checkHistoryParallel, type HistoryVerdict } from '../workers/lincheck-parallel.js';
import { defaultWorkers } from '../workers/pool.js';
import { UsageError, parseCountFlag, parseDurationFlag, parseSizeFlag } from './args.js';
import { FileError, readTextFile } from './load.js';

export const EXIT_LINEARIZABLE = 0;
export const EXIT_NOT_LINEARIZABLE = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_UNKNOWN = 3;

type Flags = ReadonlyMap<string, string | true>;

function stringFlag(flags: Flags, name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

function parseInitial(text: string): Json {
  if (text === 'nil') return null;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

/** `write` writes a file or says why it could not (a FileError: exit 2). */
export async function lincheckCommand(paths: readonly string[], flags: Flags, write: (path: string, text: string) => void): Promise<number> {
  if (paths.length !== 1) throw new UsageError('lincheck: name exactly one history file');
  const path = paths[0]!;
  const modelFlag = stringFlag(flags, 'model');
  if (modelFlag !== undefined && modelFlag !== 'register' && modelFlag !== 'kv') throw new UsageError(`lincheck: --model must be register or kv, got "${modelFlag}"`);
  const formatFlag = stringFlag(flags, 'format');
  if (formatFlag !== undefined && !['edn', 'json', 'trace'].includes(formatFlag)) throw new UsageError(`lincheck: --format must be edn, json or trace, got "${formatFlag}"`);
  const timeFlag = stringFlag(flags, 'time');
  const memoryFlag = stringFlag(flags, 'memory');
  const workersFlag = stringFlag(flags, 'workers');
  const initialFlag = stringFlag(flags, 'initial');
  const timeMs = timeFlag === undefined ? undefined : parseDurationFlag('time', timeFlag);
  const memoryBytes = memoryFlag === undefined ? undefined : parseSizeFlag('memory', memoryFlag);
  const workers = workersFlag === undefined ? defaultWorkers() : parseCountFlag('workers', workersFlag, 1024);
  const initial = initialFlag === undefined ? null : parseInitial(initialFlag);
  const json = flags.has('json');

  const text = readTextFile(path);
  const loaded = loadHistory(text, { ...(formatFlag !== undefined ? { format: formatFlag as HistoryFormat } : {}), ...(modelFlag !== undefined ? { model: modelFlag as ModelName } : {}) });
  if (!loaded.ok) throw new FileError(`${path}: ${loaded.error}`);
  const history = loaded.history;
  for (const w of history.warnings) process.stderr.write(`${path}: warning: ${w}\n`);

  const started = performance.now();
  const verdict = await checkHistoryParallel(history.ops, {
    model: history.model, initial, workers, script: join(__dirname, 'search-worker.cjs'),
    ...(timeMs !== undefined ? { timeMs } : {}), ...(memoryBytes !== undefined ? { memoryBytes } : {}),
  });
  const seconds = (performance.now() - started) / 1000;

  const html = stringFlag(flags, 'html');
  if (html !== undefined) {
    write(html, historyPage({
      title: `${basename(path)} — ${history.model} model`,
      verdict: verdictLine(verdict),
      ops: history.ops,
      ...(verdict.verdict === 'not linearizable' ? { window: verdict.window, culprit: verdict.culprit } : {}),
      unit: history.format === 'trace' ? 'µs' : 'event',
      nonce: randomBytes(18).toString('base64url'),
    }));
  }
  if (json) process.stdout.write(JSON.stringify(toJson(path, history, verdict, seconds), null, 2) + '\n');
  else process.stdout.write(summary(path, history, verdict, seconds) + '\n');
  return verdict.verdict === 'linearizable' ? EXIT_LINEARIZABLE : verdict.verdict === 'not linearizable' ? EXIT_NOT_LINEARIZABLE : EXIT_UNKNOWN;
}

function verdictLine(v: HistoryVerdict): string {
  switch (v.verdict) {
    case 'linearizable': return `linearizable (${v.keys} key${v.keys === 1 ? '' : 's'})`;
    case 'not linearizable': {
      const where = v.key === '' ? '' : ` on key ${JSON.stringify(v.key)}`;
      return `not linearizable${where}: ${describe(v.culprit)} has no valid place in any order`;
    }
    case 'unknown': return v.message;
  }
}

/** `line 12, process 3: read → 2 [12 → 15]` (or without the line for traces). */
function describe(op: Operation<ModelInput, Json>): string {
  const where = op.line !== undefined ? `line ${op.line}, ` : '';
  return `${where}client ${op.client ?? '?'}: ${opLabel(op)} [${op.call} → ${op.ret ?? 'no response'}]`;
}

function summary(path: string, h: LoadedHistory, v: HistoryVerdict, seconds: number): string {
  const unknown = h.ops.filter((o) => o.ret === null).length;
  const lines = [`${path}: ${h.ops.length} operations (${unknown} with unknown outcome) from ${h.events} events, ${h.model} model, ${v.keys} key${v.keys === 1 ? '' : 's'}`];
  lines.push(`${verdictLine(v)} — ${seconds.toFixed(2)} s`);
  if (v.verdict === 'not linearizable') {
    lines.push(`window of ${v.window.length} operation(s)${v.minimal ? '' : ' (not minimized: the budget ran out)'}:`);
    for (const op of v.window) lines.push(`  ${op === v.culprit ? '✗' : ' '} ${describe(op)}`);
  }
  return lines.join('\n');
}

function opJson(op: Operation<ModelInput, Json>): unknown {
  return { ...(op.line !== undefined ? { line: op.line } : {}), client: op.client ?? null, id: op.id, call: op.call, ret: op.ret, input: op.input, ...(op.ret !== null ? { output: op.output ?? null } : {}) };
}

function toJson(path: string, h: LoadedHistory, v: HistoryVerdict, seconds: number): unknown {
  const base = {
    file: path, format: h.format, model: h.model, operations: h.ops.length,
    unknown: h.ops.filter((o) => o.ret === null).length, keys: v.keys, verdict: v.verdict, seconds: Number(seconds.toFixed(3)),
  };
  switch (v.verdict) {
    case 'linearizable': return base;
    case 'not linearizable': return { ...base, key: v.key, message: v.message, minimal: v.minimal, culprit: opJson(v.culprit), window: v.window.map(opJson) };
    case 'unknown': return { ...base, key: v.key, reason: v.reason, message: v.message };
  }
}
