/**
 * The worker thread of WorkerPool (bundled alone as dist/search-worker.cjs):
 * runs each job it is sent with jobs.ts and posts the result back.
 */
import { parentPort } from 'node:worker_threads';
import { runJob, type Job } from './jobs.js';
import type { WorkerReply } from './pool.js';

parentPort?.on('message', (m: { id: number; job: Job }) => {
  let reply: WorkerReply;
  try {
    reply = { id: m.id, ok: true, result: runJob(m.job) };
  } catch (e) {
    reply = { id: m.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort?.postMessage(reply);
});
