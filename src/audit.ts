// The audit pipeline of DESIGN.md: ingest → tokenize → price → classify → report. Each stage
// reads and writes DuckDB tables; this module only sequences them and times them.
import { availableParallelism } from 'node:os';
import type { AuditConfig } from './config/audit.js';
import { Database, querySql } from './db.js';
import { silentProgress, type Progress } from './progress.js';
import { DETECTORS } from './waste/index.js';
import { loadLogFiles, type LoadStats } from './ingest/load.js';
import { checkReadingSettings } from './ingest/reading-settings.js';
import type { ParseSettings } from './ingest/parse.js';
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
  progress?: Progress;
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
    defaults: config.defaults,
    waste: config.waste,
    encodings: config.encodings,
    pricing: config.pricing,
    budgets: config.budgets,
    report: config.report,
  };
}

/** Runs one stage: announces it with its total, times it, reports it done. */
async function timed<T>(
  timings: Record<string, number>,
  progress: Progress,
  stage: string,
  total: { units: number; unit: string },
  work: (advance: (units: number) => void) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  progress.start(stage, total.units, total.unit);
  const result = await work((units) => progress.advance(stage, units));
  timings[stage] = Math.round(performance.now() - started) / 1000;
  progress.finish(stage, `done in ${timings[stage]} s`);
  return result;
}

async function simulate(db: Database, options: AuditOptions, threads: number, onRequests: (count: number) => void): Promise<SimulationRun> {
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
  return runSimulation(db, file, { overrides, encodings: options.config.encodings, threads, onRequests });
}

/** Common catalogue models, offered as "did you mean" for a misspelt routing target. */
const CATALOGUE_SUGGESTIONS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'o3', 'o4-mini', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1', 'gemini-2.5-pro', 'gemini-2.5-flash'];

export async function runAudit(options: AuditOptions): Promise<AuditRun> {
  const threads = options.threads ?? availableParallelism();
  const timings: Record<string, number> = {};
  const warnings: string[] = [];
  const progress = options.progress ?? silentProgress;
  const db = await Database.open({ path: options.dbPath, threads, memoryLimit: options.memoryLimit });
  try {
    const reading: ParseSettings = {
      format: options.format,
      fieldPaths: options.config.fields,
      fieldDefaults: options.config.defaults,
      extract: options.config.waste.retrieval.extract,
      encodings: options.config.encodings,
    };
    const [held] = await db.readSql<{ held: boolean }>('select exists (select 1 from stored_requests) as held');
    const load = await timed(timings, progress, 'load', { units: options.files.length, unit: 'files' }, (advance) =>
      loadLogFiles(db, options.files, { threads, settings: reading, onFile: () => advance(1) }),
    );
    const warning = await checkReadingSettings(db, reading, held!.held, load.rowsLoaded > 0);
    if (warning) warnings.push(warning);
    if (options.retainDays !== undefined) await db.run(querySql('retain_days').replaceAll('$days', String(Math.trunc(options.retainDays))));
    await db.scopeRequests({ since: options.since, until: options.until });
    const tokens = await timed(timings, progress, 'tokenize', { units: 0, unit: 'texts' }, (advance) => runTokenStage(db, options.config.encodings, threads, advance));
    await timed(timings, progress, 'price', { units: 1, unit: 'step' }, () => loadModelRates(db.connection, options.config.pricing.overrides));
    await timed(timings, progress, 'classify', { units: DETECTORS.length, unit: 'rules' }, (advance) => runWasteStage(db, options.config, threads, advance));
    const simulation = options.scenarios
      ? await timed(timings, progress, 'simulate', { units: load.rowsLoaded + load.rowsAlreadyLoaded, unit: 'requests' }, (advance) => simulate(db, options, threads, advance))
      : null;
    const order = options.scenarios?.scenarios.map((s) => s.name) ?? [];
    const settings = { ...settingsUsed(options, threads), scenarios: options.scenarios?.scenarios ?? [], latencyModels: simulation?.latencyModels ?? [] };
    const summary = await timed(timings, progress, 'summarize', { units: 1, unit: 'step' }, () => buildSummary(db, load, settings, order));
    summary.budgets = await checkBudgets(db, options.config.budgets, summary);
    summary.timings = timings;
    summary.warnings = warnings;
    return { db, load, tokens, summary, simulation, timings };
  } catch (error) {
    db.close();
    throw error;
  }
}
