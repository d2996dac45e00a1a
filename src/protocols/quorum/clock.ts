/**
 * A node's own clock, for last-writer-wins timestamps.
 *
 * A protocol sees only virtual time (`ctx.now`), which is the same for every
 * node; real clocks disagree. Here a node's clock is driven by its own
 * timer: every `clock_tick` (a timer, so the scenario's `drift NODE RATE`
 * stretches it by RATE) the clock advances by one tick. Between ticks it
 * runs at the virtual rate, but never past the next tick, so it is monotone
 * and, over time, runs at 1/RATE of real speed: a node drifted by 2 reads
 * half the true elapsed time, and its writes carry ever older timestamps.
 * The per-node `clock_offset` starts a clock ahead of the others (skew).
 *
 * A crash loses the ticks since the clock was last written to disk; the
 * restarted node resumes from that reading plus the virtual time since
 * (counted at true speed: a hardware clock keeps running while the process
 * is down), and then ticks on with whatever drift the node has.
 */
export type LocalClock = {
  /** Ticks counted so far (including the offset's). */
  ticks: number;
  /** Virtual time (µs) of the last tick. */
  at: number;
  /** The last timestamp this node issued: each new one is higher. */
  last: number;
};

/** The clock of a node whose clock starts `offset` µs ahead. */
export function startClock(offset: number, tick: number, now: number): LocalClock {
  return { ticks: Math.floor(Math.max(0, offset) / tick), at: now, last: 0 };
}

/** One tick of the clock's timer. */
export function tickClock(c: LocalClock, now: number): LocalClock {
  return { ticks: c.ticks + 1, at: now, last: c.last };
}

/** The clock's reading at virtual time `now`, µs. */
export function readClock(c: LocalClock, tick: number, now: number): number {
  return c.ticks * tick + Math.min(Math.max(0, now - c.at), tick - 1);
}

/** A fresh timestamp at `now` (above every earlier one of this node) and the clock that remembers it. */
export function timestamp(c: LocalClock, tick: number, now: number): { ts: number; clock: LocalClock } {
  const ts = Math.max(readClock(c, tick, now), c.last + 1);
  return { ts, clock: { ticks: c.ticks, at: c.at, last: ts } };
}

/** The clock after a restart at `now` from the reading last written to disk. */
export function resumeClock(c: LocalClock, tick: number, now: number): LocalClock {
  const elapsed = Math.max(0, now - c.at);
  return { ticks: c.ticks + Math.floor(elapsed / tick), at: now, last: c.last };
}
