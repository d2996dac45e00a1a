/**
 * The words of a scenario's `explore { … }` block, documented once for
 * completion and hover (docs/explore.md says the same at length). Each line
 * of the block is a flag of `protocol-playground explore`, so each doc names
 * its flag; the fault kinds' docs are the engine's (FAULT_KIND_DOCS).
 */
import { FAULT_KIND_DOCS, FAULT_KINDS, type FaultKind } from '../engine/fault-kinds.js';

/** `[how it is written, what it does]` per line of the block, keyed by its words (`max faults`). */
export const EXPLORE_SETTING_DOCS: Readonly<Record<string, readonly [detail: string, doc: string]>> = {
  faults: ['faults KIND [N], …', 'The kinds of fault random search draws, each at most N times in one run (without N: up to `max faults`). Kinds: ' + FAULT_KINDS.join(', ') + '. Without this line, every kind. As `--faults crash=2,partition`.'],
  'max faults': ['max faults N', 'Faults in one run, all kinds together (default 4); each run draws 1 to N. As `--max-faults`.'],
  runs: ['runs N', 'Runs in all, each with a fresh seed and fault schedule (default 1000). With `time`, whichever ends first. As `--runs`; `--runs` or `--time` on the command line replaces both lines.'],
  time: ['time T', 'Wall-clock time for the search (`30s`, `2min`); with `runs`, whichever ends first. As `--time`; for `--exhaustive`, its time bound too.'],
  seed: ['seed S', 'The search seed (default 1), not the scenario\'s: run k of seed S is the same run on every machine. As `--seed`.'],
  expect: ['expect safety|all', 'Which expect lines count as a violation: `safety` (default) the `always`, `violated` and `linearizable` lines and every invariant; `all` the `eventually` and `at end` lines too. As `--expect`.'],
  depth: ['depth D', '`--exhaustive` only: the longest path the search explores (default 20). As `--depth`.'],
  'max states': ['max states N', '`--exhaustive` only: stop after this many unique states (default 2 000 000). As `--max-states`.'],
  timers: ['timers N', '`--exhaustive` only: the most timer firings along a path (default: no bound). As `--timers`.'],
  network: ['network async|lockstep', '`--exhaustive` only: `async` (default) tries every order of messages and timers — every race, paths of about 12 steps; `lockstep` delivers messages in send order and fires timers only when nothing is in flight — paths of 30 steps (Raft\'s Figure 8). As `--network`.'],
  storage: ['storage instant|latency', '`--exhaustive` only: `latency` makes each write complete at a step of its own, so a crash can land inside one; `instant` makes writes durable at once. Default: `latency` when the scenario\'s storage has a latency. As `--storage`.'],
};

/** The choices of the block's `expect`, `network` and `storage` lines. */
export const EXPLORE_CHOICES: Readonly<Record<'expect' | 'network' | 'storage', Readonly<Record<string, string>>>> = {
  get expect() {
    return EXPECT_MODE_DOCS;
  },
  network: {
    async: 'Any message in flight may be delivered next, or never; a timer may fire at any moment: every order, so races show. The default.',
    lockstep: 'Messages in the order they were sent; timers and restarts only when nothing is in flight; a crash loses its node\'s messages. Few choices per step, so deep paths.',
  },
  storage: {
    instant: 'A write is durable when its handler returns.',
    latency: 'Each write completes at a step of its own, in issue order; a crash loses the writes in flight and the sends waiting for them.',
  },
};

/** The block itself, for the `explore` keyword. */
export const EXPLORE_BLOCK_DOC: readonly [detail: string, doc: string] = [
  'explore { faults … max faults N runs N time T … }',
  'The budget of `protocol-playground explore` and of the *Explore* CodeLens for this scenario: which faults, how many per run, how many runs or how long. A flag on the command line overrides its line; the CodeLens\'s settings fill in what the block leaves out.',
];

export const EXPECT_MODE_DOCS: Readonly<Record<string, string>> = {
  safety: 'Violations are failed `expect always`, `expect violated` (read as `always`) and `expect linearizable` lines, and any invariant of the protocol. The default.',
  all: 'The `eventually` and `at end` lines count too: for scenarios whose faults are bounded by design (faults break liveness on purpose).',
};

/** A fault kind's doc, for completion and hover. */
export function faultKindDoc(kind: string): string | undefined {
  return (FAULT_KINDS as readonly string[]).includes(kind) ? FAULT_KIND_DOCS[kind as FaultKind] : undefined;
}

/** Hover text for a word of the block: `max` and `faults` of `max faults` are one setting. */
export function exploreSettingHover(setting: string): string | undefined {
  const doc = EXPLORE_SETTING_DOCS[setting];
  return doc ? `\`${doc[0]}\`\n\n${doc[1]}` : undefined;
}
