// Budgets from the audit config (`budgets:`): each limit checked against this run's numbers.
// A breach makes the audit exit 3 (the report is still written) and is listed in summary.json.
import type { AuditConfig } from '../config/audit.js';
import type { Database } from '../db.js';
import type { Summary } from './summary.js';

export interface BudgetCheck {
  name: string;
  limit: number;
  actual: number | null;
  breached: boolean;
  /** For maxInputTokensPerRequest: how many requests were over, and the first of them. */
  requestsOver?: number;
  requestIdsOver?: string[];
}

interface FeatureStats {
  requests: string;
  cost_usd: number;
  p95_latency_ms: number | null;
  max_input_tokens: string | null;
  requests_over: string;
  request_ids_over: string[] | null;
}

const check = (name: string, limit: number, actual: number | null): BudgetCheck => ({ name, limit, actual, breached: actual !== null && actual > limit });

export async function checkBudgets(db: Database, budgets: AuditConfig['budgets'], summary: Summary): Promise<BudgetCheck[]> {
  const checks: BudgetCheck[] = [];
  if (budgets.maxCostUsd !== undefined) checks.push(check('maxCostUsd', budgets.maxCostUsd, summary.totals.costUsd));
  if (budgets.maxWasteRatio !== undefined) checks.push(check('maxWasteRatio', budgets.maxWasteRatio, summary.totals.wasteRatio));
  for (const [feature, limits] of Object.entries(budgets.features)) {
    const [stats] = await db.readQuery<FeatureStats>('budget_features', { feature, max_input_tokens: limits.maxInputTokensPerRequest ?? Number.MAX_SAFE_INTEGER });
    const prefix = `features.${feature}`;
    if (limits.maxCostUsd !== undefined) checks.push(check(`${prefix}.maxCostUsd`, limits.maxCostUsd, stats?.cost_usd ?? 0));
    if (limits.maxP95LatencyMs !== undefined) checks.push(check(`${prefix}.maxP95LatencyMs`, limits.maxP95LatencyMs, stats?.p95_latency_ms ?? null));
    if (limits.maxInputTokensPerRequest !== undefined) {
      const over = Number(stats?.requests_over ?? 0);
      checks.push({
        ...check(`${prefix}.maxInputTokensPerRequest`, limits.maxInputTokensPerRequest, stats?.max_input_tokens === null || stats === undefined ? null : Number(stats.max_input_tokens)),
        requestsOver: over,
        requestIdsOver: stats?.request_ids_over ?? [],
      });
    }
  }
  return checks;
}
