// `--metrics FILE`: the run's headline numbers in the Prometheus text exposition format, for
// node_exporter's textfile collector (written to a temporary file, then renamed into place).
import { renameSync, writeFileSync } from 'node:fs';
import type { Database } from '../db.js';
import type { Summary } from './summary.js';

/** Label values escape backslash, double quote and newline (exposition format 0.0.4). */
export function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

interface Gauge {
  name: string;
  help: string;
  samples: Array<{ labels?: Record<string, string>; value: number }>;
}

function render(gauges: Gauge[]): string {
  return gauges
    .filter((gauge) => gauge.samples.length > 0)
    .map((gauge) => {
      const lines = gauge.samples.map(({ labels, value }) => {
        const set = labels && Object.keys(labels).length > 0 ? `{${Object.entries(labels).map(([k, v]) => `${k}="${labelValue(v)}"`).join(',')}}` : '';
        return `${gauge.name}${set} ${Number.isFinite(value) ? value : 'NaN'}`;
      });
      return [`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`, ...lines].join('\n');
    })
    .join('\n') + '\n';
}

export async function metricsText(db: Database, summary: Summary): Promise<string> {
  const latency = await db.readQuery<{ feature: string; p95_ms: number }>('feature_latency');
  const { totals } = summary;
  return render([
    { name: 'tokenaudit_cost_usd', help: 'Billed cost in USD, by feature.', samples: summary.features.map((f) => ({ labels: { feature: f.feature }, value: f.costUsd })) },
    { name: 'tokenaudit_waste_cost_usd', help: 'Wasted cost in USD, by feature.', samples: summary.features.map((f) => ({ labels: { feature: f.feature }, value: f.wasteCostUsd })) },
    { name: 'tokenaudit_waste_ratio', help: 'Waste cost / cost, by feature.', samples: summary.features.map((f) => ({ labels: { feature: f.feature }, value: f.wasteRatio })) },
    { name: 'tokenaudit_requests', help: 'Requests, by feature.', samples: summary.features.map((f) => ({ labels: { feature: f.feature }, value: f.requests })) },
    { name: 'tokenaudit_latency_p95_ms', help: 'Logged latency p95 in ms, by feature.', samples: latency.map((l) => ({ labels: { feature: l.feature }, value: l.p95_ms })) },
    { name: 'tokenaudit_model_cost_usd', help: 'Billed cost in USD, by model.', samples: summary.models.map((m) => ({ labels: { model: m.model, provider: m.provider }, value: m.costUsd })) },
    { name: 'tokenaudit_input_tokens', help: 'Billed input tokens, by model.', samples: summary.models.map((m) => ({ labels: { model: m.model, provider: m.provider }, value: m.inputTokens })) },
    { name: 'tokenaudit_output_tokens', help: 'Billed output tokens, by model.', samples: summary.models.map((m) => ({ labels: { model: m.model, provider: m.provider }, value: m.outputTokens })) },
    { name: 'tokenaudit_total_cost_usd', help: 'Billed cost in USD, all requests.', samples: [{ value: totals.costUsd }] },
    { name: 'tokenaudit_total_waste_cost_usd', help: 'Wasted cost in USD, all requests.', samples: [{ value: totals.wasteCostUsd }] },
    { name: 'tokenaudit_total_waste_ratio', help: 'Waste cost / cost, all requests.', samples: [{ value: totals.wasteRatio }] },
    { name: 'tokenaudit_budget_breached', help: '1 when the budget was exceeded.', samples: summary.budgets.map((b) => ({ labels: { budget: b.name }, value: b.breached ? 1 : 0 })) },
  ]);
}

export async function writeMetrics(db: Database, summary: Summary, path: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, await metricsText(db, summary));
  renameSync(temporary, path);
}
