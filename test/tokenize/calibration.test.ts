// Recounts against logged usage: OpenAI's documented chat format reproduces billed prompt
// tokens exactly (drift 0); other families are calibrated to the logged input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditRun } from '../../src/audit.js';
import { parseAuditConfig } from '../../src/config/audit.js';
import { findLogFiles } from '../../src/ingest/read.js';

const FIXTURE = new URL('../fixtures/canonical/chat-format.jsonl', import.meta.url).pathname;

describe('token recount and calibration', () => {
  let run: AuditRun;
  beforeAll(async () => {
    run = await runAudit({ files: findLogFiles([FIXTURE]), config: parseAuditConfig({}), format: 'auto', threads: 2 });
  });
  afterAll(() => run.db.close());

  const drift = (model: string) => run.summary.models.find((m) => m.model === model)?.tokenDrift;

  it('reproduces the prompt tokens OpenAI billed for its cookbook example, names included', async () => {
    // OpenAI cookbook "How to count tokens": 124 prompt tokens on gpt-4o and gpt-4o-mini, 129 on gpt-4-0613 and gpt-3.5-turbo
    const rows = await run.db.readSql<{ request_id: string; recounted_input_tokens: string }>(
      "select request_id, recounted_input_tokens from request_tokens where request_id like 'cookbook-%' order by request_id",
    );
    expect(Object.fromEntries(rows.map((r) => [r.request_id, Number(r.recounted_input_tokens)]))).toEqual({
      'cookbook-gpt-3.5-turbo': 129,
      'cookbook-gpt-4-0613': 129,
      'cookbook-gpt-4o': 124,
      'cookbook-gpt-4o-mini': 124,
    });
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'gpt-4-0613', 'gpt-3.5-turbo']) expect(drift(model)).toBe(0);
  });

  it("scales a Claude request's segments so they add up to the logged input exactly", async () => {
    const rows = await run.db.readSql<{ request_id: string; tokens: number }>(
      "select request_id, sum(tokens) as tokens from segment_billing where request_id like 'claude-%' group by request_id order by request_id",
    );
    expect(rows.map((r) => [r.request_id, r.tokens])).toEqual([
      ['claude-1', expect.closeTo(90, 9)],
      ['claude-2', expect.closeTo(30, 9)],
    ]);
  });

  it('reports the drift of an approximate encoding: (9+5+12+9 + 9+6) / (90+30) − 1', () => {
    expect(drift('claude-sonnet-4-5')).toBeCloseTo(50 / 120 - 1, 12);
  });
});
