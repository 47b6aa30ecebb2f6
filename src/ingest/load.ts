// Loads log files into DuckDB: workers parse line batches into staging NDJSON, then each file
// goes into the tables in one transaction, skipping request_ids the database already holds.
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { Database } from '../db.js';
import { siblingUrl, WorkerPool } from '../worker-pool.js';
import type { ParseBatch, ParseSettings, StagedRows } from './parse.js';
import { readLineBatches, type LineBatch, type LogFile } from './read.js';
import { parquetLineBatches } from './parquet.js';

export interface LoadStats {
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  rowsAlreadyLoaded: number;
  quarantineByReason: Record<string, number>;
  rowsByFormat: Record<string, number>;
}

export function emptyLoadStats(): LoadStats {
  return { rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, rowsAlreadyLoaded: 0, quarantineByReason: {}, rowsByFormat: {} };
}

const STAGE_TABLES = ['requests', 'segments', 'texts', 'quarantine'] as const;
type StageTable = (typeof STAGE_TABLES)[number];

class StageFiles {
  readonly paths: Record<StageTable, string>;
  private readonly streams: Record<StageTable, WriteStream>;

  constructor(dir: string, index: number) {
    this.paths = Object.fromEntries(STAGE_TABLES.map((table) => [table, join(dir, `${index}-${table}.jsonl`)])) as Record<StageTable, string>;
    this.streams = Object.fromEntries(STAGE_TABLES.map((table) => [table, createWriteStream(this.paths[table])])) as Record<StageTable, WriteStream>;
  }

  async write(rows: StagedRows): Promise<void> {
    for (const table of STAGE_TABLES) {
      const text = rows[table];
      if (text !== '' && !this.streams[table].write(text)) await once(this.streams[table], 'drain');
    }
  }

  async close(): Promise<void> {
    await Promise.all(STAGE_TABLES.map((table) => new Promise<void>((resolve, reject) => this.streams[table].end((error?: Error | null) => (error ? reject(error) : resolve())))));
  }
}

export interface LoadOptions {
  settings: ParseSettings;
  threads: number;
  /** Called after each file with the running totals (progress reporting). */
  onFile?: (file: LogFile, stats: LoadStats) => void;
}

/** Loads every file; returns the accounting (rows read = loaded + quarantined + already loaded). */
export async function loadLogFiles(db: Database, files: LogFile[], options: LoadOptions): Promise<LoadStats> {
  const stats = emptyLoadStats();
  const stageDir = mkdtempSync(join(tmpdir(), 'tokenaudit-stage-'));
  const pool = new WorkerPool<ParseBatch, StagedRows>(siblingUrl(import.meta.url, 'parse-worker'), options.threads, options.settings);
  try {
    for (const [index, file] of files.entries()) {
      const stage = new StageFiles(stageDir, index);
      stats.rowsRead += await stageFile(pool, file, stage, options.threads);
      await stage.close();
      await commitFile(db, stage, stats);
      for (const path of Object.values(stage.paths)) rmSync(path, { force: true });
      options.onFile?.(file, stats);
    }
  } finally {
    await pool.close();
    rmSync(stageDir, { recursive: true, force: true });
  }
  return stats;
}

/** Parses one file on the pool, writing staged rows as batches finish; returns rows read. */
async function stageFile(pool: WorkerPool<ParseBatch, StagedRows>, file: LogFile, stage: StageFiles, threads: number): Promise<number> {
  const inFlight = pLimit(threads * 2);
  const running = new Set<Promise<void>>();
  let rowsRead = 0;
  const batches: AsyncIterable<LineBatch> = file.kind === 'parquet' ? parquetLineBatches(file.path) : readLineBatches(file.path);
  for await (const batch of batches) {
    // Backpressure: wait while every slot is busy, so the reader never runs far ahead.
    while (inFlight.activeCount + inFlight.pendingCount >= threads * 2) await Promise.race(running);
    const task = inFlight(async () => {
      const rows = await pool.run({ file: file.path, firstLine: batch.firstLine, text: batch.text });
      rowsRead += rows.rowsRead;
      await stage.write(rows);
    });
    running.add(task);
    void task.finally(() => running.delete(task)).catch(() => {});
  }
  await Promise.all(running);
  return rowsRead;
}

/** Moves one file's staged rows into the tables in a single transaction. */
async function commitFile(db: Database, stage: StageFiles, stats: LoadStats): Promise<void> {
  await db.run('begin transaction');
  try {
    await db.runQuery('load/stage_requests', { path: stage.paths.requests });
    await db.runQuery('load/requests');
    await db.runQuery('load/segments', { path: stage.paths.segments });
    await db.runQuery('load/texts', { path: stage.paths.texts });
    await db.runQuery('load/quarantine', { path: stage.paths.quarantine });
    const counts = await db.readQuery<{ format: string; loaded: string; already_loaded: string }>('load/file_counts');
    const reasons = await db.readQuery<{ reason: string; n: string }>('load/quarantine_counts', { path: stage.paths.quarantine });
    await db.run('drop table stage_requests');
    await db.run('commit');
    for (const { format, loaded, already_loaded } of counts) {
      stats.rowsLoaded += Number(loaded);
      stats.rowsAlreadyLoaded += Number(already_loaded);
      stats.rowsByFormat[format] = (stats.rowsByFormat[format] ?? 0) + Number(loaded) + Number(already_loaded);
    }
    for (const { reason, n } of reasons) {
      stats.rowsQuarantined += Number(n);
      stats.quarantineByReason[reason] = (stats.quarantineByReason[reason] ?? 0) + Number(n);
    }
  } catch (error) {
    await db.run('rollback');
    throw error;
  }
}
