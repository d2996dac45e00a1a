/** The trace module's public API: record, write, read and index traces. */
export * from './format.js';
export { TraceRecorder } from './recorder.js';
export { diffJson } from './diff.js';
export { toTraceDocument, stringifyTrace, GENERATOR } from './write.js';
export { readTrace, type ReadResult, MAX_EVENTS, MAX_NODES, MAX_TRACE_CHARS } from './read.js';
export { StateIndex, applyChanges, type NodeStatus } from './states.js';
