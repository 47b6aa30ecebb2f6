// Token counting on every core: the texts of a call are cut into batches, and each batch goes
// to the next idle worker thread (one per core by default; p-limit keeps one batch per worker).
import { availableParallelism } from 'node:os';
import { siblingUrl, WorkerPool } from '../worker-pool.js';
import type { EncodingName } from './encodings.js';
import type { CountTask } from './worker.js';

/**
 * Texts as UTF-8, one after another in one buffer, each ending at its offset in `ends`: what a
 * worker is sent (the buffer moves to it, and it decodes the texts there).
 */
export class Utf8Texts {
  private readonly ends: number[] = [];
  private utf8: Uint8Array;
  bytes = 0;
  constructor(capacity = 64 * 1024) {
    this.utf8 = new Uint8Array(capacity);
  }

  get count(): number {
    return this.ends.length;
  }

  /** Copies the text in now (`utf8` may be DuckDB's own memory, which its next chunk reuses). */
  add(utf8: Uint8Array): void {
    if (this.bytes + utf8.byteLength > this.utf8.byteLength) {
      const grown = new Uint8Array(Math.max(this.utf8.byteLength * 2, this.bytes + utf8.byteLength));
      grown.set(this.utf8.subarray(0, this.bytes));
      this.utf8 = grown;
    }
    this.utf8.set(utf8, this.bytes);
    this.bytes += utf8.byteLength;
    this.ends.push(this.bytes);
  }

  /** Forgets the texts added after the first `count`. */
  truncate(count: number): void {
    this.ends.length = count;
    this.bytes = count === 0 ? 0 : this.ends[count - 1]!;
  }

  /** The texts' bytes and where each ends; nothing is to be added after. */
  parts(): { utf8: Uint8Array; ends: Uint32Array } {
    return { utf8: this.utf8.subarray(0, this.bytes), ends: Uint32Array.from(this.ends) };
  }

  /** The task for a worker; the texts are not to be added to after. */
  task(encoding: EncodingName): CountTask {
    return { encoding, ...this.parts() };
  }
}

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
    const counts = await Promise.all(
      cutBatches(texts, this.size).map((batch) => {
        const utf8 = new Utf8Texts();
        for (const text of batch) utf8.add(Buffer.from(text, 'utf8'));
        return this.countUtf8(encoding, utf8);
      }),
    );
    return counts.flat();
  }

  /** The token count of each of the texts, as one task whose bytes move to the worker, not copied. */
  async countUtf8(encoding: EncodingName, texts: Utf8Texts): Promise<number[]> {
    this.texts += texts.count;
    this.bytes += texts.bytes;
    const task = texts.task(encoding);
    return this.workers.run(task, [task.utf8.buffer as ArrayBuffer, task.ends.buffer as ArrayBuffer]);
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
