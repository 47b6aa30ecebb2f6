// Token counting on every core: the texts of a call are cut into batches, and each batch goes
// to the next idle worker thread (one per core by default; p-limit keeps one batch per worker).
import { availableParallelism } from 'node:os';
import { siblingUrl, WorkerPool } from '../worker-pool.js';
import type { EncodingName } from './encodings.js';
import type { CountTask } from './worker.js';

/** Batches big enough to amortize a message, small enough that one call spreads over all workers. */
const MIN_BATCH_CHARS = 64 * 1024;
const MAX_BATCH_CHARS = 1024 * 1024;

export class TokenizerPool {
  private texts = 0;
  private bytes = 0;

  private constructor(private readonly workers: WorkerPool<CountTask, number[]>) {}

  static create(options: { threads?: number } = {}): TokenizerPool {
    const threads = Math.max(1, options.threads ?? availableParallelism());
    return new TokenizerPool(new WorkerPool(siblingUrl(import.meta.url, 'worker'), threads));
  }

  /** Worker threads in the pool. */
  get size(): number {
    return this.workers.size;
  }

  /** Every text handed to the pool, repeats included: callers dedupe, and tests check they did. */
  get textsTokenized(): number {
    return this.texts;
  }

  /** UTF-8 bytes of those texts. */
  get bytesTokenized(): number {
    return this.bytes;
  }

  /** The token count of each text, in order. */
  async count(encoding: EncodingName, texts: string[]): Promise<number[]> {
    this.texts += texts.length;
    for (const text of texts) this.bytes += Buffer.byteLength(text, 'utf8');
    const batches = cutBatches(texts, this.size);
    const counts = await Promise.all(batches.map((batch) => this.workers.run({ encoding, texts: batch })));
    return counts.flat();
  }

  /**
   * The token count of each text of a batch given as UTF-8, the texts one after another, each
   * ending at its `ends` offset: one task, its bytes moved to the worker, not copied.
   */
  async countUtf8(encoding: EncodingName, utf8: Uint8Array, ends: Uint32Array): Promise<number[]> {
    this.texts += ends.length;
    this.bytes += utf8.byteLength;
    return this.workers.run({ encoding, utf8, ends }, [utf8.buffer as ArrayBuffer, ends.buffer as ArrayBuffer]);
  }

  close(): Promise<void> {
    return this.workers.close();
  }
}

/** Consecutive runs of texts of about equal size, at least one per worker when there is enough. */
export function cutBatches(texts: string[], workers: number): string[][] {
  const totalChars = texts.reduce((sum, text) => sum + text.length, 0);
  const batchChars = Math.min(MAX_BATCH_CHARS, Math.max(MIN_BATCH_CHARS, Math.ceil(totalChars / workers)));
  const batches: string[][] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const text of texts) {
    if (batch.length > 0 && chars + text.length > batchChars) {
      batches.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(text);
    chars += text.length;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
