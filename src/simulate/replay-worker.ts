// Worker thread: replays batches of requests, in time order, through the baseline and every
// scenario's policies (which keep their state from batch to batch: the replay has one worker).
// The main thread reads the batches out of DuckDB and appends the results it sends back.
import { parentPort, workerData } from 'node:worker_threads';
import { serveTasks } from '../worker-pool.js';
import { batchRequests, encodeResults, type RequestBatch, type ResultBatch } from './request-batch.js';
import type { ResultValues } from './result-chunks.js';
import { resultValues, ScenarioReplay, type ReplaySettings } from './scenario-replay.js';

// Made with the first batch, so that a scenario the policies cannot be built from fails that
// task with its message rather than the worker as it starts.
let replay: ScenarioReplay | undefined;

if (parentPort) {
  serveTasks<RequestBatch, ResultBatch>(parentPort, (batch) => {
    replay ??= new ScenarioReplay(workerData as ReplaySettings);
    const rows: ResultValues[] = [];
    for (const request of batchRequests(batch)) replay.replay(request, (row) => rows.push(resultValues(row.scenarioNo, row)));
    return encodeResults(rows);
  });
}
