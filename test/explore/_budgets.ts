/** The exhaustive search budgets the explore tests share. */
import type { ExhaustiveBudget } from '../../src/explore/exhaustive.js';

/** The async search: every order, shallow. */
export const EXHAUSTIVE: ExhaustiveBudget = { crash: 1, restart: 1, duplicate: 0, depth: 12, maxStates: 150_000 };
/**
 * The lockstep search: deep paths made of a few faults. Raft's Figure 8
 * (bug_commit_old_terms) is 18 steps, two crashes, a restart and three
 * elections (~65 000 states); Paxos's reused ballot 16 steps; the early
 * commit decision needs storage latency (the scenario's 20 ms write) and a
 * crash inside it.
 */
export const LOCKSTEP: ExhaustiveBudget = { network: 'lockstep', crash: 2, restart: 2, duplicate: 0, timers: 4, depth: 30, maxStates: 150_000 };
