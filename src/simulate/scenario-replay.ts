// One request through the baseline and each scenario's policies: what the replay worker runs
// for every request, in time order (the policies keep state from one request to the next).
import type { Scenario } from '../config/scenarios.js';
import { priceUsage, resolveModelRates, tierFor, type ModelRates, type PriceOverride } from '../pricing/catalogue.js';
import { encodingForModel, type EncodingName } from '../tokenize/encodings.js';
import { estimateLatencyMs, fitLatency, type LatencyFit } from './latency-model.js';
import { policiesOf } from './policies/index.js';
import type { ResultValues } from './result-chunks.js';
import { simulateFrom, type Policy, type ReplayContext, type ReplayRequest, type SimulatedRequest } from './types.js';

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
  const tier = tierFor(rates, usage.inputTokens);
  if (!rates.priced || !tier) return 0;
  const viaMultipliers = { ...tier, cachedInputPerMTok: tier.inputPerMTok * read, cacheWritePerMTok: tier.inputPerMTok * write, cacheWrite1hPerMTok: tier.inputPerMTok * write };
  return priceUsage({ ...rates, tiers: [viaMultipliers] }, usage, simulated.batch).totalUsd;
}

export interface ResultRow {
  /** The scenario's position: 0 for the baseline, then the scenario file's order. */
  scenarioNo: number;
  request: ReplayRequest;
  simulated: SimulatedRequest;
  latencyMs: number | null;
}

/** A result row by number (result-chunks.ts): blocked and cache-hit requests send no tokens. */
export function resultValues(scenarioNo: number, { request, simulated, latencyMs }: ResultRow): ResultValues {
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

/** What the replay needs besides the requests: the scenarios, the prices and the latency fits. */
export interface ReplaySettings {
  scenarios: Scenario[];
  overrides: PriceOverride[];
  encodings: Record<string, EncodingName>;
  fits: LatencyFit[];
}

/** The scenarios with their policies (and their state), and how to price and recount. */
export class ScenarioReplay {
  private readonly scenarios: Array<{ name: string; policies: Policy[] }>;
  private readonly context: ReplayContext;
  private readonly fits: Map<string, LatencyFit>;

  constructor(settings: ReplaySettings) {
    const rates = new Rates(settings.overrides);
    this.scenarios = settings.scenarios.map((s) => ({ name: s.name, policies: policiesOf(s) }));
    this.fits = new Map(settings.fits.map((fit) => [fit.model, fit]));
    // a model's encoding, worked out once per model rather than once per routed request
    const encodings = new Map<string, EncodingName>();
    const encodingOf = (model: string) => {
      let encoding = encodings.get(model);
      if (encoding === undefined) encodings.set(model, (encoding = encodingForModel(model, settings.encodings)));
      return encoding;
    };
    this.context = {
      price: (request, simulated) => priceSimulated(rates.of(simulated.provider, simulated.model, request.tsMs), simulated),
      recountFor: (request, model) => {
        const from = request.promptTokens[encodingOf(request.model)];
        const to = request.promptTokens[encodingOf(model)];
        return from && to ? request.inputTokens * (to / from) : request.inputTokens;
      },
    };
  }

  /** Replays the next request (in time order) through the baseline and every scenario. */
  replay(request: ReplayRequest, emit: (row: ResultRow) => void): void {
    replayOne(request, this.scenarios, this.context, this.fits, emit);
  }
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
