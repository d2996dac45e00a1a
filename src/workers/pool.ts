/**
 * A small pool of worker threads running one script (dist/search-worker.cjs)
 * for the searches that use every core: `explore` (batches of runs) and
 * `lincheck` (one key each). Node-only (worker_threads); the jobs
 * themselves are pure functions in jobs.ts, so a pool of size 1 runs them
 * in this thread instead and tests need no bundle.
 *
 * Jobs queue in submission order and each idle worker takes the next one;
 * `close()` terminates every worker at once (what "stop at the first
 * failure" needs: the others are abandoned mid-job).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { runJob, type Job, type JobResult } from './jobs.js';

interface Pending {
  readonly id: number;
  readonly job: Job;
  resolve(r: JobResult): void;
  reject(e: Error): void;
}

/** What a worker posts back. */
export type WorkerReply = { readonly id: number; readonly ok: true; readonly result: JobResult } | { readonly id: number; readonly ok: false; readonly error: string };

/** The number of cores to use by default: every core Node may use. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();
  private nextId = 0;
  private closed = false;

  /** `size` ≤ 1 runs jobs in this thread; otherwise up to `size` workers of `script`. */
  constructor(private readonly script: string, readonly size: number) {}

  run(job: Job): Promise<JobResult> {
    if (this.closed) return Promise.reject(new Error('WorkerPool: closed'));
    if (this.size <= 1) {
      // In this thread, but after the caller's synchronous code, like a worker.
      return new Promise((resolve, reject) => {
        setImmediate(() => {
          if (this.closed) return;
          try {
            resolve(runJob(job));
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
      });
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, resolve, reject });
      this.pump();
    });
  }

  /** Terminates every worker; pending jobs never settle. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    await Promise.all(this.all.map((w) => w.terminate()));
    this.all.length = 0;
    this.idle.length = 0;
    this.running.clear();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (worker === undefined) {
        if (this.all.length >= this.size) return;
        worker = this.spawn();
      }
      const p = this.queue.shift()!;
      this.running.set(worker, p);
      worker.postMessage({ id: p.id, job: p.job });
    }
  }

  private spawn(): Worker {
    const w = new Worker(this.script);
    this.all.push(w);
    w.on('message', (m: WorkerReply) => {
      const p = this.running.get(w);
      this.running.delete(w);
      this.idle.push(w);
      if (p !== undefined) {
        if (m.ok) p.resolve(m.result);
        else p.reject(new Error(m.error));
      }
      if (!this.closed) this.pump();
    });
    w.on('error', (e) => {
      const p = this.running.get(w);
      this.running.delete(w);
      const k = this.all.indexOf(w);
      if (k >= 0) this.all.splice(k, 1);
      p?.reject(e);
      if (!this.closed) this.pump();
    });
    return w;
  }
}
