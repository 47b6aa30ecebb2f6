// --export-parquet DIR (docs/scale.md): the run's canonical tables and per-request results as
// Hive-partitioned Parquet, written by DuckDB from queries/export/*.sql; this module only
// sequences the COPYs and swaps the new partitions in.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { querySql, type Database } from '../db.js';

/** Tables partitioned by the request's UTC day and feature: a run owns the days it exports. */
export const DAY_TABLES = ['requests', 'segments', 'request_waste', 'scenario_results'] as const;
/** Tables shared by every day (distinct texts), bucketed by the first hex digit of the hash. */
export const SHARED_TABLES = ['texts', 'text_tokens'] as const;

export interface ParquetExport {
  dir: string;
  /** The UTC days (YYYY-MM-DD) this run wrote, each replacing what the folder held for it. */
  days: string[];
  tables: string[];
}

const quoted = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The partition folders (`day=2026-11-20`, `hash_prefix=a`) a staged table holds. */
function partitionsOf(tableDir: string): string[] {
  return existsSync(tableDir) ? readdirSync(tableDir).filter((name) => name.includes('=')).sort() : [];
}

/** Runs queries/export/<table>.sql into `dir` as Hive-partitioned Parquet. */
async function copyPartitioned(db: Database, table: string, dir: string, partitionBy: string[]): Promise<void> {
  await db.run(`copy (${querySql(`export/${table}`)}) to ${quoted(dir)} (format parquet, partition_by (${partitionBy.join(', ')}))`);
}

/** Writes one zero-row file with the columns of queries/export/<table>.sql into a partition folder. */
async function copyEmpty(db: Database, table: string, partitionDir: string, partitionBy: string[]): Promise<void> {
  mkdirSync(partitionDir, { recursive: true });
  const sql = `select * exclude (${partitionBy.join(', ')}) from (${querySql(`export/${table}`)}) where false`;
  await db.run(`copy (${sql}) to ${quoted(join(partitionDir, 'data_0.parquet'))} (format parquet)`);
}

/** Moves a staged partition folder over the export's, replacing it whole. */
function replacePartition(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(dirname(to), { recursive: true });
  renameSync(from, to);
}

/**
 * Writes the export into a staging folder inside `dir`, then swaps it in: every day this run has
 * requests for is replaced whole in every day table (scenario_results too, so a day never mixes
 * two runs), other days are kept; texts and token counts are merged with the folder's.
 */
export async function exportParquet(db: Database, dir: string, options: { scenarios: boolean }): Promise<ParquetExport> {
  const root = resolve(dir);
  const staging = join(root, `.staging-${process.pid}-${Date.now()}`);
  mkdirSync(staging, { recursive: true });
  try {
    const hadTexts = SHARED_TABLES.every((table) => partitionsOf(join(root, table)).length > 0);
    await db.run(hadTexts ? querySql('export/previous_shared').replaceAll('$dir', root.replace(/'/g, "''")) : querySql('export/previous_shared_none'));
    const dayTables = DAY_TABLES.filter((table) => table !== 'scenario_results' || options.scenarios);
    for (const table of dayTables) await copyPartitioned(db, table, join(staging, table), ['day', 'feature']);
    for (const table of SHARED_TABLES) await copyPartitioned(db, table, join(staging, table), ['hash_prefix']);
    const days = partitionsOf(join(staging, 'requests'));
    // A table with no rows (no waste at all, no texts) still gets one empty file, so that a
    // reader's glob matches and its views bind.
    const firstRequests = days[0] && join(days[0], partitionsOf(join(staging, 'requests', days[0]))[0]!);
    for (const table of dayTables) {
      if (firstRequests && partitionsOf(join(staging, table)).length === 0) await copyEmpty(db, table, join(staging, table, firstRequests), ['day', 'feature']);
    }
    for (const table of SHARED_TABLES) {
      if (partitionsOf(join(staging, table)).length === 0 && partitionsOf(join(root, table)).length === 0) await copyEmpty(db, table, join(staging, table, 'hash_prefix=0'), ['hash_prefix']);
    }
    for (const table of DAY_TABLES) {
      for (const day of days) {
        const staged = join(staging, table, day);
        if (existsSync(staged)) replacePartition(staged, join(root, table, day));
        else rmSync(join(root, table, day), { recursive: true, force: true });
      }
    }
    for (const table of SHARED_TABLES) {
      for (const bucket of partitionsOf(join(staging, table))) replacePartition(join(staging, table, bucket), join(root, table, bucket));
    }
    return { dir: root, days: days.map((day) => day.slice('day='.length)), tables: [...dayTables, ...SHARED_TABLES] };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Defines, on a DuckDB connection of its own, the views the rollups in queries/summary/ read
 * (requests, request_tokens, request_costs, request_waste, segments, texts, text_tokens, and
 * scenario_results when exported) over the export's partition globs.
 */
export async function attachExportViews(connection: DuckDBConnection, dir: string): Promise<void> {
  const root = resolve(dir);
  await connection.run(`set file_search_path = ${quoted(root)}`);
  await connection.run(querySql('export/attach_views'));
  if (partitionsOf(join(root, 'scenario_results')).length > 0) await connection.run(querySql('export/attach_scenario_results'));
}
