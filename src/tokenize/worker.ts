// Worker thread: counts the tokens of batches of texts in one encoding.
import { parentPort } from 'node:worker_threads';
import { serveTasks } from '../worker-pool.js';
import { countTokens } from './count.js';
import type { EncodingName } from './encodings.js';

export interface CountTask {
  encoding: EncodingName;
  texts: string[];
}

if (parentPort) serveTasks<CountTask, number[]>(parentPort, ({ encoding, texts }) => texts.map((text) => countTokens(text, encoding)));
