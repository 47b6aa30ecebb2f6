// Gateway and tracer exports as Parquet (the same rows DuckDB wrote from the JSONL fixtures,
// nested columns as structs and lists) and as CSV (nested columns as JSON text, written from the
// JSONL fixtures by Python's csv module): each adapter reads them to the same requests and cost.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../../src/audit.js';
import { parseAuditConfig } from '../../../src/config/audit.js';
import { findLogFiles } from '../../../src/ingest/read.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

async function toParquet(jsonl: string, parquet: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  // Malformed lines cannot become Parquet rows: they are left out, as an export would have.
  await connection.run(`copy (select * from read_json('${jsonl}', format = 'newline_delimited', ignore_errors = true)) to '${parquet}' (format parquet)`);
  connection.closeSync();
  instance.closeSync();
}

async function costOf(path: string) {
  const run = await runAudit({ files: findLogFiles([path]), config: parseAuditConfig({}), format: 'auto', threads: 2 });
  try {
    return { rows: run.load.rowsLoaded, formats: run.load.rowsByFormat, costUsd: run.summary.totals.costUsd, inputTokens: run.summary.totals.inputTokens };
  } finally {
    run.db.close();
  }
}

describe('exports written as Parquet', () => {
  for (const [format, fixture] of [
    ['litellm', 'litellm/spend-logs.jsonl'],
    ['helicone', 'helicone/requests.jsonl'],
    ['langfuse', 'langfuse/observations.jsonl'],
  ] as const) {
    it(`reads a ${format} export from Parquet to the same requests and cost as from JSONL`, async () => {
      const parquet = join(mkdtempSync(join(tmpdir(), 'tokenaudit-pq-')), `${format}.parquet`);
      await toParquet(join(FIXTURES, fixture), parquet);
      const fromJsonl = await costOf(join(FIXTURES, fixture));
      const fromParquet = await costOf(parquet);
      expect(fromParquet.formats).toEqual({ [format]: fromJsonl.rows });
      expect(fromParquet.inputTokens).toBe(fromJsonl.inputTokens);
      expect(fromParquet.costUsd).toBeCloseTo(fromJsonl.costUsd, 12);
    });
  }

  for (const [format, fixture] of [
    ['litellm', 'litellm/spend-logs'],
    ['helicone', 'helicone/requests'],
    ['langfuse', 'langfuse/observations'],
  ] as const) {
    it(`reads a ${format} export from CSV to the same requests and cost as from JSONL`, async () => {
      const fromJsonl = await costOf(join(FIXTURES, `${fixture}.jsonl`));
      const fromCsv = await costOf(join(FIXTURES, `${fixture}.csv`));
      expect(fromCsv.formats).toEqual({ [format]: fromJsonl.rows });
      expect(fromCsv.inputTokens).toBe(fromJsonl.inputTokens);
      expect(fromCsv.costUsd).toBeCloseTo(fromJsonl.costUsd, 12);
    });
  }
});
