// The what-if replay: every request in time order, streamed from DuckDB, through the baseline
// (no policy: what was billed) and each scenario's policies; one result row per request and
// scenario goes back into DuckDB, where the rollups are SQL. The policies run on a worker
// (scenario-replay.ts) while this thread reads the next requests and appends the results: the
// replay is two threads' work, not one's.
import { listValue } from '@duckdb/node-api';
import type { ScenarioFile } from '../config/scenarios.js';
import { assertRowsRead, countRows, querySql, type Database } from '../db.js';
import type { PriceOverride } from '../pricing/catalogue.js';
import { encodingForModel, type EncodingName } from '../tokenize/encodings.js';
import { countMissingTexts } from '../tokenize/stage.js';
import { siblingUrl, WorkerPool } from '../worker-pool.js';
import { fitLatency, type LatencyFit, type LatencySample } from './latency-model.js';
import { batchBuffers, forEachResult, type RequestBatch, type ResultBatch } from './request-batch.js';
import { ResultChunks } from './result-chunks.js';
import { readRequestBatch, replayRequestParams, replaySegmentParams, requestColumns, SegmentCursor } from './replay-rows.js';
import type { ReplaySettings } from './scenario-replay.js';

export interface SimulationOptions {
  overrides: PriceOverride[];
  encodings: Record<string, EncodingName>;
  threads: number;
  /** Called as requests are replayed (progress). */
  onRequests?: (count: number) => void;
}

export interface SimulationRun {
  requests: number;
  seconds: number;
  latencyModels: LatencyFit[];
}

const BASELINE = 'baseline';

async function fitLatencyModels(db: Database, models: string[]): Promise<Map<string, LatencyFit>> {
  const rows = await db.readQuery<{ model: string; input_tokens: string; output_tokens: string; latency_ms: number; ttft_ms: number | null }>('latency_samples');
  const samples = new Map<string, LatencySample[]>();
  for (const row of rows) {
    const list = samples.get(row.model) ?? [];
    list.push({ inputTokens: Number(row.input_tokens), outputTokens: Number(row.output_tokens), latencyMs: row.latency_ms, ttftMs: row.ttft_ms });
    samples.set(row.model, list);
  }
  return new Map(models.map((model) => [model, fitLatency(model, samples.get(model) ?? [])]));
}

export async function runSimulation(db: Database, file: ScenarioFile, options: SimulationOptions): Promise<SimulationRun> {
  const started = performance.now();
  await db.run('delete from scenario_results');
  const targets = file.scenarios.flatMap((s) => (s.routing ?? []).map((rule) => rule.to.model));
  for (const encoding of new Set(targets.map((model) => encodingForModel(model, options.encodings)))) {
    await countMissingTexts(db, 'texts_to_tokenize_in', { encoding }, options.threads);
  }
  const logged = (await db.readSql<{ model: string }>('select distinct model from requests order by model')).map((r) => r.model);
  const fits = await fitLatencyModels(db, [...new Set([...logged, ...targets])]);
  const settings: ReplaySettings = { scenarios: file.scenarios, overrides: options.overrides, encodings: options.encodings, fits: [...fits.values()] };
  const withQuestions = file.scenarios.some((s) => s.routing?.some((rule) => rule.when.userMessageMatches));
  const appendConnection = await db.connect();
  const segmentConnection = await db.connect();
  const countConnection = await db.connect();
  await db.runQuery('replay_order');
  await db.runQuery('replay_results');
  const appender = await appendConnection.createAppender('replay_results');
  const results = new ResultChunks(appender);
  let requests = 0;
  // The rows of the two streams, to check them against (assertRowsRead), counted on another
  // connection while the replay's JavaScript runs, by queries that give as many rows for less
  // work (queries/rows/: the same joins, without the columns' own joins and the sorts).
  let streamRows: Promise<[number, number]> | undefined;
  const countStreams = async (): Promise<[number, number]> => [
    await countRows(countConnection, querySql('rows/replay_requests')),
    await countRows(countConnection, querySql('rows/replay_segments')),
  ];
  // One worker: the policies keep state from one request to the next, in time order.
  const worker = new WorkerPool<RequestBatch, ResultBatch>(siblingUrl(import.meta.url, 'replay-worker'), 1, settings);
  const inFlight = new Set<Promise<void>>();
  try {
    // Requests and their segments come as two results sorted alike, read in step.
    const result = await db.connection.stream(querySql('replay_requests'), replayRequestParams(withQuestions));
    const segments = new SegmentCursor(await segmentConnection.stream(querySql('replay_segments'), replaySegmentParams()));
    const columns = requestColumns(result);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      if (!streamRows) {
        // (after the first chunk: the streams' sorts have had the threads to themselves)
        streamRows = countStreams();
        // awaited below; a failure of the replay before then must not leave it unhandled
        streamRows.catch(() => {});
      }
      const batch = await readRequestBatch(chunk, columns, segments);
      requests += batch.count;
      // The worker takes batches in order; while it replays one, this thread reads the next.
      const task = worker.run(batch, batchBuffers(batch)).then((replayed) => {
        forEachResult(replayed, (row) => results.add(row));
        options.onRequests?.(batch.count);
      });
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task)).catch(() => {});
      while (inFlight.size >= 2) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    results.flush();
    appender.closeSync();
    const [requestRows, segmentRows] = await (streamRows ?? countStreams());
    assertRowsRead('replay_requests', requestRows, requests);
    assertRowsRead('replay_segments', segmentRows, await segments.rowsRead());
  } finally {
    await Promise.allSettled(inFlight);
    await worker.close();
    // a count still running must finish before its connection closes
    await streamRows?.catch(() => {});
    countConnection.closeSync();
    segmentConnection.closeSync();
    appendConnection.closeSync();
  }
  await db.runQuery('replay_results_insert', { scenarios: listValue([BASELINE, ...file.scenarios.map((s) => s.name)]) });
  await db.run('drop table replay_results');
  await db.run('drop table replay_order');
  return { requests, seconds: (performance.now() - started) / 1000, latencyModels: [...fits.values()] };
}
