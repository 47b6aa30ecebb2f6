// Where parsed rows wait on disk before they go into the tables: NDJSON files per part of a
// log file, in a folder named with the run's pid (so the next run can clear a killed run's).
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { StagedRows } from './parse.js';

const STAGE_TABLES = ['requests', 'segments', 'texts', 'quarantine'] as const;
type StageTable = (typeof STAGE_TABLES)[number];

/** Staging folders are named with the pid of the run that made them. */
const STAGE_DIR_PREFIX = 'tokenaudit-stage-';
const STAGE_DIR_NAME = new RegExp(`^${STAGE_DIR_PREFIX}(\\d+)-`);

/**
 * Removes the staging folders of runs that are gone (killed, or stopped with Ctrl-C, before they
 * could clean up): a killed million-request load leaves hundreds of MB there.
 */
export function removeStaleStageDirs(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = STAGE_DIR_NAME.exec(name)?.[1];
    if (pid !== undefined && !processAlive(Number(pid))) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The NDJSON files one part of a log file is staged in, a file per table. */
export class StageFiles {
  readonly paths: Record<StageTable, string>;
  /** Bytes written to each file so far. */
  readonly bytes: Record<StageTable, number> = { requests: 0, segments: 0, texts: 0, quarantine: 0 };
  private readonly streams: Record<StageTable, WriteStream>;

  constructor(dir: string, name: string) {
    this.paths = Object.fromEntries(STAGE_TABLES.map((table) => [table, join(dir, `${name}-${table}.jsonl`)])) as Record<StageTable, string>;
    this.streams = Object.fromEntries(STAGE_TABLES.map((table) => [table, createWriteStream(this.paths[table])])) as Record<StageTable, WriteStream>;
  }

  async write(rows: StagedRows): Promise<void> {
    for (const table of STAGE_TABLES) {
      const bytes = rows[table];
      this.bytes[table] += bytes.byteLength;
      if (bytes.byteLength > 0 && !this.streams[table].write(bytes)) await once(this.streams[table], 'drain');
    }
  }

  async close(): Promise<void> {
    await Promise.all(STAGE_TABLES.map((table) => new Promise<void>((resolve, reject) => this.streams[table].end((error?: Error | null) => (error ? reject(error) : resolve())))));
  }

  remove(): void {
    for (const path of Object.values(this.paths)) rmSync(path, { force: true });
  }
}

/** A new staging folder for this run inside `dir`. */
export function makeStageDir(dir: string): string {
  return mkdtempSync(join(dir, `${STAGE_DIR_PREFIX}${process.pid}-`));
}
