// OpenAI Batch API: input lines joined to output lines by custom_id (in any order), priced at
// batch rates (50 % of every rate); the real output sample from the LiteLLM test suite.
import { describe, expect, it } from 'vitest';
import { auditedOnce } from './audited-once.js';
import { runAudit } from '../../../src/audit.js';
import { parseAuditConfig } from '../../../src/config/audit.js';
import { findLogFiles } from '../../../src/ingest/read.js';

const BATCH = new URL('../../fixtures/openai-batch/batch-1', import.meta.url).pathname;
const REAL = new URL('../../fixtures/openai-batch/real/batch_output_sample.jsonl', import.meta.url).pathname;

describe('openai-batch adapter', () => {
  const audited = auditedOnce(BATCH);

  it('joins three output lines to their inputs and counts the input never run as skipped', () => {
    expect(audited.run.load).toMatchObject({ rowsRead: 3, rowsLoaded: 3, rowsQuarantined: 0, recordsMerged: 3, recordsSkipped: 1, rowsByFormat: { 'openai-batch': 3 } });
  });

  it('prices at batch rates: gpt-4o-mini at $0.075 in and $0.30 out per MTok', () => {
    // request-1: 20 × $0.075 + 10 × $0.30 = $0.0000045; request-2: 22 × $0.075 + 10 × $0.30 = $0.00000465;
    // request-3 expired: billed nothing.
    expect(audited.run.summary.totals.inputTokens).toBe(42);
    expect(audited.run.summary.totals.outputTokens).toBe(20);
    expect(audited.run.summary.totals.costUsd).toBeCloseTo(0.00000915, 14);
  });

  it('takes the prompt from the input line, the feature from its metadata, and marks the expired request failed', async () => {
    const rows = await audited.run.db.readSql<{ request_id: string; feature: string; status: string; batch: boolean; has_text: boolean; finish_reason: string | null }>(
      'select request_id, feature, status, batch, has_text, finish_reason from requests order by request_id',
    );
    expect(rows).toEqual([
      { request_id: '07bc45ab4e7e26ac23a0c949973327e7', feature: 'nightly-tagging', status: 'ok', batch: true, has_text: true, finish_reason: 'stop' },
      { request_id: '82e04f4c001fe2c127cbad199f5fd31b', feature: 'nightly-tagging', status: 'ok', batch: true, has_text: true, finish_reason: 'length' },
      { request_id: 'batch_req_3', feature: 'nightly-tagging', status: 'error', batch: true, has_text: true, finish_reason: 'error' },
    ]);
    const [user] = await audited.run.db.readSql<{ text: string }>(
      "select t.text from segments s join texts t using (text_hash) where s.request_id = '07bc45ab4e7e26ac23a0c949973327e7' and s.kind = 'user'",
    );
    expect(user!.text).toBe('Hello world!');
  });

  it('reads the real output sample alone, from usage', async () => {
    const alone = await runAudit({ files: findLogFiles([REAL]), config: parseAuditConfig({}), format: 'auto', threads: 2 });
    try {
      expect(alone.load).toMatchObject({ rowsRead: 2, rowsLoaded: 2, recordsMerged: 0 });
      expect(alone.summary.totals.costUsd).toBeCloseTo(0.00000915, 14);
    } finally {
      alone.db.close();
    }
  });
});
