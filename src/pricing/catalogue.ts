// Prices from @pydantic/genai-prices (its bundled data: nothing is fetched) and the user's
// overrides, resolved once per (provider, model, time bucket) into flat per-tier rate rows
// that SQL applies to every request. `priceUsage` is the same arithmetic, for tests.
import { createRequire } from 'node:module';
import type { ModelPrice, Provider, TieredPrices } from '@pydantic/genai-prices';

type GenaiPrices = typeof import('@pydantic/genai-prices');
const require = createRequire(import.meta.url);
let catalogue: GenaiPrices | undefined;

/**
 * genai-prices, loaded on first use: every parse worker imports this module (for a model's
 * provider), and most logs name the provider, so most workers never need the catalogue, which
 * takes a tenth of a second to load.
 */
function genaiPrices(): GenaiPrices {
  return (catalogue ??= require('@pydantic/genai-prices') as GenaiPrices);
}

/** Batch API requests cost half of every rate (OpenAI and Anthropic batch pricing); the
 * catalogue has no batch prices of its own. */
export const BATCH_DISCOUNT = 0.5;

export interface PriceOverride {
  model: string;
  provider?: string;
  inputPerMTok: number;
  outputPerMTok: number;
  /** Defaults to the input price (no cache discount assumed). */
  cachedInputPerMTok?: number;
  /** Defaults to the input price. */
  cacheWritePerMTok?: number;
  /** Defaults to the 5-minute cache write price. */
  cacheWrite1hPerMTok?: number;
}

export interface TierRates {
  /** The tier applies when the request's total input tokens are greater than this (−1: base). */
  tierStart: number;
  inputPerMTok: number;
  cachedInputPerMTok: number;
  cacheWritePerMTok: number;
  cacheWrite1hPerMTok: number;
  outputPerMTok: number;
}

export interface ModelRates {
  priced: boolean;
  source: 'genai-prices' | 'override' | 'none';
  catalogueProvider: string | null;
  catalogueModel: string | null;
  /** Rates may change within a day only for time-of-day prices. */
  bucketUnit: 'day' | 'minute';
  tiers: TierRates[];
}

export interface BilledUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
}

/** The provider genai-prices matches for a model name; 'unknown' when none does. */
export function inferProvider(model: string): string {
  const provider = genaiPrices().findProvider({ modelId: model.toLowerCase().trim() });
  return provider?.id ?? 'unknown';
}

const UNPRICED: ModelRates = { priced: false, source: 'none', catalogueProvider: null, catalogueModel: null, bucketUnit: 'day', tiers: [] };

type PriceValue = number | TieredPrices | undefined;

/** The price of one kind at a tier threshold: the highest tier whose start is below it. */
function priceAt(value: PriceValue, threshold: number): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  let price = value.base;
  for (const tier of [...value.tiers].sort((a, b) => a.start - b.start)) if (threshold > tier.start) price = tier.price;
  return price;
}

function tierStarts(price: ModelPrice): number[] {
  const starts = new Set<number>([-1]);
  for (const value of Object.values(price)) {
    if (value && typeof value === 'object') for (const tier of value.tiers) starts.add(tier.start);
  }
  return [...starts].sort((a, b) => a - b);
}

/** Flattens a catalogue ModelPrice into one row per tier, every price filled in. */
export function tiersOf(price: ModelPrice): TierRates[] {
  return tierStarts(price).map((tierStart) => {
    // A request falls in this tier when input > tierStart: probe just above the start.
    const probe = tierStart + 1;
    const input = priceAt(price.input_mtok, probe) ?? 0;
    const cacheWrite = priceAt(price.cache_write_mtok, probe) ?? input;
    return {
      tierStart,
      inputPerMTok: input,
      cachedInputPerMTok: priceAt(price.cache_read_mtok, probe) ?? input,
      cacheWritePerMTok: cacheWrite,
      cacheWrite1hPerMTok: priceAt(price.cache_write_1h_mtok, probe) ?? cacheWrite,
      outputPerMTok: priceAt(price.output_mtok, probe) ?? 0,
    };
  });
}

function overrideFor(key: { provider: string; model: string }, overrides: PriceOverride[]): PriceOverride | undefined {
  const model = key.model.toLowerCase();
  return overrides.find((o) => o.model.toLowerCase() === model && (o.provider === undefined || o.provider === key.provider));
}

function hasTimeOfDayPrices(prices: unknown): boolean {
  return Array.isArray(prices) && prices.some((p: { constraint?: { type?: string; start_time?: string } }) => p.constraint?.type === 'time_of_date' || p.constraint?.start_time !== undefined);
}

/** Rates of one model at one instant: an override first, else the catalogue, else unpriced. */
export function resolveModelRates(key: { provider: string; model: string; at: Date }, overrides: PriceOverride[]): ModelRates {
  const override = overrideFor(key, overrides);
  if (override) {
    const cacheWrite = override.cacheWritePerMTok ?? override.inputPerMTok;
    return {
      priced: true,
      source: 'override',
      catalogueProvider: override.provider ?? key.provider,
      catalogueModel: override.model,
      bucketUnit: 'day',
      tiers: [
        {
          tierStart: -1,
          inputPerMTok: override.inputPerMTok,
          cachedInputPerMTok: override.cachedInputPerMTok ?? override.inputPerMTok,
          cacheWritePerMTok: cacheWrite,
          cacheWrite1hPerMTok: override.cacheWrite1hPerMTok ?? cacheWrite,
          outputPerMTok: override.outputPerMTok,
        },
      ],
    };
  }
  const providerId = key.provider && key.provider !== 'unknown' ? key.provider : undefined;
  const found = genaiPrices().calcPrice({ input_tokens: 0, output_tokens: 0 }, key.model, { providerId, timestamp: key.at });
  if (!found) return UNPRICED;
  return {
    priced: true,
    source: 'genai-prices',
    catalogueProvider: (found.provider as Provider).id,
    catalogueModel: found.model.id,
    bucketUnit: hasTimeOfDayPrices(found.model.prices) ? 'minute' : 'day',
    tiers: tiersOf(found.model_price),
  };
}

export interface UsageCost {
  uncachedInputUsd: number;
  cachedInputUsd: number;
  cacheWriteUsd: number;
  outputUsd: number;
  totalUsd: number;
}

/** The tier a request with this many input tokens falls in: the last whose start is below them. */
export function tierFor(rates: ModelRates, inputTokens: number): TierRates | undefined {
  for (let i = rates.tiers.length - 1; i >= 0; i--) if (inputTokens > rates.tiers[i]!.tierStart) return rates.tiers[i];
  return undefined;
}

/** The cost of one request: the tier is chosen by its total input tokens. */
export function priceUsage(rates: ModelRates, usage: BilledUsage, batch: boolean): UsageCost {
  const tier = tierFor(rates, usage.inputTokens);
  if (!rates.priced || !tier) return { uncachedInputUsd: 0, cachedInputUsd: 0, cacheWriteUsd: 0, outputUsd: 0, totalUsd: 0 };
  const scale = (batch ? BATCH_DISCOUNT : 1) / 1e6;
  const uncached = usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens;
  const write5m = usage.cacheWriteTokens - usage.cacheWrite1hTokens;
  const uncachedInputUsd = uncached * tier.inputPerMTok * scale;
  const cachedInputUsd = usage.cachedInputTokens * tier.cachedInputPerMTok * scale;
  const cacheWriteUsd = (write5m * tier.cacheWritePerMTok + usage.cacheWrite1hTokens * tier.cacheWrite1hPerMTok) * scale;
  const outputUsd = usage.outputTokens * tier.outputPerMTok * scale;
  return { uncachedInputUsd, cachedInputUsd, cacheWriteUsd, outputUsd, totalUsd: uncachedInputUsd + cachedInputUsd + cacheWriteUsd + outputUsd };
}
