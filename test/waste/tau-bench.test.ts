// Real data: 20 tau-bench airline agent conversations (gpt-4o) that all open with the same
// 6,155-character system prompt, one request per conversation a minute apart. Expected
// numbers counted by hand with o200k_base (see test/fixtures/tau-bench/make.mjs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditRun } from '../../src/audit.js';
import { parseAuditConfig } from '../../src/config/audit.js';
import { findLogFiles } from '../../src/ingest/read.js';

const FIXTURE = new URL('../fixtures/tau-bench/airline-20.jsonl', import.meta.url).pathname;
const SYSTEM_PROMPT_TOKENS = 1248;

describe('waste in real agent conversations', () => {
  let run: AuditRun;
  let waste: Map<string, number>;
  beforeAll(async () => {
    run = await runAudit({ files: findLogFiles([FIXTURE]), config: parseAuditConfig({}), format: 'auto', threads: 2 });
    const rows = await run.db.readSql<{ key: string; tokens: number }>("select request_id || '/' || category as key, tokens from request_waste");
    waste = new Map(rows.map((r) => [r.key, Number(r.tokens)]));
  });
  afterAll(() => run.db.close());

  it('does not count the first sending of the shared system prompt', () => {
    expect(waste.get('tau-0/repeated_system_prompt')).toBeUndefined();
  });

  it('counts every later sending within the hour as a repeated system prompt', () => {
    for (let i = 1; i < 20; i++) expect(waste.get(`tau-${i}/repeated_system_prompt`)).toBe(SYSTEM_PROMPT_TOKENS);
    expect(run.summary.wasteByCategory.repeated_system_prompt.tokens).toBe(19 * SYSTEM_PROMPT_TOKENS);
  });

  it('counts history beyond six messages or 4,000 tokens, newest first', () => {
    // tau-1: 8 history messages, the oldest 2 are 80 tokens
    expect(waste.get('tau-1/history_overflow')).toBe(80);
    expect(waste.get('tau-8/history_overflow')).toBe(279);
    expect(waste.get('tau-9/history_overflow')).toBe(1483);
    expect(waste.get('tau-16/history_overflow')).toBe(162);
    // tau-3: 56 history messages with tool calls rendered as name(arguments)
    expect(waste.get('tau-3/history_overflow')).toBe(5443);
  });
});
