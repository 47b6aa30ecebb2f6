// `tokenaudit simulate <inputs...> --scenarios FILE`: the audit's inputs, then the scenario table.
import type { AuditRun } from '../audit.js';
import { formatPercent, formatUsd } from '../report/render.js';
import { auditCommand, type AuditFlags } from './audit.js';
import { UsageError } from './exit.js';

function latency(value: number | null): string {
  if (value === null) return '–';
  return value >= 10_000 ? `${(value / 1000).toFixed(0)} s` : `${Math.round(value).toLocaleString('en-US')} ms`;
}

/** A plain-text table: scenario, cost, savings, savings %, latency, cache hits, routed/truncated/blocked. */
export function scenarioTable(run: AuditRun): string {
  const header = ['scenario', 'cost', 'savings', 'savings %', 'p50', 'p95', 'cache hits', 'routed', 'truncated', 'blocked'];
  const rows = run.summary.scenarios.map((s) => [
    s.name,
    formatUsd(s.costUsd),
    formatUsd(s.savingsUsd),
    formatPercent(s.savingsRatio),
    latency(s.latencyMs.p50),
    latency(s.latencyMs.p95),
    String(s.responseCacheHits),
    String(s.routedRequests),
    String(s.truncatedOutputs),
    String(s.blockedRequests),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

export async function simulateCommand(inputs: string[], flags: AuditFlags): Promise<number> {
  if (!flags.scenarios) throw new UsageError('--scenarios: required (a YAML or JSON scenario file)');
  return auditCommand(inputs, flags, { print: (run) => scenarioTable(run) });
}
