/**
 * A scenario's `expect` lines and its `run until` condition, as the run
 * goes and when it ends.
 *
 * - `always` / `violated` read the invariant violations recorded during the
 *   run (monitors.ts does the checking).
 * - `eventually C [within W] [after A] [as NAME]` opens a window at A (0)
 *   and closes it at A + W (the end): C is evaluated after each step that
 *   changed the world while the window is open, and when it first holds the
 *   line holds (and NAME records the time it took, in ms, as a metric).
 *   When the next step lies past a window's end, the world as it stood is
 *   evaluated once more before the window fails.
 * - `at end C` is evaluated over the final world, with the final metrics.
 * - `run until C` ends the run after the step in which C first holds.
 * - `measure NAME from EVENT|T until C [within W]` is a window of the same
 *   kind that opens at T, or when the simulator reports the first event
 *   matching EVENT (`start`), and records NAME (ms) when C first holds. It
 *   is not an expectation: it makes no check; a run in which C never holds
 *   records no value and says so in a note.
 */
import { describeCondition, evaluateCondition, formatTime, type MetricReader } from './conditions.js';
import type { World } from './protocol.js';
import type { Condition, Expectation, MeasureSpec, ScenarioSpec, SourceRange } from './spec.js';
import type { Vocabulary } from './vocabulary.js';
import type { RunEnd, TraceCheck } from '../trace/format.js';

type Eventually = Extract<Expectation, { kind: 'eventually' }>;

interface Window {
  readonly condition: Condition;
  /** The `expect eventually` line, or undefined for a measurement. */
  readonly exp?: Eventually;
  /** The `measure` line, or undefined for an expectation. */
  readonly measure?: MeasureSpec;
  /** The metric it records (`as NAME`, `measure NAME`), if any. */
  readonly metric?: string;
  from: number;
  deadline: number;
  /** `waiting`: a measurement whose start event has not happened yet. */
  status: 'waiting' | 'pending' | 'held' | 'failed';
  /** The event index at which it held. */
  event?: number;
  /** The world version last evaluated (a world that has not changed is not evaluated twice). */
  seen: number;
  /** Why it did not hold at the last evaluation. */
  last?: string;
}

/** What the expectations read from the run. */
export interface ExpectationHost {
  readonly world: World;
  readonly vocabulary: Vocabulary<any>;
  readonly metric: MetricReader;
  /** Events recorded so far. */
  eventCount(): number;
  /** The event at which each violated invariant was first violated, and the violation's text. */
  violation(name: string): { event: number; text: string } | undefined;
  /** Metrics written by measurements (`as NAME`, `measure NAME`). */
  readonly measures: Record<string, number>;
  /** Records a note in the trace (a measurement's start and result). */
  note(text: string, cause: number): void;
}

export class Expectations {
  private readonly windows: Window[] = [];
  /** Windows still pending: once none is, they are no longer looked at. */
  pending = 0;
  /** The `run until` condition held at the last step. */
  untilMet = false;

  /** Measurements by their index in `spec.measures`. */
  private readonly measurements: Window[] = [];

  constructor(private readonly spec: ScenarioSpec, private readonly host: ExpectationHost) {
    for (const exp of spec.expectations) {
      if (exp.kind !== 'eventually') continue;
      const from = exp.after ?? 0;
      this.windows.push({
        condition: exp.condition, exp, ...(exp.measure !== undefined ? { metric: exp.measure } : {}),
        from, deadline: exp.within === undefined ? Infinity : from + exp.within, status: 'pending', seen: -1,
      });
      this.pending++;
    }
    for (const m of spec.measures ?? []) {
      const w: Window = { condition: m.until, measure: m, metric: m.name, from: Infinity, deadline: Infinity, status: 'waiting', seen: -1 };
      this.windows.push(w);
      this.measurements.push(w);
      if ('at' in m.from) this.open(w, m.from.at);
    }
  }

  /** The start event of measurement `k` (index in `spec.measures`) happened at `now`, as event `event`; later ones are ignored. */
  start(k: number, now: number, event: number, what: string): void {
    const w = this.measurements[k];
    if (w === undefined || w.status !== 'waiting') return;
    this.open(w, now);
    this.host.note(`${w.metric}: measuring from ${what} at ${formatTime(now)} until ${describeCondition(w.condition)}`, event);
  }

  private open(w: Window, from: number): void {
    w.status = 'pending';
    w.from = from;
    const within = w.measure?.within;
    w.deadline = within === undefined ? Infinity : from + within;
    this.pending++;
  }

  /** After a step that changed the world (`version` counts such steps) at time `now`. */
  afterStep(now: number, version: number): void {
    if (this.pending > 0) {
      for (const w of this.windows) {
        if (w.status === 'pending' && now >= w.from && now <= w.deadline) this.evaluate(w, now, version);
      }
    }
    const until = this.spec.run.untilCondition;
    if (until !== undefined && this.holds(until)) this.untilMet = true;
  }

  /** Before the step at time `t` (the world still as the previous step left it, at `now`): close the windows that end before t. */
  closeBefore(t: number, now: number, version: number): void {
    for (const w of this.windows) {
      if (w.status !== 'pending' || w.deadline >= t) continue;
      if (now <= w.deadline && w.from <= w.deadline) this.evaluate(w, now, version);
      if (w.status === 'pending') this.fail(w);
    }
  }

  /** At the end of the run: evaluate the windows still open, fail the rest. */
  finish(endTime: number, version: number): void {
    for (const w of this.windows) {
      if (w.status !== 'pending') continue;
      if (w.from <= endTime) this.evaluate(w, endTime, version);
      if (w.status === 'pending') this.fail(w);
    }
    this.unstarted(endTime);
  }

  private holds(cond: Condition): boolean {
    return evaluateCondition(cond, this.host.world, this.host.vocabulary, this.host.metric).holds;
  }

  private evaluate(w: Window, now: number, version: number): void {
    if (w.seen === version) return;
    w.seen = version;
    const r = evaluateCondition(w.condition, this.host.world, this.host.vocabulary, this.host.metric);
    if (r.holds) {
      w.status = 'held';
      this.pending--;
      const n = this.host.eventCount();
      w.event = n > 0 ? n - 1 : undefined;
      if (w.metric === undefined) return;
      const ms = Math.max(0, now - w.from) / 1000;
      this.host.measures[w.metric] = ms;
      if (w.measure !== undefined) this.host.note(`${w.metric} = ${ms} ms: ${describeCondition(w.condition)} held at ${formatTime(now)}`, w.event ?? -1);
    } else w.last = r.error ?? `last value ${JSON.stringify(r.value ?? null)}`;
  }

  private fail(w: Window): void {
    w.status = 'failed';
    this.pending--;
    if (w.measure === undefined) return;
    const until = w.deadline === Infinity ? 'by the end of the run' : `within ${formatTime(w.measure.within ?? 0)}`;
    this.host.note(`${w.metric}: no value, ${describeCondition(w.condition)} did not hold ${until}${w.last !== undefined ? ` (${w.last})` : ''}`, -1);
  }

  /** At the end: a measurement whose start never happened says so. */
  private unstarted(endTime: number): void {
    for (const w of this.measurements) {
      if (w.status === 'waiting') this.host.note(`${w.metric}: no value, its start event did not happen by the end (${formatTime(endTime)})`, -1);
    }
  }

  /** The checks of every `expect` line the simulator evaluates (all but `linearizable`), in the scenario's order. */
  checks(end: RunEnd, metrics: Readonly<Record<string, number>>): TraceCheck[] {
    const checks: TraceCheck[] = [];
    const known = new Set(this.host.vocabulary.invariants.map((i) => i.name));
    const host = this.host;
    for (const exp of this.spec.expectations) {
      switch (exp.kind) {
        case 'always': {
          const name = `always ${exp.invariants.join(', ')}`;
          const unknown = exp.invariants.filter((n) => !known.has(n));
          const broken = exp.invariants.filter((n) => host.violation(n) !== undefined).sort((x, y) => host.violation(x)!.event - host.violation(y)!.event);
          if (unknown.length > 0) checks.push(withSource({ name, kind: 'always', status: 'failed', message: `unknown invariant ${unknown.join(', ')}` }, exp.source));
          else if (broken.length > 0) {
            const v = host.violation(broken[0])!;
            checks.push(withSource({ name, kind: 'always', status: 'failed', event: v.event, message: v.text }, exp.source));
          } else checks.push(withSource({ name, kind: 'always', status: 'held' }, exp.source));
          break;
        }
        case 'violated': {
          const name = `violated ${exp.invariant}`;
          const v = host.violation(exp.invariant);
          if (v !== undefined) checks.push(withSource({ name, kind: 'violated', status: 'held', event: v.event, message: v.text }, exp.source));
          else checks.push(withSource({ name, kind: 'violated', status: 'failed', message: known.has(exp.invariant) ? `${exp.invariant} was never violated` : `unknown invariant ${exp.invariant}` }, exp.source));
          break;
        }
        case 'eventually': {
          const w = this.windows.find((s) => s.exp === exp)!;
          const span = (exp.within !== undefined ? ` within ${formatTime(exp.within)}` : '') + (exp.after !== undefined ? ` after ${formatTime(exp.after)}` : '');
          const name = `eventually ${describeCondition(exp.condition)}${span}`;
          if (w.status === 'held') checks.push(withSource({ name, kind: 'eventually', status: 'held', ...(w.event === undefined ? {} : { event: w.event }) }, exp.source));
          else {
            const why = w.from > end.time
              ? `the run ended at ${formatTime(end.time)}, before the window opened at ${formatTime(w.from)}`
              : `it did not hold between ${formatTime(w.from)} and ${w.deadline === Infinity ? `the end (${formatTime(end.time)})` : formatTime(w.deadline)}`;
            checks.push(withSource({ name, kind: 'eventually', status: 'failed', message: `${why}${w.last !== undefined ? ` (${w.last})` : ''}` }, exp.source));
          }
          break;
        }
        case 'atEnd': {
          const name = `at end ${describeCondition(exp.condition)}`;
          const r = evaluateCondition(exp.condition, host.world, host.vocabulary, (n) => metrics[n]);
          if (r.holds) checks.push(withSource({ name, kind: 'atEnd', status: 'held' }, exp.source));
          else {
            const message = r.error ?? `${describeCondition({ query: exp.condition.query, args: exp.condition.args })} was ${JSON.stringify(r.value ?? null)} at the end (${formatTime(end.time)})`;
            checks.push(withSource({ name, kind: 'atEnd', status: 'failed', message }, exp.source));
          }
          break;
        }
        case 'linearizable':
          break; // checked over the whole history by the runner (src/runner/linearizable.ts)
      }
    }
    return checks;
  }
}

function withSource(c: TraceCheck, source: SourceRange | undefined): TraceCheck {
  return source === undefined ? c : { ...c, source };
}
