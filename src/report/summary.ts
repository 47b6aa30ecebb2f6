// Builds summary.json (DESIGN.md "Command line and outputs"): the numbers users' scripts read.
// Field names are a contract: extend, never rename; bump SCHEMA_VERSION on change.
import type { Database } from '../db.js';
import type { LoadStats } from '../ingest/load.js';
import type { BudgetCheck } from './budgets.js';

export const SCHEMA_VERSION = 1;

export const WASTE_CATEGORIES = [
  'duplicate_request',
  'failed_request',
  'repeated_system_prompt',
  'history_overflow',
  'unused_retrieval',
  'verbose_output',
] as const;
export type WasteCategory = (typeof WASTE_CATEGORIES)[number];

export interface CategoryWaste {
  tokens: number;
  costUsd: number;
}

export interface FeatureSummary {
  feature: string;
  requests: number;
  costUsd: number;
  wasteTokens: number;
  wasteCostUsd: number;
  wasteRatio: number;
  wasteByCategory: Record<WasteCategory, CategoryWaste>;
}

export interface ModelSummary {
  model: string;
  provider: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  priced: boolean;
  tokenDrift: number | null;
}

export interface ScenarioSummary {
  name: string;
  costUsd: number;
  savingsUsd: number;
  savingsRatio: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  responseCacheHits: number;
  prefixCachedTokens: number;
  routedRequests: number;
  truncatedOutputs: number;
  blockedRequests: number;
  inputTokens: number;
  outputTokens: number;
  /** Users whose requests the caps blocked, most blocked first. */
  blockedUsers: Array<{ userId: string; blockedRequests: number }>;
  features: Array<{ feature: string; costUsd: number; savingsUsd: number; blockedRequests: number }>;
}

export interface Summary {
  schemaVersion: number;
  input: LoadStats;
  totals: {
    requests: number;
    inputTokens: number;
    outputTokens: number;
    cachedInputTokens: number;
    costUsd: number;
    wasteTokens: number;
    wasteCostUsd: number;
    wasteRatio: number;
  };
  wasteByCategory: Record<WasteCategory, CategoryWaste & { requests: number }>;
  features: FeatureSummary[];
  models: ModelSummary[];
  scenarios: ScenarioSummary[];
  /** The trend by UTC day. */
  days: Array<{ date: string; requests: number; costUsd: number; wasteCostUsd: number; wasteRatio: number }>;
  /** Every budget of the config with its actual value; any breached → exit 3. */
  budgets: BudgetCheck[];
  /** Wall-clock seconds per stage. */
  timings: Record<string, number>;
  settings: Record<string, unknown>;
  /** What the reader should know about these numbers, a sentence each (e.g. a kept database read under other settings). */
  warnings: string[];
}

type Numeric = string | number | null;
const num = (value: Numeric | undefined): number => (value === null || value === undefined ? 0 : Number(value));

function emptyCategories<T>(make: () => T): Record<WasteCategory, T> {
  return Object.fromEntries(WASTE_CATEGORIES.map((category) => [category, make()])) as Record<WasteCategory, T>;
}

interface CategoryRow {
  overall: boolean;
  feature: string | null;
  category: WasteCategory;
  tokens: Numeric;
  cost_usd: Numeric;
  requests: Numeric;
}

interface ScenarioRow {
  scenario: string;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  prefix_cached_tokens: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  response_cache_hits: Numeric;
  routed_requests: Numeric;
  truncated_outputs: Numeric;
  blocked_requests: Numeric;
  savings_usd: number;
  savings_ratio: number;
}

/** summary.json `scenarios[]`: the baseline first, then the file's scenarios in order. */
export async function buildScenarioSummaries(db: Database, order: string[]): Promise<ScenarioSummary[]> {
  if (order.length === 0) return [];
  const rows = await db.readQuery<ScenarioRow>('summary/scenarios');
  const features = await db.readQuery<{ scenario: string; feature: string; cost_usd: number; savings_usd: number; blocked_requests: Numeric }>('summary/scenario_features');
  const blocked = await db.readQuery<{ scenario: string; user_id: string; blocked_requests: Numeric }>('summary/blocked_users');
  const byName = new Map(rows.map((row) => [row.scenario, row]));
  return ['baseline', ...order].flatMap((name): ScenarioSummary[] => {
    const row = byName.get(name);
    if (!row) return [];
    return [
      {
        name,
        costUsd: num(row.cost_usd),
        savingsUsd: num(row.savings_usd),
        savingsRatio: num(row.savings_ratio),
        latencyMs: { p50: row.p50, p95: row.p95, p99: row.p99 },
        responseCacheHits: num(row.response_cache_hits),
        prefixCachedTokens: num(row.prefix_cached_tokens),
        routedRequests: num(row.routed_requests),
        truncatedOutputs: num(row.truncated_outputs),
        blockedRequests: num(row.blocked_requests),
        inputTokens: num(row.input_tokens),
        outputTokens: num(row.output_tokens),
        blockedUsers: blocked.filter((b) => b.scenario === name).map((b) => ({ userId: b.user_id, blockedRequests: num(b.blocked_requests) })),
        features: features
          .filter((f) => f.scenario === name)
          .map((f) => ({ feature: f.feature, costUsd: num(f.cost_usd), savingsUsd: num(f.savings_usd), blockedRequests: num(f.blocked_requests) })),
      },
    ];
  });
}

export async function buildSummary(db: Database, input: LoadStats, settings: Record<string, unknown>, scenarioOrder: string[] = []): Promise<Summary> {
  const [totals] = await db.readQuery<Record<string, Numeric>>('summary/totals');
  const categoryRows = await db.readQuery<CategoryRow>('summary/waste_by_category');
  const wasteByCategory = emptyCategories(() => ({ tokens: 0, costUsd: 0, requests: 0 }));
  for (const row of categoryRows.filter((r) => r.overall)) {
    wasteByCategory[row.category] = { tokens: num(row.tokens), costUsd: num(row.cost_usd), requests: num(row.requests) };
  }
  const featureRows = await db.readQuery<Record<string, Numeric> & { feature: string }>('summary/features');
  const features = featureRows.map((row): FeatureSummary => {
    const byCategory = emptyCategories(() => ({ tokens: 0, costUsd: 0 }));
    for (const r of categoryRows.filter((c) => !c.overall && c.feature === row.feature)) {
      byCategory[r.category] = { tokens: num(r.tokens), costUsd: num(r.cost_usd) };
    }
    return {
      feature: row.feature,
      requests: num(row.requests),
      costUsd: num(row.cost_usd),
      wasteTokens: num(row.waste_tokens),
      wasteCostUsd: num(row.waste_cost_usd),
      wasteRatio: num(row.waste_ratio),
      wasteByCategory: byCategory,
    };
  });
  const modelRows = await db.readQuery<Record<string, Numeric | boolean> & { model: string; provider: string }>('summary/models');
  const models = modelRows.map((row): ModelSummary => ({
    model: row.model,
    provider: row.provider,
    requests: num(row.requests as Numeric),
    inputTokens: num(row.input_tokens as Numeric),
    outputTokens: num(row.output_tokens as Numeric),
    costUsd: num(row.cost_usd as Numeric),
    priced: row.priced === true,
    tokenDrift: row.token_drift === null ? null : num(row.token_drift as Numeric),
  }));
  const costUsd = num(totals?.cost_usd);
  const wasteCostUsd = num(totals?.waste_cost_usd);
  return {
    schemaVersion: SCHEMA_VERSION,
    input,
    totals: {
      requests: num(totals?.requests),
      inputTokens: num(totals?.input_tokens),
      outputTokens: num(totals?.output_tokens),
      cachedInputTokens: num(totals?.cached_input_tokens),
      costUsd,
      wasteTokens: num(totals?.waste_tokens),
      wasteCostUsd,
      wasteRatio: costUsd > 0 ? wasteCostUsd / costUsd : 0,
    },
    wasteByCategory,
    features,
    models,
    scenarios: await buildScenarioSummaries(db, scenarioOrder),
    days: (await db.readQuery<{ date: string; requests: Numeric; cost_usd: number; waste_cost_usd: number; waste_ratio: number }>('summary/days')).map((day) => ({
      date: day.date,
      requests: num(day.requests),
      costUsd: num(day.cost_usd),
      wasteCostUsd: num(day.waste_cost_usd),
      wasteRatio: num(day.waste_ratio),
    })),
    budgets: [],
    timings: {},
    settings,
    warnings: [],
  };
}
