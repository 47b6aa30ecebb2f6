// The what-if replay: every request in time order, streamed from DuckDB, through the baseline
// (no policy: what was billed) and each scenario's policies; one result row per request and
// scenario goes back into DuckDB, where the rollups are SQL.
import { listValue } from '@duckdb/node-api';
import type { ScenarioFile } from '../config/scenarios.js';
import { assertRowsRead, countRows, querySql, type Database } from '../db.js';
import { priceUsage, resolveModelRates, type ModelRates, type PriceOverride } from '../pricing/catalogue.js';
import { encodingForModel, type EncodingName } from '../tokenize/encodings.js';
import { countMissingTexts } from '../tokenize/stage.js';
import { estimateLatencyMs, fitLatency, type LatencyFit, type LatencySample } from './latency-model.js';
import { policiesOf } from './policies/index.js';
import { ResultChunks, type ResultValues } from './result-chunks.js';
import { replayRequestParams, replaySegmentParams, requestColumns, SegmentCursor, visitReplayRequests } from './replay-rows.js';
import { simulateFrom, type Policy, type ReplayContext, type ReplayRequest, type SimulatedRequest } from './types.js';

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

class Rates {
  private readonly cache = new Map<string, ModelRates>();
  constructor(private readonly overrides: PriceOverride[]) {}
  of(provider: string, model: string, tsMs: number): ModelRates {
    const day = Math.floor(tsMs / 86_400_000);
    let rates = this.cache.get(`${provider}|${model}|${day}`);
    if (rates?.bucketUnit === 'minute') rates = this.cache.get(`${provider}|${model}|m${Math.floor(tsMs / 60_000)}`);
    if (!rates) {
      rates = resolveModelRates({ provider, model, at: new Date(tsMs) }, this.overrides);
      const key = rates.bucketUnit === 'minute' ? `${provider}|${model}|m${Math.floor(tsMs / 60_000)}` : `${provider}|${model}|${day}`;
      this.cache.set(key, rates);
      if (rates.bucketUnit === 'minute') this.cache.set(`${provider}|${model}|${day}`, rates);
    }
    return rates;
  }
}

/** Prices a simulated request; Anthropic-style cache tokens as multiples of the input rate. */
function priceSimulated(rates: ModelRates, simulated: SimulatedRequest): number {
  const usage = {
    inputTokens: simulated.inputTokens,
    outputTokens: simulated.outputTokens,
    cachedInputTokens: simulated.cachedInputTokens,
    cacheWriteTokens: simulated.cacheWriteTokens,
    cacheWrite1hTokens: simulated.cacheWrite1hTokens,
  };
  if (!simulated.cacheMultipliers) return priceUsage(rates, usage, simulated.batch).totalUsd;
  const { read, write } = simulated.cacheMultipliers;
  const tier = [...rates.tiers].reverse().find((t) => usage.inputTokens > t.tierStart);
  if (!rates.priced || !tier) return 0;
  const viaMultipliers = { ...tier, cachedInputPerMTok: tier.inputPerMTok * read, cacheWritePerMTok: tier.inputPerMTok * write, cacheWrite1hPerMTok: tier.inputPerMTok * write };
  return priceUsage({ ...rates, tiers: [viaMultipliers] }, usage, simulated.batch).totalUsd;
}

interface ResultRow {
  /** The scenario's position: 0 for the baseline, then the scenario file's order. */
  scenarioNo: number;
  request: ReplayRequest;
  simulated: SimulatedRequest;
  latencyMs: number | null;
}

/** A result row by number (result-chunks.ts): blocked and cache-hit requests send no tokens. */
function resultValues(scenarioNo: number, { request, simulated, latencyMs }: ResultRow): ResultValues {
  const sent = !simulated.blocked && !simulated.responseCacheHit;
  return {
    scenarioNo,
    seq: request.seq,
    routedModel: simulated.model === request.model ? null : simulated.model,
    inputTokens: sent ? simulated.inputTokens : 0,
    outputTokens: sent ? simulated.outputTokens : 0,
    cachedTokens: sent ? simulated.cachedInputTokens : 0,
    costUsd: simulated.costUsd,
    latencyMs,
    responseCacheHit: simulated.responseCacheHit,
    routed: simulated.routed,
    truncated: simulated.truncated,
    blocked: simulated.blocked,
  };
}

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
  const rates = new Rates(options.overrides);
  const targets = file.scenarios.flatMap((s) => (s.routing ?? []).map((rule) => rule.to.model));
  for (const encoding of new Set(targets.map((model) => encodingForModel(model, options.encodings)))) {
    await countMissingTexts(db, 'texts_to_tokenize_in', { encoding }, options.threads);
  }
  const logged = (await db.readSql<{ model: string }>('select distinct model from requests')).map((r) => r.model);
  const fits = await fitLatencyModels(db, [...new Set([...logged, ...targets])]);
  const context: ReplayContext = {
    price: (request, simulated) => priceSimulated(rates.of(simulated.provider, simulated.model, request.tsMs), simulated),
    recountFor: (request, model) => {
      const from = request.promptTokens[encodingForModel(request.model, options.encodings)];
      const to = request.promptTokens[encodingForModel(model, options.encodings)];
      return from && to ? request.inputTokens * (to / from) : request.inputTokens;
    },
  };
  const scenarios = file.scenarios.map((s) => ({ name: s.name, policies: policiesOf(s) }));
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
  // connection while the replay's JavaScript runs and DuckDB's threads have little to do.
  let streamRows: Promise<[number, number]> | undefined;
  const countStreams = async (): Promise<[number, number]> => [
    await countRows(countConnection, querySql('replay_requests'), replayRequestParams(withQuestions)),
    await countRows(countConnection, querySql('replay_segments'), replaySegmentParams()),
  ];
  try {
    // Requests and their segments come as two results sorted alike, read in step.
    const result = await db.connection.stream(querySql('replay_requests'), replayRequestParams(withQuestions));
    const segments = new SegmentCursor(await segmentConnection.stream(querySql('replay_segments'), replaySegmentParams()));
    const columns = requestColumns(result);
    const emit = (row: ResultRow) => results.add(resultValues(row.scenarioNo, row));
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      if (!streamRows) {
        // (after the first chunk: the streams' sorts have had the threads to themselves)
        streamRows = countStreams();
        // awaited below; a failure of the replay before then must not leave it unhandled
        streamRows.catch(() => {});
      }
      await visitReplayRequests(chunk, columns, segments, (request) => replayOne(request, scenarios, context, fits, emit));
      requests += chunk.rowCount;
      options.onRequests?.(chunk.rowCount);
    }
    results.flush();
    appender.closeSync();
    const [requestRows, segmentRows] = await (streamRows ?? countStreams());
    assertRowsRead('replay_requests', requestRows, requests);
    assertRowsRead('replay_segments', segmentRows, await segments.rowsRead());
  } finally {
    // a count still running must finish before its connection closes
    await streamRows?.catch(() => {});
    countConnection.closeSync();
    segmentConnection.closeSync();
    appendConnection.closeSync();
  }
  await db.runQuery('replay_results_insert', { scenarios: listValue([BASELINE, ...scenarios.map((s) => s.name)]) });
  await db.run('drop table replay_results');
  await db.run('drop table replay_order');
  return { requests, seconds: (performance.now() - started) / 1000, latencyModels: [...fits.values()] };
}

function replayOne(
  request: ReplayRequest,
  scenarios: Array<{ name: string; policies: Policy[] }>,
  context: ReplayContext,
  fits: Map<string, LatencyFit>,
  emit: (row: ResultRow) => void,
): void {
  const fitOf = (model: string) => fits.get(model) ?? fitLatency(model, []);
  const baselineLatency = request.latencyMs ?? estimateLatencyMs(fitOf(request.model), request.inputTokens, request.outputTokens);
  emit({ scenarioNo: 0, request, simulated: simulateFrom(request), latencyMs: baselineLatency });
  for (const [index, scenario] of scenarios.entries()) {
    const simulated = simulateFrom(request);
    for (const policy of scenario.policies) {
      policy.apply(request, simulated, context);
      if (simulated.responseCacheHit && simulated.blocked) break;
    }
    if (simulated.blocked || simulated.responseCacheHit) simulated.costUsd = 0;
    else if (simulated.changed) simulated.costUsd = context.price(request, simulated);
    emit({ scenarioNo: index + 1, request, simulated, latencyMs: scenarioLatency(request, simulated, baselineLatency, fitOf) });
  }
}

/** A known latency (cache hit, batch) wins; else the baseline moved by the model's estimate. */
function scenarioLatency(request: ReplayRequest, simulated: SimulatedRequest, baselineMs: number, fitOf: (model: string) => LatencyFit): number | null {
  if (simulated.blocked) return null;
  if (simulated.latencyOverrideMs !== null) return simulated.latencyOverrideMs;
  if (!simulated.changed) return baselineMs;
  const after = estimateLatencyMs(fitOf(simulated.model), simulated.inputTokens, simulated.outputTokens);
  if (simulated.model !== request.model) return after;
  const before = estimateLatencyMs(fitOf(request.model), request.inputTokens, request.outputTokens);
  return Math.max(0, baselineMs + after - before);
}
