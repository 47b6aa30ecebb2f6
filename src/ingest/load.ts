// Loads log files into DuckDB: workers parse line batches into staging NDJSON, then each file
// goes into the tables in one transaction, skipping request_ids the database already holds.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import pLimit from 'p-limit';
import type { Database } from '../db.js';
import { siblingUrl, WorkerPool } from '../worker-pool.js';
import type { ParseBatch, ParsedBatch, ParseSettings } from './parse.js';
import { batchText, type LineBatch } from './line-batch.js';
import { SpareBuffers, type LogFile } from './read.js';
import { recordBatches } from './sources/index.js';
import { adapterFor, detectAdapter } from './adapters/index.js';
import { makeStageDir, removeStaleStageDirs, StageFiles } from './stage-files.js';
import type { LogAdapter, RegroupContext } from './adapters/types.js';
import { isRecord } from './adapters/chat-messages.js';

export interface LoadStats {
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  rowsAlreadyLoaded: number;
  quarantineByReason: Record<string, number>;
  rowsByFormat: Record<string, number>;
  /**
   * Source records folded into another record's row, not rows of their own: the repeated
   * content-block lines of one Claude Code call, batch input lines joined to their output.
   */
  recordsMerged: number;
  /** Source records that are not model calls (session user turns, non-GenAI spans, batch inputs never run). */
  recordsSkipped: number;
}

export function emptyLoadStats(): LoadStats {
  return { rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, rowsAlreadyLoaded: 0, quarantineByReason: {}, rowsByFormat: {}, recordsMerged: 0, recordsSkipped: 0 };
}

/**
 * A parse worker holds a batch or one record of at most MAX_RECORD_BYTES parsed, and its text
 * memos. It allocates fast (every line's strings, most of them repeats that are dropped at
 * once): a 128 MB young generation lets them die there, and 1 GB of old generation keeps V8 from
 * collecting all the time near its limit. Two workers parse about 15 % faster than with the
 * defaults under 512 MB, for about 100 MB more RSS between them, and 128 MB of young generation
 * took about 4 % less CPU than 64 (200k heavy requests).
 */
const PARSE_WORKER_LIMITS = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 128 };

/**
 * Input bytes past which a file's part goes into the tables (still in the file's transaction):
 * each insert then dedupes and sorts a bounded amount, and a 7 GB file loads inside the memory
 * limit as a 7 MB one does.
 */
const PART_BYTES = 512 * 1024 * 1024;

/**
 * Steps run one at a time, in the order they were added. After a failure the steps behind it do
 * not run; `settled` rejects with it.
 */
class SerialSteps {
  private tail: Promise<void> = Promise.resolve();

  /** Queues a step; the promise settles when it has run (or was skipped by an earlier failure). */
  add(step: () => Promise<void>): Promise<void> {
    const run = this.tail.then(step);
    this.tail = run;
    // whoever awaits it sees a failure; settled() does in any case
    run.catch(() => {});
    return run;
  }

  settled(): Promise<void> {
    return this.tail;
  }
}

export interface LoadOptions {
  settings: ParseSettings;
  threads: number;
  /** Called after each file with the running totals (progress reporting). */
  onFile?: (file: LogFile, stats: LoadStats) => void;
  /** Input bytes per part of a file (default PART_BYTES; smaller in tests). */
  partBytes?: number;
}

/**
 * DuckDB's threads while loading with this many parse workers. The inserts run beside the
 * workers, which keep every core busy: with half the threads (one of two) DuckDB loads a
 * 200k-request log about 10 % faster, and in less CPU, than with all of them. The inserts that
 * follow the last file's parse, with the workers idle, get them all back.
 */
export function insertThreads(threads: number): number {
  return Math.max(1, Math.floor(threads / 2));
}

/** Loads every file; returns the accounting (rows read = loaded + quarantined + already loaded). */
export async function loadLogFiles(db: Database, files: LogFile[], options: LoadOptions): Promise<LoadStats> {
  const stats = emptyLoadStats();
  removeStaleStageDirs(tmpdir());
  const stageDir = makeStageDir(tmpdir());
  const pool = new WorkerPool<ParseBatch, ParsedBatch>(siblingUrl(import.meta.url, 'parse-worker'), options.threads, options.settings, PARSE_WORKER_LIMITS);
  const spare = new SpareBuffers();
  const companions = new Map<string, string>();
  const [setting] = await db.readSql<{ threads: string }>("select current_setting('threads') as threads");
  await db.run(`set threads = ${insertThreads(options.threads)}`);
  try {
    const sniffed = await sniffFiles(files, options.settings);
    // Companion files first (a batch's input), whatever order the paths came in.
    for (const [index, file] of files.entries()) {
      const { adapter, companion } = sniffed[index]!;
      if (!companion || !adapter) continue;
      await collectCompanions(file, adapter, companions);
      options.onFile?.(file, stats);
    }
    // The database steps run one at a time behind the parsing: a part goes in, and a file
    // commits, while the workers parse the next part or file.
    const steps = new SerialSteps();
    const lastLoaded = sniffed.findLastIndex((file) => !file.companion);
    try {
      for (const [index, file] of files.entries()) {
        const { adapter, companion } = sniffed[index]!;
        if (companion) continue;
        const context: RegroupContext = { file: file.path, companions, merged: 0, skipped: 0 };
        const batches = adapter?.regroup ? adapter.regroup(recordBatches(file, spare), context) : recordBatches(file, spare);
        void steps.add(() => db.run('begin transaction'));
        const lastFile = index === lastLoaded;
        const staged = await stageFile(pool, spare, file, batches, options.threads, options.partBytes ?? PART_BYTES, (part) => new StageFiles(stageDir, `${index}-${part}`), (stage, parsed) => {
          // Once the last file is parsed the workers are done: the inserts left get every thread.
          if (lastFile && parsed) void steps.add(() => db.run(`set threads = ${Number(setting!.threads)}`));
          return steps.add(() => insertPart(db, stage, stats).finally(() => stage.remove()));
        });
        void steps.add(async () => {
          await db.run('commit');
          stats.rowsRead += staged.rowsRead;
          stats.recordsSkipped += staged.recordsSkipped + context.skipped;
          stats.recordsMerged += context.merged;
          options.onFile?.(file, stats);
        });
      }
      await steps.settled();
    } catch (error) {
      // the steps queued behind a failure never ran: undo the file's open transaction
      await steps.settled().catch(() => {});
      await db.run('rollback').catch(() => {});
      throw error;
    }
    // Companions no record came to claim (a batch input line with no output line) never ran.
    stats.recordsSkipped += companions.size;
  } finally {
    await pool.close();
    rmSync(stageDir, { recursive: true, force: true });
    await db.run(`set threads = ${Number(setting!.threads)}`);
  }
  return stats;
}

/** Records a file is sniffed by: the first this many. */
const SNIFF_RECORDS = 20;

interface SniffedFile {
  /** The adapter most of the first records detect as, where that matters to the loader (it regroups or has companions). */
  adapter: LogAdapter | undefined;
  /** Most of the first records are companions (a batch's input lines): the file loads no rows. */
  companion: boolean;
}

/** What each file is, from its first records; files of other formats are detected record by record in the workers. */
async function sniffFiles(files: LogFile[], settings: ParseSettings): Promise<SniffedFile[]> {
  const forced = settings.format === 'auto' ? undefined : adapterFor(settings.format);
  if (forced && !forced.regroup && !forced.companionKey) return files.map(() => ({ adapter: forced, companion: false }));
  const sniffed: SniffedFile[] = [];
  for (const file of files) {
    const votes = new Map<LogAdapter, number>();
    let companions = 0;
    let seen = 0;
    sniffing: for await (const batch of recordBatches(file)) {
      for (const raw of batchText(batch).split('\n')) {
        const record = parseObject(raw);
        if (!record) continue;
        const adapter = forced ?? detectAdapter(record, settings.fieldPaths);
        if (adapter) votes.set(adapter, (votes.get(adapter) ?? 0) + 1);
        if (adapter?.companionKey?.(record, file.path)) companions++;
        if (++seen >= SNIFF_RECORDS) break sniffing;
      }
    }
    const [winner] = [...votes.entries()].sort((a, b) => b[1] - a[1]);
    const adapter = winner && (winner[0].regroup || winner[0].companionKey) ? winner[0] : forced;
    sniffed.push({ adapter, companion: adapter?.companionKey !== undefined && companions * 2 > seen });
  }
  return sniffed;
}

/** A line as a JSON object, or null for a blank line, invalid JSON or another JSON value. */
export function parseObject(raw: string): Record<string, unknown> | null {
  if (raw.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(raw);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

/** Reads a companion file (batch input) into the map by key; its other records are skipped. */
async function collectCompanions(file: LogFile, adapter: LogAdapter, companions: Map<string, string>): Promise<void> {
  for await (const batch of recordBatches(file)) {
    for (const raw of batchText(batch).split('\n')) {
      const record = parseObject(raw);
      const key = record ? adapter.companionKey!(record, file.path) : null;
      if (key !== null) companions.set(key, raw);
    }
  }
}

/**
 * Parses one file on the pool, writing staged rows as batches finish; after every `partBytes` of
 * input, and at the end, the part is queued to go into the tables. A part is cut only once the
 * batches in flight are in, so it holds whole lines up to a point of the file, and a
 * request_id's first sighting is in the first part that has it. Returns once the file is
 * parsed; its last part may still be going in.
 */
async function stageFile(
  pool: WorkerPool<ParseBatch, ParsedBatch>,
  /** Where the workers' spent batch buffers go, to be read into again. */
  spare: SpareBuffers,
  file: LogFile,
  batches: AsyncIterable<LineBatch>,
  threads: number,
  partBytes: number,
  newPart: (part: number) => StageFiles,
  /** Queues a part to go in; `parsed` when it is the file's last, the whole file parsed. */
  insert: (stage: StageFiles, parsed: boolean) => Promise<void>,
): Promise<{ rowsRead: number; recordsSkipped: number }> {
  const inFlight = pLimit(threads * 2);
  const running = new Set<Promise<void>>();
  const counts = { rowsRead: 0, recordsSkipped: 0 };
  let parts = 0;
  let stage = newPart(parts++);
  let partInput = 0;
  // The part before goes in while this one is parsed; at most one waits behind it.
  let previous: Promise<void> = Promise.resolve();
  const finishPart = async (parsed: boolean) => {
    await Promise.all(running);
    await stage.close();
    await previous;
    previous = insert(stage, parsed);
  };
  try {
    for await (const batch of batches) {
      // Backpressure: wait while every slot is busy, so the reader never runs far ahead.
      while (inFlight.activeCount + inFlight.pendingCount >= threads * 2) await Promise.race(running);
      if (partInput >= partBytes) {
        await finishPart(false);
        stage = newPart(parts++);
        partInput = 0;
      }
      partInput += batch.bytes?.byteLength ?? batch.text?.length ?? 0;
      const task = inFlight(async () => {
        // The bytes move to the worker (transferred, not copied); the worker decodes them.
        const rows = await pool.run({ ...batch, file: file.path }, batch.bytes ? [batch.bytes.buffer as ArrayBuffer] : []);
        if (rows.spent) spare.put(rows.spent);
        counts.rowsRead += rows.rowsRead;
        counts.recordsSkipped += rows.recordsSkipped;
        await stage.write(rows);
      });
      running.add(task);
      void task.finally(() => running.delete(task)).catch(() => {});
    }
    await finishPart(true);
  } catch (error) {
    await Promise.allSettled(running);
    await stage.close().catch(() => {});
    stage.remove();
    throw error;
  }
  return counts;
}

/** Moves one part of a file's staged rows into the tables, inside the file's transaction. */
async function insertPart(db: Database, stage: StageFiles, stats: LoadStats): Promise<void> {
  await db.runQuery('load/stage_requests', { path: stage.paths.requests });
  await db.runQuery('load/requests');
  await db.runQuery('load/segments', { path: stage.paths.segments });
  await db.runQuery('load/texts', { path: stage.paths.texts });
  // Most parts quarantine nothing: reading an empty file still costs each query a few tens of ms.
  const quarantined = stage.bytes.quarantine > 0;
  if (quarantined) await db.runQuery('load/quarantine', { path: stage.paths.quarantine });
  const counts = await db.readQuery<{ format: string; loaded: string; already_loaded: string }>('load/file_counts');
  const reasons = quarantined ? await db.readQuery<{ reason: string; n: string }>('load/quarantine_counts', { path: stage.paths.quarantine }) : [];
  await db.run('drop table stage_requests');
  for (const { format, loaded, already_loaded } of counts) {
    stats.rowsLoaded += Number(loaded);
    stats.rowsAlreadyLoaded += Number(already_loaded);
    stats.rowsByFormat[format] = (stats.rowsByFormat[format] ?? 0) + Number(loaded) + Number(already_loaded);
  }
  for (const { reason, n } of reasons) {
    stats.rowsQuarantined += Number(n);
    stats.quarantineByReason[reason] = (stats.quarantineByReason[reason] ?? 0) + Number(n);
  }
}
