/**
 * A scenario's `explore { … }` block: the budget of `protocol-playground
 * explore` (and of the Explore CodeLens) for this scenario, one line per
 * command-line flag —
 *
 *   faults crash 2, restart 2, partition, heal   --faults crash=2,restart=2,partition,heal
 *   max faults 4                                 --max-faults 4
 *   runs 2000 / time 1min                        --runs 2000 / --time 1min
 *   seed 7                                       --seed 7 (the search seed)
 *   expect safety|all                            --expect safety|all
 *   depth 12 / max states 150000 / timers 4      --depth / --max-states / --timers (--exhaustive)
 *   network lockstep / storage latency           --network / --storage (--exhaustive)
 *
 * — with the flags' bounds, so a block the compiler accepts is one the
 * command line would accept. Only what the block says is set in the spec:
 * src/explore/budget.ts lays flags over it and it over the defaults.
 */
import type { AstNode } from 'langium';
import { FAULT_KINDS, type FaultKind } from '../../engine/fault-kinds.js';
import type { ExploreSpec, FaultAllowance as SpecAllowance } from '../../engine/spec.js';
import type { Explore, ExploreSetting, FaultAllowance, Quantity } from '../generated/ast.js';
import { didYouMean } from '../_names.js';
import { asLiteral, literalText, quantityTime } from '../_units.js';
import { MAX_SEED, rangeOf, type CompileContext, type Writable } from './context.js';

/** The defaults and bounds of the command line (src/cli/explore.ts), which a block must agree with. */
export const EXPLORE_DEFAULT_MAX_FAULTS = 4;
/** --max-faults, --depth and --timers go up to 1000, --runs and --max-states to a billion. */
const MAX_FAULTS = 1000;
const MAX_COUNT = 1_000_000_000;
const EXPECT_MODES = ['safety', 'all'] as const;
const NETWORKS = ['async', 'lockstep'] as const;
const STORAGES = ['instant', 'latency'] as const;

/** The line's word among `choices`, or a diagnostic on it. */
function choice<T extends string>(cx: CompileContext, s: ExploreSetting, choices: readonly T[]): T | undefined {
  const mode = choices.find((m) => m === s.mode);
  if (mode === undefined) cx.error(s, `${s.kind}: unknown choice '${s.mode ?? ''}', expected one of ${choices.join(', ')}`, 'unknown-choice', 'mode');
  return mode;
}

/** The lines that take a whole number: the spec's field, the name in messages, the flag's bounds. */
const COUNTS: Readonly<Record<string, { field: 'maxFaults' | 'runs' | 'seed' | 'depth' | 'maxStates' | 'timers'; what: string; min: number; max: number }>> = {
  'max faults': { field: 'maxFaults', what: 'max faults', min: 1, max: MAX_FAULTS },
  runs: { field: 'runs', what: 'runs', min: 1, max: MAX_COUNT },
  seed: { field: 'seed', what: 'seed (the search seed)', min: 0, max: MAX_SEED },
  depth: { field: 'depth', what: 'depth', min: 1, max: MAX_FAULTS },
  'max states': { field: 'maxStates', what: 'max states', min: 1, max: MAX_COUNT },
  timers: { field: 'timers', what: 'timers', min: 1, max: MAX_FAULTS },
};

/** What each line of the block is called in messages: `max faults`, `runs` … */
function settingName(s: ExploreSetting): string {
  return s.max ? `max ${s.kind}` : s.kind;
}

/**
 * A whole number from `min` to `max` (a count of runs, faults, states …);
 * a duration or percentage is a wrong unit (`hint` says more about it).
 */
function wholeNumber(cx: CompileContext, node: AstNode, property: string, q: Quantity | undefined, what: string, min: number, max: number, hint = ''): number | undefined {
  const lit = asLiteral(q);
  if (lit?.number === undefined) {
    cx.error(node, `${what} expects a whole number like ${Math.max(min, 2)}, got ${literalText(q)}${hint}`, 'wrong-unit', property);
    return undefined;
  }
  if (!Number.isInteger(lit.number) || lit.number < min || lit.number > max) {
    cx.error(node, `${what} expects a whole number from ${min} to ${max}, got ${literalText(q)}`, 'out-of-range', property);
    return undefined;
  }
  return lit.number;
}

/** `faults KIND [N], …`: each kind once, known, with a count from 0. */
function faultAllowances(cx: CompileContext, s: ExploreSetting): SpecAllowance[] {
  const out: SpecAllowance[] = [];
  const seen = new Set<string>();
  for (const a of s.faults) {
    const kind = allowanceKind(cx, a);
    if (kind === undefined) continue;
    if (seen.has(kind)) {
      cx.error(a, `${kind} is already in this faults line`, 'repeated-fault', 'kind');
      continue;
    }
    seen.add(kind);
    if (a.count === undefined) {
      out.push({ kind });
      continue;
    }
    // `loss 5%` reads like the network's line: say that the count is of faults, and who picks the rate.
    const hint = kind === 'loss' || kind === 'duplicate' ? ` (a count of faults in one run; explore draws the rate itself, ${kind === 'loss' ? '1–20' : '1–10'} %)` : ' (a count of faults in one run)';
    const max = wholeNumber(cx, a, 'count', a.count, kind, 0, MAX_FAULTS, hint);
    if (max !== undefined) out.push({ kind, max });
  }
  return out;
}

function allowanceKind(cx: CompileContext, a: FaultAllowance): FaultKind | undefined {
  const word = a.kind;
  if ((FAULT_KINDS as readonly string[]).includes(word)) return word as FaultKind;
  // The two words that are actions of the language but no fault kind of their own.
  const hint = word === 'resume' ? ': a resume comes with its pause and counts under `pause` (`pause 2` is one pause and its resume)'
    : word === 'drop' ? ': lost messages are `loss` (a loss rate for the run) or `delay` (held back for a while)'
      : didYouMean(word, FAULT_KINDS);
  cx.error(a, `unknown fault kind '${word}'${hint}; the kinds are ${FAULT_KINDS.join(', ')}`, 'unknown-fault', 'kind');
  return undefined;
}

/** An `explore { … }` block as the spec's `explore`; `earlier`: the scenario had one before (an error: one block per scenario). */
export function compileExplore(cx: CompileContext, block: Explore, earlier: boolean): ExploreSpec | undefined {
  if (earlier) {
    cx.error(block, 'the scenario already has an explore block; put every setting in one', 'repeated-explore');
    return undefined;
  }
  const spec: Writable<ExploreSpec> = {};
  const seen = new Set<string>();
  let faultsLine: ExploreSetting | undefined;
  for (const s of block.settings) {
    const name = settingName(s);
    if (seen.has(name)) {
      cx.error(s, `${name} is already set in this explore block`, 'repeated-explore-setting');
      continue;
    }
    seen.add(name);
    switch (name) {
      case 'faults':
        spec.faults = faultAllowances(cx, s);
        faultsLine = s;
        break;
      case 'time': {
        const v = cx.take(quantityTime(s.value, 'time'), s, 'value');
        if (v === 0) cx.error(s, 'time expects a positive duration like 60s', 'out-of-range', 'value');
        else if (v !== undefined) spec.time = v;
        break;
      }
      case 'expect': {
        const mode = choice(cx, s, EXPECT_MODES);
        if (mode !== undefined) spec.expect = mode;
        break;
      }
      case 'network': {
        const mode = choice(cx, s, NETWORKS);
        if (mode !== undefined) spec.network = mode;
        break;
      }
      case 'storage': {
        const mode = choice(cx, s, STORAGES);
        if (mode !== undefined) spec.storage = mode;
        break;
      }
      default: {
        const c = COUNTS[name];
        const v = c && wholeNumber(cx, s, 'value', s.value, c.what, c.min, c.max);
        if (c && v !== undefined) spec[c.field] = v;
      }
    }
  }
  if (faultsLine !== undefined && spec.faults !== undefined) warnAboutFaults(cx, faultsLine, spec.faults, spec.maxFaults);
  const source = rangeOf(block);
  return source !== undefined ? { ...spec, source } : spec;
}

/**
 * What the search would quietly not do: a kind capped above the faults a
 * run may have in all, and a restart or heal with nothing to end (random
 * search draws them only with a crash, a partition or a cut).
 */
function warnAboutFaults(cx: CompileContext, line: ExploreSetting, faults: readonly SpecAllowance[], maxFaults: number | undefined): void {
  const max = maxFaults ?? EXPLORE_DEFAULT_MAX_FAULTS;
  const listed = new Set(faults.filter((f) => f.max !== 0).map((f) => f.kind));
  for (const f of faults) {
    const node = line.faults.find((a) => a.kind === f.kind);
    if (node === undefined) continue;
    if (f.max !== undefined && f.max > max) {
      cx.warning(node, `${f.kind} ${f.max} is more than the ${max} faults a run may have in all (max faults${maxFaults === undefined ? `, default ${EXPLORE_DEFAULT_MAX_FAULTS}` : ''}): raise max faults or lower the count`, 'fault-count-above-max', 'count');
    }
    if (f.kind === 'restart' && f.max !== 0 && !listed.has('crash')) {
      cx.warning(node, 'restart is drawn only after a crash: add crash to the faults, or random search restarts nothing', 'fault-without-cause', 'kind');
    }
    if (f.kind === 'heal' && f.max !== 0 && !listed.has('partition') && !listed.has('cut')) {
      cx.warning(node, 'heal is drawn only after a partition or a cut: add one of them to the faults, or it never happens', 'fault-without-cause', 'kind');
    }
  }
}
