// The queries in queries/rows/ count the rows of a streamed query for less work (without its
// texts, sorts and left joins); the check that a stream was read to its end relies on their
// counts being the streamed query's own, which this holds them to on an audited sample day.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSample } from '../samples/generator.js';
import { runAudit, type AuditRun } from '../src/audit.js';
import { parseAuditConfig } from '../src/config/audit.js';
import { loadScenarioFile } from '../src/config/scenarios.js';
import { countRows, querySql } from '../src/db.js';
import { findLogFiles } from '../src/ingest/read.js';
import { replayRequestParams, replaySegmentParams } from '../src/simulate/replay-rows.js';

const SCENARIOS = new URL('../samples/scenarios.yaml', import.meta.url).pathname;

describe('row counts of the streamed queries', () => {
  let run: AuditRun;
  const count = (sql: string, params?: Parameters<typeof countRows>[2]) => countRows(run.db.connection, sql, params);

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-rows-'));
    await writeSample({ outDir: dir, requests: 400, seed: 5, profile: 'default' });
    run = await runAudit({ files: findLogFiles([join(dir, 'logs')]), config: parseAuditConfig({}), scenarios: loadScenarioFile(SCENARIOS), format: 'auto', threads: 2 });
    // the tables the streams read while they run, which the stages drop after them
    await run.db.runQuery('replay_order');
  });

  afterAll(() => run.db.close());

  it('replay_requests, with and without the questions', async () => {
    const rows = await count(querySql('rows/replay_requests'));
    expect(rows).toBe(400);
    expect(await count(querySql('replay_requests'), replayRequestParams(false))).toBe(rows);
    expect(await count(querySql('replay_requests'), replayRequestParams(true))).toBe(rows);
  });

  it('replay_segments, retrieval segments with their decisions among them', async () => {
    const [{ decided }] = (await run.db.readSql<{ decided: number }>('select count(*)::int as decided from chunk_usage')) as [{ decided: number }];
    expect(decided).toBeGreaterThan(0);
    const rows = await count(querySql('rows/replay_segments'));
    expect(rows).toBeGreaterThan(400);
    expect(await count(querySql('replay_segments'), replaySegmentParams())).toBe(rows);
  });

  it('chunk_answers, also with an answer whose output text is gone', async () => {
    // every triple undecided again, as on a first run
    await run.db.run('delete from chunk_decisions');
    await run.db.runQuery('chunk_triples');
    await run.db.runQuery('chunk_candidates');
    const rows = await count(querySql('rows/chunk_answers'));
    expect(rows).toBeGreaterThan(10);
    expect(await count(querySql('chunk_answers'))).toBe(rows);
    // (the stream passes over an answer without its output text)
    await run.db.run('delete from texts where text_hash = (select min(output_hash) from undecided_chunks)');
    expect(await count(querySql('rows/chunk_answers'))).toBe(rows - 1);
    expect(await count(querySql('chunk_answers'))).toBe(rows - 1);
  });
});
