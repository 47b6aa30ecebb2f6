// history_overflow takes a request's waste as the sum over its oldest messages from the first
// one over a limit back, read off a window in message order (the same every run); here it is
// held to the plain sum of the messages over either limit, on a sample day.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSample } from '../../samples/generator.js';
import { runAudit, type AuditRun } from '../../src/audit.js';
import { parseAuditConfig } from '../../src/config/audit.js';
import { findLogFiles } from '../../src/ingest/read.js';

describe('history_overflow on a sample day', () => {
  let run: AuditRun;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-history-'));
    await writeSample({ outDir: dir, requests: 500, seed: 13, profile: 'default' });
    run = await runAudit({ files: findLogFiles([join(dir, 'logs')]), config: parseAuditConfig({ waste: { history: { maxMessages: 3, maxTokens: 300 } } }), format: 'auto', threads: 2 });
  });

  afterAll(() => run.db.close());

  it('wastes exactly the tokens and cost of the messages over either limit', async () => {
    const rows = await run.db.readSql<{ request_id: string; tokens: number; expected_tokens: number; cost_usd: number; expected_cost: number }>(`
      with ranked as (
          select request_id, ordinal, tokens, cost_usd,
                 row_number() over (partition by request_id order by ordinal desc) as newest_rank,
                 sum(tokens) over (partition by request_id order by ordinal desc rows between unbounded preceding and current row) as so_far
          from segment_billing
          where kind = 'history'
      ),
      expected as (
          select request_id, sum(tokens order by ordinal) as tokens, sum(cost_usd order by ordinal) as cost_usd
          from ranked
          where newest_rank > 3 or so_far > 300
          group by request_id
      )
      select coalesce(w.request_id, e.request_id) as request_id, w.tokens, e.tokens as expected_tokens, w.cost_usd, e.cost_usd as expected_cost
      from (select * from request_waste where category = 'history_overflow') as w
      full join (select * from expected anti join wasted_whole using (request_id)) as e using (request_id)`);
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) {
      expect(row.tokens).toBeCloseTo(row.expected_tokens, 9);
      expect(row.cost_usd / row.expected_cost).toBeCloseTo(1, 12);
    }
  });
});
