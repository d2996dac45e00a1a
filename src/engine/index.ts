/** The engine's public API: run a ScenarioSpec against a Protocol. */
export { simulate, type SimulateOptions, type SimulationResult } from './simulate.js';
export { Rng, fnv1a32 } from './rng.js';
export { EventQueue } from './queue.js';
export { Network, sampleDelay } from './network.js';
export { evaluateCondition, describeCondition, formatTime, jsonEqual, truthy } from './conditions.js';
export type * from './protocol.js';
export type * from './vocabulary.js';
export * from './spec.js';
