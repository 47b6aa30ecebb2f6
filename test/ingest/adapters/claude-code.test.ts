// Claude Code session folders: one call written on several content-block lines counts once;
// a resumed session's copied call counts once; costs by hand from the catalogue's rates.
import { describe, expect, it } from 'vitest';
import { auditedOnce } from './audited-once.js';
import { claudeCodeAdapter, projectOf } from '../../../src/ingest/adapters/claude-code.js';
import { canonicalAdapter } from '../../../src/ingest/adapters/canonical.js';

const PROJECTS = new URL('../../fixtures/claude-code/projects', import.meta.url).pathname;

describe('claude-code adapter', () => {
  const audited = auditedOnce(PROJECTS);

  it('counts 14 lines as 4 calls: 2 repeated content-block lines merged, 6 non-call lines skipped, a resumed copy already loaded', () => {
    expect(audited.run.load).toMatchObject({
      rowsRead: 6,
      rowsLoaded: 4,
      rowsAlreadyLoaded: 1,
      rowsQuarantined: 1,
      recordsMerged: 2,
      recordsSkipped: 6,
      quarantineByReason: { 'invalid json': 1 },
      rowsByFormat: { 'claude-code': 5 },
    });
  });

  it('adds cache reads and writes back into the input and prices 5-minute and 1-hour writes apart', () => {
    // msg_A sonnet-4-5: 3 × $3 + 1,200 written (5 m) × $3.75 + 45 out × $15 per MTok = $0.005184
    // msg_B sonnet-4-5: 5 × $3 + 1,200 read × $0.30 + 300 written (1 h) × $6 + 80 × $15  = $0.003375
    // msg_C haiku-4-5 (subagent): 100 × $1 + 20 × $5                                   = $0.000200
    // msg_D sonnet-4-5: 10 × $3 + 30 × $15                                             = $0.000480
    expect(audited.run.summary.totals.inputTokens).toBe(1203 + 1505 + 100 + 10);
    expect(audited.run.summary.totals.outputTokens).toBe(45 + 80 + 20 + 30);
    expect(audited.run.summary.totals.cachedInputTokens).toBe(1200);
    expect(audited.run.summary.totals.costUsd).toBeCloseTo(0.009239, 12);
  });

  it('takes the largest output count of a call written on several lines (streamed lines carry partial counts)', async () => {
    const [row] = await audited.run.db.readSql<{ output: number }>("select usage_output_tokens as output from requests where request_id = 'msg_A:req_A'");
    expect(Number(row!.output)).toBe(45);
  });

  it('makes the project folder the feature and the sessionId the session, subagents included', async () => {
    const rows = await audited.run.db.readSql<{ request_id: string; feature: string; session_id: string }>('select request_id, feature, session_id from requests order by request_id');
    expect(rows).toEqual([
      { request_id: 'msg_A:req_A', feature: '-home-dev-shop', session_id: 'sess-1' },
      // The resumed session's file sorts first: the copy there is the sighting kept.
      { request_id: 'msg_B:req_B', feature: '-home-dev-blog', session_id: 'sess-2' },
      { request_id: 'msg_C:req_C', feature: '-home-dev-shop', session_id: 'sess-1' },
      { request_id: 'msg_D:req_D', feature: '-home-dev-blog', session_id: 'sess-2' },
    ]);
  });

  it('recounts the output from every content block of the call but the (summarized) thinking', async () => {
    const [row] = await audited.run.db.readSql<{ text: string }>(
      "select t.text from segments s join texts t using (text_hash) where s.request_id = 'msg_A:req_A' and s.kind = 'output'",
    );
    expect(row!.text).toBe('I\'ll add the field.\nEdit({"file_path":"cart.ts"})');
  });

  it('recognizes session lines but not canonical records', () => {
    expect(claudeCodeAdapter.detect({ type: 'user', sessionId: 's', message: { role: 'user', content: 'hi' } }, {})).toBe(true);
    expect(claudeCodeAdapter.detect({ type: 'summary', summary: 'x', leafUuid: 'u' }, {})).toBe(true);
    const canonical = { timestamp: '2026-11-20T00:00:00Z', model: 'gpt-4o', messages: [], session_id: 's' };
    expect(claudeCodeAdapter.detect(canonical, {})).toBe(false);
    expect(canonicalAdapter.detect(canonical, {})).toBe(true);
  });

  it('finds the project folder under .claude/projects, else the file\'s folder', () => {
    expect(projectOf('/home/me/.claude/projects/-home-me-app/abc.jsonl')).toBe('-home-me-app');
    expect(projectOf('/home/me/.claude/projects/-home-me-app/abc/subagents/agent-1.jsonl')).toBe('-home-me-app');
    expect(projectOf('/exports/cc/abc.jsonl')).toBe('cc');
  });
});
