// Worker thread: parses batches of log lines into staging rows (see parse.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { BatchParser, ownBuffers, type ParseBatch, type ParseSettings, type StagedRows } from './parse.js';
import { serveTasks } from '../worker-pool.js';

const parser = new BatchParser(workerData as ParseSettings);
if (parentPort) serveTasks<ParseBatch, StagedRows>(parentPort, (batch) => parser.parse(batch), ownBuffers);
