// Worker thread: parses batches of log lines into staging rows (see parse.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { BatchParser, ownBuffers, type ParseBatch, type ParsedBatch, type ParseSettings } from './parse.js';
import { serveTasks } from '../worker-pool.js';

const parser = new BatchParser(workerData as ParseSettings);
// (the parse reads the batch's bytes into strings of its own: nothing here reads them afterwards)
const parseBatch = (batch: ParseBatch): ParsedBatch => ({ ...parser.parse(batch), spent: batch.bytes?.buffer as ArrayBuffer | undefined });
if (parentPort) serveTasks<ParseBatch, ParsedBatch>(parentPort, parseBatch, ownBuffers);
