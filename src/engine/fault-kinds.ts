/**
 * The kinds of fault `protocol-playground explore` draws at random
 * (src/explore/faults.ts draws them), named once here because three layers
 * need the list: the scenario language's `explore { faults … }` block
 * (src/dsl validates it, and hover and completion show the docs below), the
 * ScenarioSpec it compiles to, and the explorer itself. Each fault is
 * something a scenario can say, so a counterexample is a plain scenario
 * file; the doc says which line it becomes.
 */
export const FAULT_KINDS = ['crash', 'restart', 'partition', 'cut', 'heal', 'loss', 'duplicate', 'delay', 'pause', 'drift'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One line per kind: what a run gets, as the counterexample writes it (docs/explore.md has the table). */
export const FAULT_KIND_DOCS: Readonly<Record<FaultKind, string>> = {
  crash: 'A node crashes at a random time (`at T crash NODE`, or `crash leader` by role), or right after it receives or sends a message (`on next deliver TYPE to NODE { crash NODE }`). Drawn twice as often as any other kind.',
  restart: 'A crashed node comes back from its durable state (`at T restart NODE`). Drawn only with a crash, a few ms to seconds after it: list `crash` too.',
  partition: 'A random minority is cut off from the rest (`at T partition {…} | {…}`).',
  cut: 'A one-way cut between two nodes (`at T cut A -> B`).',
  heal: 'Every partition and cut ends (`at T heal`). Drawn only after a partition or cut: list one of them too.',
  loss: 'Messages are lost at random for the whole run: the network\'s `loss`, 1–20 %.',
  duplicate: 'Messages are delivered twice at random for the whole run: the network\'s `duplicate`, 1–10 %. For `--exhaustive`: a message delivered and kept in flight.',
  delay: 'Messages sent in a window are held back (`on send [from A] [to B] during T1..T2 { delay D }`).',
  pause: 'A node freezes and later resumes (`at T pause NODE`, then `resume NODE`). The resume counts under `pause` too: `pause 2` is one pause and its resume.',
  drift: 'A node\'s timers run slow or fast (`at T drift NODE RATE`, 0.25 to 4).',
};
