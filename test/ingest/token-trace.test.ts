// A token-count trace with no text (the real Azure LLM inference trace, 2023: TIMESTAMP,
// ContextTokens, GeneratedTokens) loads through `fields:` and `defaults:` and still gets cost
// and the output-length finding. Sums and medians computed apart from the tool (python csv).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditRun } from '../../src/audit.js';
import { parseAuditConfig } from '../../src/config/audit.js';
import { findLogFiles } from '../../src/ingest/read.js';

const TRACE = new URL('../fixtures/azure/AzureLLMInferenceTrace_code-200.csv', import.meta.url).pathname;

describe('a token-count trace mapped with fields: and defaults:', () => {
  let run: AuditRun;
  beforeAll(async () => {
    const config = parseAuditConfig({
      fields: { timestamp: 'TIMESTAMP', input_tokens: 'ContextTokens', output_tokens: 'GeneratedTokens' },
      defaults: { model: 'gpt-4o', feature: 'code-completion' },
    });
    run = await runAudit({ files: findLogFiles([TRACE]), config, format: 'auto', threads: 2 });
  });
  afterAll(() => run.db.close());

  it('loads all 200 rows of the first 200 lines', () => {
    expect(run.load).toMatchObject({ rowsRead: 200, rowsLoaded: 200, rowsQuarantined: 0, rowsByFormat: { canonical: 200 } });
  });

  it('prices the logged counts: 414,215 context tokens × $2.50 + 4,907 generated × $10 per MTok = $1.0846075', () => {
    expect(run.summary.totals.inputTokens).toBe(414_215);
    expect(run.summary.totals.outputTokens).toBe(4_907);
    expect(run.summary.totals.costUsd).toBeCloseTo(1.0846075, 10);
    expect(run.summary.features.map((f) => f.feature)).toEqual(['code-completion']);
  });

  it('finds the outputs over twice the median of 13 tokens: 33 requests, 1,943 tokens over, × $10 per MTok', () => {
    expect(run.summary.wasteByCategory.verbose_output).toEqual({ tokens: 1943, costUsd: expect.closeTo(0.01943, 10), requests: 33 });
  });

  it('reads the trace\'s seven-digit fractional seconds as UTC', async () => {
    const [row] = await run.db.readSql<{ first: string }>("select strftime(min(ts), '%Y-%m-%d %H:%M:%S.%g') as first from requests");
    expect(row!.first).toBe('2023-11-16 18:17:03.979');
  });
});
