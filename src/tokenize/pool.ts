// Token counting on every core: batches of distinct texts go to a pool of worker threads.
import { availableParallelism } from 'node:os';
import { siblingUrl, WorkerPool } from '../worker-pool.js';
import type { EncodingName } from './encodings.js';
import type { CountTask } from './worker.js';

export class TokenizerPool {
  private texts = 0;
  private bytes = 0;

  private constructor(private readonly pool: WorkerPool<CountTask, number[]>) {}

  static create(options: { threads?: number } = {}): TokenizerPool {
    return new TokenizerPool(new WorkerPool(siblingUrl(import.meta.url, 'worker'), options.threads ?? availableParallelism()));
  }

  get size(): number {
    return this.pool.size;
  }

  /** Every text handed to the pool (callers dedupe first: this is how a test sees it). */
  get textsTokenized(): number {
    return this.texts;
  }

  get bytesTokenized(): number {
    return this.bytes;
  }

  count(encoding: EncodingName, texts: string[]): Promise<number[]> {
    this.texts += texts.length;
    for (const text of texts) this.bytes += Buffer.byteLength(text, 'utf8');
    return this.pool.run({ encoding, texts });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
