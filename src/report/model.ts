// The numbers of the report page, formatted for people, from summary.json and a few report-only
// queries (latency percentiles, the most wasteful requests with their evidence).
import type { AuditConfig } from '../config/audit.js';
import type { Database } from '../db.js';
import { columnChart, stackedBars, type Series } from './charts.js';
import { formatMs, formatPercent, formatTokens, formatUsd } from './format.js';
import { excerpt } from './redact.js';
import type { LatencyFit } from '../simulate/latency-model.js';
import { WASTE_CATEGORIES, type Summary, type WasteCategory } from './summary.js';

export const CATEGORY_SERIES: Record<WasteCategory, Series> = {
  duplicate_request: { name: 'duplicate request', color: '#8c5cb8' },
  failed_request: { name: 'failed request', color: '#c2413a' },
  repeated_system_prompt: { name: 'repeated system prompt', color: '#3b6fb6' },
  history_overflow: { name: 'history overflow', color: '#e08a2c' },
  unused_retrieval: { name: 'unused retrieval', color: '#3a9a6a' },
  verbose_output: { name: 'verbose output', color: '#b8a22c' },
};

const EXCERPT_CHARS = 160;

interface LatencyRow {
  by_model: boolean;
  name: string;
  sample_size: string;
  p50: number;
  p95: number;
  p99: number;
}

interface TopWasteRow {
  feature: string;
  request_id: string;
  category: WasteCategory;
  tokens: number;
  cost_usd: number;
  text: string | null;
}

function headline(summary: Summary) {
  const { totals } = summary;
  const best = summary.scenarios.filter((s) => s.name !== 'baseline').sort((a, b) => b.savingsUsd - a.savingsUsd)[0];
  return {
    requests: formatTokens(totals.requests),
    costUsd: formatUsd(totals.costUsd),
    wasteCostUsd: formatUsd(totals.wasteCostUsd),
    wasteRatio: formatPercent(totals.wasteRatio),
    inputTokens: formatTokens(totals.inputTokens),
    outputTokens: formatTokens(totals.outputTokens),
    bestSaving: best ? `${formatUsd(best.savingsUsd)} (${best.name})` : 'no scenarios',
    period: summary.days.length > 0 ? `${summary.days[0]!.date} to ${summary.days[summary.days.length - 1]!.date} (UTC)` : 'no requests',
  };
}

function featureSection(summary: Summary) {
  const series = WASTE_CATEGORIES.map((c) => CATEGORY_SERIES[c]);
  return {
    features: summary.features.map((f) => ({
      feature: f.feature,
      requests: formatTokens(f.requests),
      costUsd: formatUsd(f.costUsd),
      wasteCostUsd: formatUsd(f.wasteCostUsd),
      wasteRatio: formatPercent(f.wasteRatio),
      categories: WASTE_CATEGORIES.map((c) => formatUsd(f.wasteByCategory[c].costUsd)),
    })),
    featureChart: stackedBars(
      summary.features.map((f) => ({ label: f.feature, values: WASTE_CATEGORIES.map((c) => f.wasteByCategory[c].costUsd) })),
      series,
      formatUsd,
    ),
    categoryNames: series.map((s) => s.name),
    categories: WASTE_CATEGORIES.map((c) => ({
      name: CATEGORY_SERIES[c].name,
      color: CATEGORY_SERIES[c].color,
      tokens: formatTokens(summary.wasteByCategory[c].tokens),
      costUsd: formatUsd(summary.wasteByCategory[c].costUsd),
      requests: formatTokens(summary.wasteByCategory[c].requests),
    })),
  };
}

function scenarioSection(summary: Summary) {
  return {
    scenarios: summary.scenarios.map((s) => ({
      name: s.name,
      costUsd: formatUsd(s.costUsd),
      savingsUsd: formatUsd(s.savingsUsd),
      savingsRatio: formatPercent(s.savingsRatio),
      p50: formatMs(s.latencyMs.p50),
      p95: formatMs(s.latencyMs.p95),
      p99: formatMs(s.latencyMs.p99),
      responseCacheHits: formatTokens(s.responseCacheHits),
      routedRequests: formatTokens(s.routedRequests),
      truncatedOutputs: formatTokens(s.truncatedOutputs),
      blockedRequests: formatTokens(s.blockedRequests),
    })),
    latencyModels: ((summary.settings.latencyModels ?? []) as LatencyFit[]).map((fit) => ({
      model: fit.model,
      source: fit.source === 'fit' ? 'fitted on these logs' : 'defaults file',
      samples: formatTokens(fit.samples),
      formula: `${Math.round(fit.interceptMs)} ms + ${fit.perInputTokenMs.toFixed(3)} ms × input + ${fit.perOutputTokenMs.toFixed(2)} ms × output`,
      error: fit.meanAbsoluteErrorMs === null ? 'n/a' : formatMs(fit.meanAbsoluteErrorMs),
    })),
    scenarioChart: stackedBars(
      summary.scenarios.map((s) => ({ label: s.name, values: [s.costUsd] })),
      [{ name: 'cost', color: '#3b6fb6' }],
      formatUsd,
    ),
  };
}

async function latencySection(db: Database) {
  const rows = await db.readQuery<LatencyRow>('report/latency');
  const format = (r: LatencyRow) => ({ name: r.name, samples: formatTokens(Number(r.sample_size)), p50: formatMs(r.p50), p95: formatMs(r.p95), p99: formatMs(r.p99) });
  return { latencyByFeature: rows.filter((r) => !r.by_model).map(format), latencyByModel: rows.filter((r) => r.by_model).map(format) };
}

async function patternSection(db: Database, report: AuditConfig['report']) {
  if (report.excerpts === 0) return { patterns: [], excerptsShown: false };
  const rows = await db.readQuery<TopWasteRow>('report/top_waste', { per_feature: report.excerpts });
  return {
    excerptsShown: true,
    patterns: rows.map((r) => ({
      feature: r.feature,
      requestId: r.request_id,
      category: CATEGORY_SERIES[r.category].name,
      tokens: formatTokens(r.tokens),
      costUsd: formatUsd(r.cost_usd),
      excerpt: r.text === null ? '' : excerpt(r.text, EXCERPT_CHARS, report.redact),
    })),
  };
}

function qualitySection(summary: Summary) {
  return {
    input: summary.input,
    rows: {
      read: formatTokens(summary.input.rowsRead),
      loaded: formatTokens(summary.input.rowsLoaded),
      alreadyLoaded: formatTokens(summary.input.rowsAlreadyLoaded),
      quarantined: formatTokens(summary.input.rowsQuarantined),
    },
    warnings: summary.warnings,
    quarantine: Object.entries(summary.input.quarantineByReason).map(([reason, count]) => ({ reason, count: formatTokens(count) })),
    formats: Object.entries(summary.input.rowsByFormat).map(([format, count]) => ({ format, count: formatTokens(count) })),
    recordsMerged: formatTokens(summary.input.recordsMerged),
    recordsSkipped: formatTokens(summary.input.recordsSkipped),
    unpriced: summary.models.filter((m) => !m.priced).map((m) => ({ model: m.model, requests: formatTokens(m.requests), inputTokens: formatTokens(m.inputTokens), outputTokens: formatTokens(m.outputTokens) })),
    models: summary.models.map((m) => ({
      model: m.model,
      provider: m.provider,
      requests: formatTokens(m.requests),
      inputTokens: formatTokens(m.inputTokens),
      outputTokens: formatTokens(m.outputTokens),
      costUsd: formatUsd(m.costUsd),
      priced: m.priced,
      tokenDrift: m.tokenDrift === null ? 'n/a (no logged usage with text)' : formatPercent(m.tokenDrift),
      driftWarning: m.tokenDrift !== null && Math.abs(m.tokenDrift) > 0.05,
    })),
  };
}

function budgetSection(summary: Summary) {
  return {
    budgets: summary.budgets.map((b) => ({
      name: b.name,
      limit: String(b.limit),
      actual: b.actual === null ? 'n/a' : String(Math.round(b.actual * 1e6) / 1e6),
      breached: b.breached,
      over: b.requestsOver ? `${b.requestsOver} requests over: ${(b.requestIdsOver ?? []).join(', ')}` : '',
    })),
    breachedCount: summary.budgets.filter((b) => b.breached).length,
  };
}

function daySection(summary: Summary) {
  return {
    days: summary.days.map((d) => ({ date: d.date, requests: formatTokens(d.requests), costUsd: formatUsd(d.costUsd), wasteCostUsd: formatUsd(d.wasteCostUsd), wasteRatio: formatPercent(d.wasteRatio) })),
    daysChart: columnChart(summary.days.map((d) => ({ label: d.date.slice(5), value: d.costUsd })), '#3b6fb6', formatUsd),
  };
}

export async function buildReportModel(db: Database, summary: Summary, report: AuditConfig['report']): Promise<Record<string, unknown>> {
  return {
    ...headline(summary),
    ...budgetSection(summary),
    ...featureSection(summary),
    ...scenarioSection(summary),
    ...daySection(summary),
    ...(await latencySection(db)),
    ...(await patternSection(db, report)),
    ...qualitySection(summary),
    // The fitted latency models have their own table (scenarios section).
    settings: JSON.stringify({ ...summary.settings, latencyModels: undefined }, null, 2),
  };
}
