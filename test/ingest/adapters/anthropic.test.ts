// The anthropic adapter: Messages API request/response pairs mapped to canonical requests
// (cache reads and writes added back into the input), and the audit of a small log whose
// cost, 5-minute and 1-hour cache writes included, is worked out by hand.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditedOnce } from './audited-once.js';
import { objectRecords } from './fixture-records.js';
import { anthropicAdapter } from '../../../src/ingest/adapters/anthropic.js';
import { openaiAdapter } from '../../../src/ingest/adapters/openai.js';
import { canonicalAdapter } from '../../../src/ingest/adapters/canonical.js';
import { detectAdapter } from '../../../src/ingest/adapters/index.js';
import type { AdapterContext, AdapterResult } from '../../../src/ingest/adapters/types.js';
import type { CanonicalRequest } from '../../../src/ingest/canonical.js';
import { DEFAULT_RETRIEVAL_EXTRACT } from '../../../src/config/audit.js';
import { Database } from '../../../src/db.js';
import { loadLogFiles } from '../../../src/ingest/load.js';
import { findLogFiles } from '../../../src/ingest/read.js';

const FIXTURE = new URL('../../fixtures/anthropic/messages.jsonl', import.meta.url).pathname;
const OPENAI_FIXTURE = new URL('../../fixtures/openai/chat-and-responses.jsonl', import.meta.url).pathname;
const CANONICAL_FIXTURE = new URL('../../fixtures/canonical/basic.jsonl', import.meta.url).pathname;
const readRecords = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
const fixtureLines = readRecords(FIXTURE);
const [cacheWrite, cacheRead, agentTurn, thinking, overloaded, noTimestamp] = fixtureLines as [
  Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>,
];
const context: AdapterContext = { fieldPaths: {}, rowHash: 'row-abc', file: FIXTURE };

function mapped(record: Record<string, unknown>, ctx: AdapterContext = context): CanonicalRequest {
  const result = anthropicAdapter.toCanonical(record, ctx);
  if (!result.ok) throw new Error(`quarantined: ${result.reason}: ${result.detail}`);
  return result.request;
}

function rejected(record: Record<string, unknown>): AdapterResult & { ok: false } {
  const result = anthropicAdapter.toCanonical(record, context);
  if (result.ok) throw new Error('expected a quarantine');
  return result;
}

const message = (usage: Record<string, unknown>, response: Record<string, unknown> = {}) => ({
  timestamp: '2026-11-20T10:00:00Z',
  request: { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] },
  response: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'Hello' }], stop_reason: 'end_turn', usage, ...response },
});

describe('anthropic adapter: usage', () => {
  it('adds cache writes back into the input: 120 + 2,000 written = 2,120 prompt tokens', () => {
    expect(mapped(cacheWrite).usage).toEqual({ inputTokens: 2120, outputTokens: 250, cachedInputTokens: 0, cacheWriteTokens: 2000, cacheWrite1hTokens: 0, reasoningTokens: null });
  });

  it('adds cache reads back into the input: 300 + 2,000 read = 2,300 prompt tokens', () => {
    expect(mapped(cacheRead).usage).toMatchObject({ inputTokens: 2300, cachedInputTokens: 2000, cacheWriteTokens: 0 });
  });

  it('keeps the 1-hour part of the cache writes apart: 50 + 4,000 written (3,000 for 1 h) + 2,000 read', () => {
    expect(mapped(agentTurn).usage).toEqual({ inputTokens: 6050, outputTokens: 120, cachedInputTokens: 2000, cacheWriteTokens: 4000, cacheWrite1hTokens: 3000, reasoningTokens: null });
  });

  it('sums the TTL breakdown when the total write count is not logged', () => {
    const usage = mapped(message({ input_tokens: 10, output_tokens: 1, cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 300 } })).usage;
    expect(usage).toMatchObject({ inputTokens: 510, cacheWriteTokens: 500, cacheWrite1hTokens: 300, cachedInputTokens: null });
  });

  it('marks a Message Batches result as billed at batch prices', () => {
    expect(mapped(message({ input_tokens: 10, output_tokens: 1, service_tier: 'batch' })).batch).toBe(true);
    expect(mapped(cacheWrite).batch).toBe(false);
  });
});

describe('anthropic adapter: request and response', () => {
  it('takes id, served model, time, feature, user and session from the response, request and metadata', () => {
    expect(mapped(cacheWrite)).toMatchObject({
      requestId: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      model: 'claude-sonnet-4-5-20250929',
      provider: 'anthropic',
      timestampMs: Date.UTC(2026, 10, 20, 10, 0, 0),
      feature: 'contract-review',
      userId: 'user-42',
      sessionId: 'c-7',
      latencyMs: 3100,
      status: 'ok',
      finishReason: 'end_turn',
      choiceCount: 1,
      output: 'Clause 4.2 deviates: the standard term is payment within 30 days of invoice.',
      params: { maxTokens: 1024, temperature: null, n: null, other: {} },
    });
  });

  it('joins the system text blocks into one system message', () => {
    const [system] = mapped(cacheWrite).messages!;
    expect(system?.role).toBe('system');
    expect(system?.text).toMatch(/^You are Acme's contract reviewer\. .*\n<standard_terms>1\. Payment is due within 30 days/s);
  });

  it('renders tool_use as name(input), calls a turn of tool results a tool message, and keeps tools as parameters', () => {
    const request = mapped(agentTurn);
    expect(request.messages?.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(request.messages?.[2]?.text).toBe('I\'ll search the filings.\nsearch_filings({"query":"Acme 2025 annual revenue"})');
    expect(request.messages?.[3]?.text).toBe('[10-K 2025, p.41] Total revenue was $48.2 million, up 12%.');
    expect(request.output).toBe('Let me confirm the segment breakdown.\nsearch_filings({"query":"Acme 2025 revenue by segment"})');
    expect(request).toMatchObject({ finishReason: 'tool_use', userId: 'user-8', params: { maxTokens: 2048, temperature: 0.2 } });
    expect(Object.keys(request.params.other)).toEqual(['tools']);
  });

  it('leaves thinking blocks out of the answer text', () => {
    expect(mapped(thinking)).toMatchObject({ output: 'No.', model: 'claude-haiku-4-5-20251001', usage: { inputTokens: 400, outputTokens: 900 } });
  });

  it('marks an error body as a failed call with zero usage, keeping its request_id', () => {
    expect(mapped(overloaded)).toMatchObject({
      requestId: 'req_011CSHoEeqs5C35K2UUqR7Fy',
      model: 'claude-sonnet-4-5',
      status: 'error',
      finishReason: 'error',
      output: null,
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: null, cacheWriteTokens: null },
    });
  });

  it('reads bodies that arrive as JSON text (CSV, Parquet)', () => {
    const record = { ...agentTurn, request: JSON.stringify(agentTurn.request), response: JSON.stringify(agentTurn.response), metadata: JSON.stringify(agentTurn.metadata) };
    expect(mapped(record)).toEqual(mapped(agentTurn));
  });

  it('uses the row hash as id when the log has none', () => {
    expect(mapped(message({ input_tokens: 1, output_tokens: 1 }, { id: undefined })).requestId).toBe('row-abc');
  });
});

describe('anthropic adapter: bad records', () => {
  it('quarantines a call without a timestamp: the response carries none', () => {
    expect(rejected(noTimestamp)).toEqual({ ok: false, reason: 'missing field', detail: 'timestamp is required (an Anthropic response carries no time)' });
  });

  it('takes the time from the config’s fields.timestamp path', () => {
    const record = { ...noTimestamp, logged_at: '2026-11-20T12:00:00Z' };
    expect(mapped(record, { ...context, fieldPaths: { timestamp: 'logged_at' } }).timestampMs).toBe(Date.UTC(2026, 10, 20, 12, 0, 0));
  });

  it('quarantines a negative count naming the field and value', () => {
    expect(rejected(message({ input_tokens: 10, output_tokens: 1, cache_read_input_tokens: -5 }))).toEqual({
      ok: false,
      reason: 'negative token count',
      detail: 'response.usage.cache_read_input_tokens: expected a non-negative integer, got -5',
    });
  });

  it('quarantines a 1-hour write count beyond the writes that include it', () => {
    const usage = { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 100, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 300 } };
    expect(rejected(message(usage)).reason).toBe('invalid field');
  });

  it('quarantines content that is not a message list', () => {
    const record = message({ input_tokens: 1, output_tokens: 1 });
    expect(rejected({ ...record, request: { ...record.request, messages: 'hello' } })).toEqual({ ok: false, reason: 'invalid field', detail: 'request.messages: expected a list of messages, got "hello"' });
  });
});

describe('anthropic adapter: detection', () => {
  it('claims Messages API records and error bodies', () => {
    for (const record of fixtureLines) expect(anthropicAdapter.detect(record)).toBe(true);
  });

  it('does not claim OpenAI records, canonical rows or Claude Code session lines', () => {
    const canonical = objectRecords(CANONICAL_FIXTURE);
    const claudeCode = { type: 'assistant', timestamp: '2025-06-14T10:00:30Z', sessionId: 's', requestId: 'req_001', message: { id: 'msg_002', type: 'message', role: 'assistant', model: 'claude-3-sonnet-20240229', content: [], usage: { input_tokens: 25, output_tokens: 120 } } };
    for (const record of [...readRecords(OPENAI_FIXTURE), ...canonical, claudeCode]) expect(anthropicAdapter.detect(record), JSON.stringify(record).slice(0, 80)).toBe(false);
    expect(canonical.length).toBeGreaterThan(5);
  });

  it('is what --format auto picks for these records', () => {
    for (const record of fixtureLines) expect(detectAdapter(record)?.format).toBe('anthropic');
    expect(openaiAdapter.detect(cacheWrite)).toBe(false);
    expect(canonicalAdapter.detect(cacheWrite)).toBe(false);
  });
});

describe('loading OpenAI, Anthropic and canonical logs together', () => {
  let db: Database;
  beforeEach(async () => {
    db = await Database.open();
  });
  afterEach(() => db.close());

  it('detects each file’s format row by row', async () => {
    const settings = { format: 'auto', fieldPaths: {}, extract: DEFAULT_RETRIEVAL_EXTRACT, encodings: {} };
    const stats = await loadLogFiles(db, findLogFiles([FIXTURE, OPENAI_FIXTURE, CANONICAL_FIXTURE]), { settings, threads: 2 });
    expect(stats.rowsByFormat).toEqual({ anthropic: 5, openai: 5, canonical: 6 });
  });
});

describe('auditing an Anthropic log', () => {
  const audited = auditedOnce(FIXTURE);

  it('loads the five calls and quarantines the one without a time', () => {
    expect(audited.run.summary.input).toEqual({
      rowsRead: 6,
      rowsLoaded: 5,
      rowsQuarantined: 1,
      rowsAlreadyLoaded: 0,
      quarantineByReason: { 'missing field': 1 },
      rowsByFormat: { anthropic: 5 },
      recordsMerged: 0,
      recordsSkipped: 0,
    });
  });

  it('totals input tokens with cache reads and writes added back', () => {
    expect(audited.run.summary.totals.requests).toBe(5);
    expect(audited.run.summary.totals.inputTokens).toBe(2120 + 2300 + 6050 + 400 + 0);
    expect(audited.run.summary.totals.outputTokens).toBe(250 + 180 + 120 + 900 + 0);
    expect(audited.run.summary.totals.cachedInputTokens).toBe(2000 + 2000);
  });

  it('prices 5-minute and 1-hour cache writes at their own rates', async () => {
    const rows = await audited.run.db.readSql<{ request_id: string; cost_usd: number }>("select request_id, cost_usd from request_costs where request_id = 'msg_01Hk2DxW9sLq4FvJ7bYn3TcE'");
    // 50 uncached × $3 + 2,000 read × $0.30 + 1,000 written 5 m × $3.75 + 3,000 written 1 h × $6 + 120 out × $15 per MTok = $0.024300
    expect(rows[0]?.cost_usd).toBeCloseTo(0.0243, 12);
  });

  it('prices the whole log at the catalogue rates, worked out by hand', () => {
    // sonnet-4-5 write:   120 × $3 + 2,000 written 5 m × $3.75 + 250 out × $15 per MTok = $0.011610
    // sonnet-4-5 read:    300 × $3 + 2,000 read × $0.30 + 180 out × $15 per MTok = $0.004200
    // sonnet-4-5 agent:   $0.024300 (above)
    // haiku-4-5 thinking: 400 × $1 + 900 out × $5 per MTok = $0.004900
    // overloaded error:   not billed, $0
    expect(audited.run.summary.totals.costUsd).toBeCloseTo(0.04501, 12);
  });

  it('counts the overloaded call as failed', () => {
    expect(audited.run.summary.wasteByCategory.failed_request.requests).toBe(1);
    expect(audited.run.summary.features.map((f) => f.feature).sort()).toEqual(['contract-review', 'quick-answer', 'research-agent']);
  });
});
