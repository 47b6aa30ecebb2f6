// The audit pipeline of DESIGN.md: ingest → tokenize → price → classify → report. Each stage
// reads and writes DuckDB tables; this module only sequences them and times them.
import { availableParallelism } from 'node:os';
import type { AuditConfig } from './config/audit.js';
import { Database, querySql } from './db.js';
import { loadLogFiles, type LoadStats } from './ingest/load.js';
import type { LogFile } from './ingest/read.js';
import { loadModelRates } from './pricing/rates.js';
import { buildSummary, type Summary } from './report/summary.js';
import { checkBudgets } from './report/budgets.js';
import { runTokenStage, type TokenStageStats } from './tokenize/stage.js';
import { runWasteStage } from './waste/index.js';
import { checkScenarioNames, type ScenarioFile } from './config/scenarios.js';
import { runSimulation, type SimulationRun } from './simulate/replay.js';
import { resolveModelRates } from './pricing/catalogue.js';

export interface AuditOptions {
  files: LogFile[];
  config: AuditConfig;
  /** What-if scenarios to replay (the baseline is always computed when given). */
  scenarios?: ScenarioFile;
  scenarioSource?: string;
  format: string;
  dbPath?: string;
  /** Report on requests from `since` (inclusive) to `until` (exclusive) only. */
  since?: Date;
  until?: Date;
  /** After loading, delete stored requests older than this many days before the newest. */
  retainDays?: number;
  threads?: number;
  memoryLimit?: string;
  onStage?: (stage: string, detail: string) => void;
}

export interface AuditRun {
  db: Database;
  load: LoadStats;
  tokens: TokenStageStats;
  summary: Summary;
  simulation: SimulationRun | null;
  timings: Record<string, number>;
}

/** Every setting the run used, defaults included, for summary.json and the report. */
export function settingsUsed(options: AuditOptions, threads: number): Record<string, unknown> {
  const { config } = options;
  return {
    format: options.format,
    threads,
    since: options.since?.toISOString() ?? null,
    until: options.until?.toISOString() ?? null,
    retainDays: options.retainDays ?? null,
    fields: config.fields,
    waste: config.waste,
    encodings: config.encodings,
    pricing: config.pricing,
    budgets: config.budgets,
    report: config.report,
  };
}

async function timed<T>(timings: Record<string, number>, stage: string, work: () => Promise<T>, onStage?: AuditOptions['onStage']): Promise<T> {
  const started = performance.now();
  onStage?.(stage, 'started');
  const result = await work();
  timings[stage] = Math.round(performance.now() - started) / 1000;
  onStage?.(stage, `done in ${timings[stage]} s`);
  return result;
}

async function simulate(db: Database, options: AuditOptions, threads: number): Promise<SimulationRun> {
  const file = options.scenarios!;
  const features = (await db.readSql<{ feature: string }>('select distinct feature from requests order by 1')).map((r) => r.feature);
  const models = (await db.readSql<{ model: string }>('select distinct model from requests order by 1')).map((r) => r.model);
  const overrides = options.config.pricing.overrides;
  checkScenarioNames(
    file,
    {
      features,
      models,
      canPrice: (model) => resolveModelRates({ provider: 'unknown', model, at: new Date() }, overrides).priced,
      modelSuggestions: [...models, ...overrides.map((o) => o.model), ...CATALOGUE_SUGGESTIONS],
    },
    options.scenarioSource,
  );
  return runSimulation(db, file, { overrides, encodings: options.config.encodings, threads });
}

/** Common catalogue models, offered as "did you mean" for a misspelt routing target. */
const CATALOGUE_SUGGESTIONS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'o3', 'o4-mini', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1', 'gemini-2.5-pro', 'gemini-2.5-flash'];

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
    if (options.retainDays !== undefined) await db.run(querySql('retain_days').replaceAll('$days', String(Math.trunc(options.retainDays))));
    await db.scopeRequests({ since: options.since, until: options.until });
    const tokens = await timed(timings, 'tokenize', () => runTokenStage(db, options.config.encodings, threads), options.onStage);
    await timed(timings, 'price', () => loadModelRates(db.connection, options.config.pricing.overrides), options.onStage);
    await timed(timings, 'classify', () => runWasteStage(db, options.config, threads), options.onStage);
    const simulation = options.scenarios ? await timed(timings, 'simulate', () => simulate(db, options, threads), options.onStage) : null;
    const order = options.scenarios?.scenarios.map((s) => s.name) ?? [];
    const settings = { ...settingsUsed(options, threads), scenarios: options.scenarios?.scenarios ?? [], latencyModels: simulation?.latencyModels ?? [] };
    const summary = await timed(timings, 'summarize', () => buildSummary(db, load, settings, order), options.onStage);
    summary.budgets = await checkBudgets(db, options.config.budgets, summary);
    summary.timings = timings;
    return { db, load, tokens, summary, simulation, timings };
  } catch (error) {
    db.close();
    throw error;
  }
}
