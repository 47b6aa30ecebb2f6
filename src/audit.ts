// The audit pipeline of DESIGN.md: ingest → tokenize → price → classify → report. Each stage
// reads and writes DuckDB tables; this module only sequences them and times them.
import { availableParallelism } from 'node:os';
import type { AuditConfig } from './config/audit.js';
import { Database } from './db.js';
import { loadLogFiles, type LoadStats } from './ingest/load.js';
import type { LogFile } from './ingest/read.js';
import { loadModelRates } from './pricing/rates.js';
import { buildSummary, type Summary } from './report/summary.js';
import { runTokenStage, type TokenStageStats } from './tokenize/stage.js';
import { runWasteStage } from './waste/index.js';

export interface AuditOptions {
  files: LogFile[];
  config: AuditConfig;
  format: string;
  dbPath?: string;
  threads?: number;
  memoryLimit?: string;
  onStage?: (stage: string, detail: string) => void;
}

export interface AuditRun {
  db: Database;
  load: LoadStats;
  tokens: TokenStageStats;
  summary: Summary;
  timings: Record<string, number>;
}

/** Every setting the run used, defaults included, for summary.json and the report. */
export function settingsUsed(options: AuditOptions, threads: number): Record<string, unknown> {
  const { config } = options;
  return {
    format: options.format,
    threads,
    fields: config.fields,
    waste: config.waste,
    encodings: config.encodings,
    pricing: config.pricing,
    budgets: config.budgets,
    report: config.report,
  };
}

async function timed<T>(timings: Record<string, number>, stage: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  timings[stage] = Math.round(performance.now() - started) / 1000;
  return result;
}

export async function runAudit(options: AuditOptions): Promise<AuditRun> {
  const threads = options.threads ?? availableParallelism();
  const timings: Record<string, number> = {};
  const db = await Database.open({ path: options.dbPath, threads, memoryLimit: options.memoryLimit });
  try {
    const load = await timed(timings, 'load', () =>
      loadLogFiles(db, options.files, {
        threads,
        settings: {
          format: options.format,
          fieldPaths: options.config.fields,
          extract: options.config.waste.retrieval.extract,
          encodings: options.config.encodings,
        },
        onFile: (file, stats) => options.onStage?.('load', `${file.path}: ${stats.rowsRead} rows read so far`),
      }),
    );
    const tokens = await timed(timings, 'tokenize', () => runTokenStage(db, options.config.encodings, threads));
    await timed(timings, 'price', () => loadModelRates(db.connection, options.config.pricing.overrides));
    await timed(timings, 'classify', () => runWasteStage(db, options.config, threads));
    const summary = await timed(timings, 'summarize', () => buildSummary(db, load, settingsUsed(options, threads)));
    return { db, load, tokens, summary, timings };
  } catch (error) {
    db.close();
    throw error;
  }
}
