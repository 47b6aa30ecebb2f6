// A fixed pool of worker threads (one per core by default) that runs tasks of one kind;
// p-limit keeps at most one task per worker in flight so the caller's stream applies backpressure.
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import pLimit, { type LimitFunction } from 'p-limit';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** Starts a worker from a module URL; from TypeScript sources (tests), through tsx's loader. */
export function startWorker(url: URL, workerData?: unknown, resourceLimits?: ResourceLimits): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData, resourceLimits });
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits });
}

/** The URL of a sibling worker module, `.ts` under vitest/tsx and `.js` once built. */
export function siblingUrl(moduleUrl: string, baseName: string): URL {
  const extension = moduleUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${baseName}${extension}`, moduleUrl);
}

export class WorkerPool<Task, Result> {
  private readonly idle: Worker[] = [];
  private readonly pending = new Map<Worker, Pending>();
  private readonly limit: LimitFunction;
  private closed = false;

  constructor(
    private readonly url: URL,
    size = availableParallelism(),
    private readonly workerData?: unknown,
    /** V8 heap limits per worker: a lower old-generation limit collects sooner, so RSS stays lower. */
    private readonly resourceLimits?: ResourceLimits,
  ) {
    this.limit = pLimit(size);
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }

  private spawn(): Worker {
    const worker = startWorker(this.url, this.workerData, this.resourceLimits);
    worker.on('message', (message: { result?: unknown; error?: string }) => this.settle(worker, message));
    worker.on('error', (error) => this.fail(worker, error));
    return worker;
  }

  get size(): number {
    return this.idle.length + this.pending.size;
  }

  /** Runs one task on the next free worker. */
  run(task: Task, transfer: ArrayBuffer[] = []): Promise<Result> {
    return this.limit(
      () =>
        new Promise<Result>((resolve, reject) => {
          if (this.closed) return reject(new Error('worker pool is closed'));
          const worker = this.idle.pop();
          if (!worker) return reject(new Error('no idle worker (pool bookkeeping error)'));
          this.pending.set(worker, { resolve: resolve as (value: unknown) => void, reject });
          worker.postMessage(task, transfer);
        }),
    );
  }

  private settle(worker: Worker, message: { result?: unknown; error?: string }): void {
    const pending = this.pending.get(worker);
    this.pending.delete(worker);
    this.idle.push(worker);
    if (!pending) return;
    if (message.error !== undefined) pending.reject(new Error(message.error));
    else pending.resolve(message.result);
  }

  /** A crashed worker fails its task and is replaced, so the pool keeps its size. */
  private fail(worker: Worker, error: Error): void {
    const pending = this.pending.get(worker);
    this.pending.delete(worker);
    const idleAt = this.idle.indexOf(worker);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    if (!this.closed) this.idle.push(this.spawn());
    pending?.reject(error);
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.idle, ...this.pending.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/**
 * The worker side: answers each task message with `{result}` or `{error}`. `transfer` names the
 * buffers of a result that move to the main thread instead of being copied.
 */
export function serveTasks<Task, Result>(
  port: { on(event: 'message', listener: (task: Task) => void): void; postMessage(message: unknown, transfer?: ArrayBuffer[]): void },
  handle: (task: Task) => Result | Promise<Result>,
  transfer: (result: Result) => ArrayBuffer[] = () => [],
): void {
  port.on('message', async (task) => {
    try {
      const result = await handle(task);
      port.postMessage({ result }, transfer(result));
    } catch (error) {
      port.postMessage({ error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
    }
  });
}
