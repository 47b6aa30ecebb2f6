import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/db.js';
import { insertThreads, loadLogFiles } from '../../src/ingest/load.js';
import { removeStaleStageDirs } from '../../src/ingest/stage-files.js';
import { findLogFiles, InputError } from '../../src/ingest/read.js';
import { DEFAULT_RETRIEVAL_EXTRACT } from '../../src/config/audit.js';

const FIXTURE = new URL('../fixtures/canonical/basic.jsonl', import.meta.url).pathname;
const settings = { format: 'auto', fieldPaths: {}, extract: DEFAULT_RETRIEVAL_EXTRACT, encodings: {} };

let dir: string;
let db: Database;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenaudit-load-'));
  db = await Database.open();
});
afterEach(() => db.close());

async function load(paths: string[]) {
  return loadLogFiles(db, findLogFiles(paths), { settings, threads: 2 });
}

async function count(table: string): Promise<number> {
  const [row] = await db.readSql<{ n: string }>(`select count(*) as n from ${table}`);
  return Number(row!.n);
}

/** The fixture has 12 rows: 5 distinct requests, r-1 twice, and 6 malformed lines. */
const FIXTURE_ACCOUNTING = { rowsRead: 12, rowsLoaded: 5, rowsAlreadyLoaded: 1, rowsQuarantined: 6 };

describe('loading logs into DuckDB', () => {
  it('loads plain JSONL and accounts for every row', async () => {
    const stats = await load([FIXTURE]);
    expect(stats).toMatchObject(FIXTURE_ACCOUNTING);
    expect(stats.quarantineByReason).toEqual({
      'invalid json': 1,
      'not an object': 1,
      'missing field': 1,
      'negative token count': 1,
      'invalid timestamp': 1,
      'invalid field': 1,
    });
    expect(stats.rowsByFormat).toEqual({ canonical: 6 });
    expect(await count('requests')).toBe(5);
    expect(await count('quarantine')).toBe(6);
  });

  it('records file and line of each quarantined row', async () => {
    await load([FIXTURE]);
    const rows = await db.readSql<{ source_line: string; reason: string }>('select source_line, reason from quarantine order by source_line');
    expect(rows.map((r) => [Number(r.source_line), r.reason])).toEqual([
      [8, 'invalid json'],
      [9, 'not an object'],
      [10, 'missing field'],
      [11, 'negative token count'],
      [12, 'invalid timestamp'],
      [13, 'invalid field'],
    ]);
  });

  it('counts the quarantined rows of a file loaded again, but keeps each in the table once', async () => {
    await load([FIXTURE]);
    expect(await load([FIXTURE])).toMatchObject({ rowsRead: 12, rowsLoaded: 0, rowsAlreadyLoaded: 6, rowsQuarantined: 6 });
    expect(await count('quarantine')).toBe(6);
  });

  it('reads gzip and zstd compressed JSONL the same as plain', async () => {
    const gz = join(dir, 'basic.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(FIXTURE)));
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, readFileSync(FIXTURE, 'utf8').split('\n').slice(1, 3).join('\n'));
    const zst = join(dir, 'good.jsonl.zst');
    await db.run(`copy (select * from read_json('${good}')) to '${zst}' (format json, compression zstd)`);
    expect(await load([gz])).toMatchObject(FIXTURE_ACCOUNTING);
    const zstStats = await load([zst]);
    expect(zstStats).toMatchObject({ rowsRead: 2, rowsLoaded: 0, rowsAlreadyLoaded: 2, rowsQuarantined: 0 });
  });

  it('reads Parquet files with the same validation', async () => {
    const parquet = join(dir, 'requests.parquet');
    await db.run(`copy (select 'p-' || i as request_id, timestamp '2026-11-20 08:00:00' + to_seconds(i) as timestamp, 'batch-job' as feature, 'gpt-4o-mini' as model, {'input_tokens': 100 + i, 'output_tokens': 5} as usage from range(3) t(i)) to '${parquet}' (format parquet)`);
    const stats = await load([parquet]);
    expect(stats).toMatchObject({ rowsRead: 3, rowsLoaded: 3, rowsQuarantined: 0 });
    const rows = await db.readSql<{ ts: string; usage_input_tokens: string }>('select ts::varchar as ts, usage_input_tokens from requests order by ts');
    expect(rows.map((r) => [r.ts, Number(r.usage_input_tokens)])).toEqual([
      ['2026-11-20 08:00:00', 100],
      ['2026-11-20 08:00:01', 101],
      ['2026-11-20 08:00:02', 102],
    ]);
  });

  it('expands folders and globs', async () => {
    mkdirSync(join(dir, 'logs/day1'), { recursive: true });
    copyFileSync(FIXTURE, join(dir, 'logs/day1/a.jsonl'));
    writeFileSync(join(dir, 'logs/notes.txt'), 'not a log');
    expect(findLogFiles([join(dir, 'logs')]).map((f) => f.path)).toEqual([join(dir, 'logs/day1/a.jsonl')]);
    expect(findLogFiles([`${dir}/logs/**/*.jsonl`]).map((f) => f.path)).toEqual([join(dir, 'logs/day1/a.jsonl')]);
  });

  it('refuses a path that cannot be read, naming it', () => {
    expect(() => findLogFiles([join(dir, 'missing.jsonl')])).toThrow(InputError);
    expect(() => findLogFiles([join(dir, 'missing.jsonl')])).toThrow(/missing\.jsonl: cannot read \(ENOENT\)/);
  });

  it('counts a file given twice once, the second sighting as already loaded', async () => {
    const stats = await load([FIXTURE, FIXTURE]);
    expect(stats).toMatchObject({ rowsRead: 24, rowsLoaded: 5, rowsAlreadyLoaded: 7, rowsQuarantined: 12 });
    expect(await count('requests')).toBe(5);
  });

  it('stores each distinct text once however often it is sent', async () => {
    const lines = Array.from({ length: 500 }, (_, i) =>
      JSON.stringify({ request_id: `q${i}`, timestamp: '2026-11-20T08:00:00Z', model: 'gpt-4o', messages: [{ role: 'system', content: 'The one shared system prompt.' }, { role: 'user', content: `question ${i % 10}` }] }),
    );
    const file = join(dir, 'shared.jsonl');
    writeFileSync(file, lines.join('\n'));
    await load([file]);
    expect(await count('segments')).toBe(1000);
    expect(await count('texts')).toBe(11);
  });
});

describe('a file loaded in parts', () => {
  // Over two 4 MiB line batches, so the loader can cut it into parts between batches.
  const lines = Array.from({ length: 24_000 }, (_, i) => {
    const id = i === 20_000 ? 'q-7' : `q-${i}`; // q-7 again near the end: the first sighting wins
    return JSON.stringify({
      request_id: id,
      timestamp: '2026-11-20T08:00:00Z',
      feature: i === 20_000 ? 'late-copy' : 'chat',
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: `Shared system prompt ${i % 3}. ${'Be brief. '.repeat(20)}` },
        { role: 'user', content: `question ${i % 500}` },
      ],
      output: `answer ${i}`,
      usage: { input_tokens: 60, output_tokens: 3 },
    });
  });

  async function loadInParts(partBytes?: number) {
    const file = join(dir, 'big.jsonl');
    writeFileSync(file, `${lines.join('\n')}\nnot json\n`);
    const stats = await loadLogFiles(db, findLogFiles([file]), { settings, threads: 2, partBytes });
    const tables = await db.readSql<{ requests: string; segments: string; texts: string; late: string }>(
      "select (select count(*) from requests) as requests, (select count(*) from segments) as segments, (select count(*) from texts) as texts, (select count(*) from requests where feature = 'late-copy') as late",
    );
    return { stats, tables: tables[0] };
  }

  it('loads the same rows, counts and texts as in one part', async () => {
    const whole = await loadInParts();
    db.close();
    db = await Database.open();
    const parts = await loadInParts(64 * 1024);
    expect(parts).toEqual(whole);
    expect(whole.stats).toMatchObject({ rowsRead: 24_001, rowsLoaded: 23_999, rowsAlreadyLoaded: 1, rowsQuarantined: 1 });
    expect(whole.tables).toEqual({ requests: '23999', segments: String(23_999 * 3), texts: String(3 + 500 + 24_000), late: '0' });
  });

  it('rolls the whole file back when a part fails to go in while the next is parsed', async () => {
    const file = join(dir, 'big.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    await db.run('drop table texts'); // every part's last insert, of its texts, now fails
    await expect(loadLogFiles(db, findLogFiles([file]), { settings, threads: 2, partBytes: 64 * 1024 })).rejects.toThrow(/texts/);
    expect(await count('stored_requests')).toBe(0);
    expect(await count('segments')).toBe(0);
    // and no transaction is left open
    await db.run('begin transaction');
    await db.run('rollback');
  });
});

describe("DuckDB's threads while loading", () => {
  const threads = async () => Number((await db.readSql<{ n: string }>("select current_setting('threads') as n"))[0]!.n);

  it('are half the parse workers, at least one', () => {
    expect([1, 2, 3, 4, 8].map(insertThreads)).toEqual([1, 1, 1, 2, 4]);
  });

  it('are set back after the load, or after a failed one', async () => {
    await db.run('set threads = 3');
    await loadLogFiles(db, findLogFiles([FIXTURE]), { settings, threads: 4 });
    expect(await threads()).toBe(3);
    await db.run('drop table quarantine');
    await expect(loadLogFiles(db, findLogFiles([FIXTURE]), { settings, threads: 1 })).rejects.toThrow(/quarantine/);
    expect(await threads()).toBe(3);
  });
});

describe('staging folders', () => {
  it('removes the folders of runs that are gone and keeps those of live ones', () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid!; // exited by now
    mkdirSync(join(dir, `tokenaudit-stage-${gone}-abc123`));
    writeFileSync(join(dir, `tokenaudit-stage-${gone}-abc123`, '0-0-texts.jsonl'), 'staged rows');
    mkdirSync(join(dir, `tokenaudit-stage-${process.pid}-def456`));
    mkdirSync(join(dir, 'tokenaudit-stage-old-style'));
    removeStaleStageDirs(dir);
    expect(readdirSync(dir).sort()).toEqual([`tokenaudit-stage-${process.pid}-def456`, 'tokenaudit-stage-old-style']);
  });
});
