// Worker thread: counts the tokens of batches of texts in one encoding. They come as UTF-8 bytes
// (the token stage's straight from DuckDB), which it counts as they are (count.ts).
import { parentPort } from 'node:worker_threads';
import { serveTasks } from '../worker-pool.js';
import { countUtf8 } from './count.js';
import type { EncodingName } from './encodings.js';

/** Texts to count in one encoding, as UTF-8 one after another, each ending at its `ends` (pool.ts Utf8Texts). */
export interface CountTask {
  encoding: EncodingName;
  utf8: Uint8Array;
  ends: Uint32Array;
}

function count(task: CountTask): number[] {
  const bytes = Buffer.from(task.utf8.buffer, task.utf8.byteOffset, task.utf8.byteLength);
  const counts: number[] = [];
  let start = 0;
  for (const end of task.ends) {
    counts.push(countUtf8(bytes.subarray(start, end), task.encoding));
    start = end;
  }
  return counts;
}

if (parentPort) serveTasks<CountTask, number[]>(parentPort, count);
