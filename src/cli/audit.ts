// `tokenaudit audit <inputs...>`: parse flags, run the pipeline, write the outputs, set the exit code.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAuditConfig } from '../config/audit.js';
import { runAudit, type AuditRun } from '../audit.js';
import { loadScenarioFile } from '../config/scenarios.js';
import { FORMAT_NAMES } from '../ingest/adapters/index.js';
import { findLogFiles } from '../ingest/read.js';
import { summaryJson, writeOutputs } from '../report/outputs.js';
import { writeMetrics } from '../report/metrics.js';
import { exportParquet } from '../report/parquet-export.js';
import { progressFor } from './progress.js';
import { writeReport } from '../report/render.js';
import { EXIT, UsageError } from './exit.js';

export interface AuditFlags {
  format: string;
  config?: string;
  scenarios?: string;
  db?: string;
  out: string;
  strict?: boolean;
  json?: boolean;
  threads?: string;
  memoryLimit?: string;
  metrics?: string;
  /** Also write the run's tables as Hive-partitioned Parquet into this folder (docs/scale.md). */
  exportParquet?: string;
  since?: string;
  until?: string;
  retainDays?: string;
  quiet?: boolean;
}

/** A date (midnight UTC) or ISO date-time, for --since / --until. */
function parseBound(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(ms)) throw new UsageError(`${flag}: expected a date (2026-11-20) or an ISO date-time, got ${JSON.stringify(value)}`);
  return new Date(ms);
}

function parseThreads(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`--threads: expected a whole number ≥ 1, got ${JSON.stringify(value)}`);
  return threads;
}

export interface CommandOutput {
  /** What goes to stdout when --json is not given. */
  print?: (run: AuditRun, reportPath: string) => string;
}

export async function auditCommand(inputs: string[], flags: AuditFlags, output: CommandOutput = {}): Promise<number> {
  if (!FORMAT_NAMES.includes(flags.format)) {
    throw new UsageError(`--format: unknown format ${JSON.stringify(flags.format)} (one of ${FORMAT_NAMES.join(', ')})`);
  }
  const threads = parseThreads(flags.threads);
  const since = parseBound('--since', flags.since);
  const until = parseBound('--until', flags.until);
  const retainDays = flags.retainDays === undefined ? undefined : Number(flags.retainDays);
  if (retainDays !== undefined && (!Number.isInteger(retainDays) || retainDays < 1)) {
    throw new UsageError(`--retain-days: expected a whole number ≥ 1, got ${JSON.stringify(flags.retainDays)}`);
  }
  const config = loadAuditConfig(flags.config);
  const scenarios = flags.scenarios ? loadScenarioFile(flags.scenarios) : undefined;
  const files = findLogFiles(inputs);
  const log = (line: string) => {
    if (!flags.quiet) process.stderr.write(`${line}\n`);
  };
  const progress = progressFor({ quiet: flags.quiet, stream: process.stderr });
  const run = await runAudit({
    files,
    config,
    scenarios,
    scenarioSource: flags.scenarios,
    format: flags.format,
    dbPath: flags.db,
    since,
    until,
    retainDays,
    threads,
    memoryLimit: flags.memoryLimit,
    progress,
  });
  try {
    const outDir = resolve(flags.out);
    mkdirSync(outDir, { recursive: true });
    await writeOutputs(run.db, run.summary, outDir);
    if (flags.metrics) await writeMetrics(run.db, run.summary, resolve(flags.metrics));
    if (flags.exportParquet) {
      const exported = await exportParquet(run.db, flags.exportParquet, { scenarios: run.simulation !== null });
      log(`exported ${exported.tables.join(', ')} to ${exported.dir} (days ${exported.days.join(', ') || 'none'})`);
    }
    const reportPath = join(outDir, 'report.html');
    await writeReport(run.db, run.summary, config.report, reportPath);
    const { input, totals } = run.summary;
    // not behind --quiet: a warning is about the numbers
    for (const warning of run.summary.warnings) process.stderr.write(`warning: ${warning}\n`);
    log(`read ${input.rowsRead} rows: ${input.rowsLoaded} loaded, ${input.rowsAlreadyLoaded} already loaded, ${input.rowsQuarantined} quarantined`);
    log(`${totals.requests} requests, $${totals.costUsd.toFixed(2)} spent`);
    log(`stage seconds: ${Object.entries(run.timings).map(([stage, seconds]) => `${stage} ${seconds}`).join(', ')}`);
    if (flags.json) process.stdout.write(summaryJson(run.summary));
    else process.stdout.write(output.print ? output.print(run, reportPath) : `${reportPath}\n`);
    const breaches = run.summary.budgets.filter((budget) => budget.breached);
    for (const budget of breaches) log(`budget exceeded: ${budget.name} = ${budget.actual} > ${budget.limit}`);
    if (flags.strict && input.rowsQuarantined > 0) {
      log(`--strict: ${input.rowsQuarantined} rows were quarantined`);
      return EXIT.quarantined;
    }
    return breaches.length > 0 ? EXIT.budget : EXIT.ok;
  } finally {
    run.db.close();
  }
}
