// Renders report.html from reports/templates/ with handlebars. Every log-derived string goes
// through handlebars' escaping ({{ }}); only our own CSS is inserted raw.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { repoRoot } from '../db.js';
import { columnChart } from './charts.js';
import type { Summary } from './summary.js';

/** USD with cents; more significant digits below a cent so small costs don't read as $0.00. */
export function formatUsd(value: number): string {
  if (value === 0) return '$0.00';
  const abs = Math.abs(value);
  if (abs < 0.01) return `${value < 0 ? '-' : ''}$${abs.toPrecision(2)}`;
  return `${value < 0 ? '-' : ''}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function formatTokens(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

function templates(): { main: HandlebarsTemplateDelegate; css: string } {
  const dir = join(repoRoot(), 'reports', 'templates');
  const engine = Handlebars.create();
  for (const file of readdirSync(join(dir, 'partials'))) {
    if (file.endsWith('.hbs')) engine.registerPartial(basename(file, '.hbs'), readFileSync(join(dir, 'partials', file), 'utf8'));
  }
  return { main: engine.compile(readFileSync(join(dir, 'report.hbs'), 'utf8'), { strict: true }), css: readFileSync(join(dir, 'report.css'), 'utf8') };
}

function formatMs(value: number | null): string {
  if (value === null) return 'n/a';
  return value >= 10_000 ? `${(value / 1000).toFixed(0)} s` : `${Math.round(value).toLocaleString('en-US')} ms`;
}

function bestSaving(summary: Summary): string {
  const best = summary.scenarios.filter((s) => s.name !== 'baseline').sort((a, b) => b.savingsUsd - a.savingsUsd)[0];
  return best ? `${formatUsd(best.savingsUsd)} (${best.name})` : 'no scenarios';
}

/** The numbers of the page, formatted for people. */
export function reportModel(summary: Summary): Record<string, unknown> {
  const { totals } = summary;
  return {
    period: 'All requests loaded',
    requests: formatTokens(totals.requests),
    costUsd: formatUsd(totals.costUsd),
    wasteCostUsd: formatUsd(totals.wasteCostUsd),
    wasteRatio: formatPercent(totals.wasteRatio),
    inputTokens: formatTokens(totals.inputTokens),
    outputTokens: formatTokens(totals.outputTokens),
    features: summary.features.map((feature) => ({
      feature: feature.feature,
      requests: formatTokens(feature.requests),
      costUsd: formatUsd(feature.costUsd),
      wasteCostUsd: formatUsd(feature.wasteCostUsd),
      wasteRatio: formatPercent(feature.wasteRatio),
    })),
    models: summary.models.map((model) => ({
      model: model.model,
      provider: model.provider,
      requests: formatTokens(model.requests),
      inputTokens: formatTokens(model.inputTokens),
      outputTokens: formatTokens(model.outputTokens),
      costUsd: formatUsd(model.costUsd),
      priced: model.priced,
      tokenDrift: model.tokenDrift === null ? 'n/a (no logged usage with text)' : formatPercent(model.tokenDrift),
    })),
    bestSaving: bestSaving(summary),
    budgets: summary.budgets.map((budget) => ({
      name: budget.name,
      limit: String(budget.limit),
      actual: budget.actual === null ? 'n/a' : String(Math.round(budget.actual * 1e6) / 1e6),
      breached: budget.breached,
      over: budget.requestsOver ? `${budget.requestsOver} requests over: ${(budget.requestIdsOver ?? []).join(', ')}` : '',
    })),
    breachedCount: summary.budgets.filter((budget) => budget.breached).length,
    scenarios: summary.scenarios.map((scenario) => ({
      name: scenario.name,
      costUsd: formatUsd(scenario.costUsd),
      savingsUsd: formatUsd(scenario.savingsUsd),
      savingsRatio: formatPercent(scenario.savingsRatio),
      p50: formatMs(scenario.latencyMs.p50),
      p95: formatMs(scenario.latencyMs.p95),
      responseCacheHits: formatTokens(scenario.responseCacheHits),
      routedRequests: formatTokens(scenario.routedRequests),
      truncatedOutputs: formatTokens(scenario.truncatedOutputs),
      blockedRequests: formatTokens(scenario.blockedRequests),
    })),
    days: summary.days.map((day) => ({
      date: day.date,
      requests: formatTokens(day.requests),
      costUsd: formatUsd(day.costUsd),
      wasteCostUsd: formatUsd(day.wasteCostUsd),
      wasteRatio: formatPercent(day.wasteRatio),
    })),
    daysChart: columnChart(summary.days.map((day) => ({ label: day.date.slice(5), value: day.costUsd })), '#3b6fb6', formatUsd),
    input: summary.input,
    quarantine: Object.entries(summary.input.quarantineByReason).map(([reason, count]) => ({ reason, count })),
    settings: JSON.stringify(summary.settings, null, 2),
  };
}

export function renderReport(summary: Summary): string {
  const { main, css } = templates();
  return main({ ...reportModel(summary), css });
}
