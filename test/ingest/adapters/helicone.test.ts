// The Helicone export adapter: request rows (JSONL, CSV cells) to canonical requests, with
// Helicone's prompt_tokens (cache reads and writes excluded, for OpenAI and Anthropic alike) made
// whole again, and a whole audit of the fixture with its USD worked out by hand.
import { describe, expect, it } from 'vitest';
import { auditedOnce } from './audited-once.js';
import { objectRecords } from './fixture-records.js';
import { heliconeAdapter } from '../../../src/ingest/adapters/helicone.js';
import { litellmAdapter } from '../../../src/ingest/adapters/litellm.js';
import { detectAdapter } from '../../../src/ingest/adapters/index.js';
import type { AdapterContext } from '../../../src/ingest/adapters/types.js';
import type { CanonicalRequest } from '../../../src/ingest/canonical.js';

const FIXTURE = new URL('../../fixtures/helicone/requests.jsonl', import.meta.url).pathname;
const LITELLM_FIXTURE = new URL('../../fixtures/litellm/spend-logs.jsonl', import.meta.url).pathname;
const CANONICAL_FIXTURE = new URL('../../fixtures/canonical/basic.jsonl', import.meta.url).pathname;

const rows = objectRecords(FIXTURE);
const context = (fieldPaths: Record<string, string> = {}): AdapterContext => ({ fieldPaths, rowHash: 'row-abc', file: FIXTURE });

function canonical(record: Record<string, unknown>, fieldPaths: Record<string, string> = {}): CanonicalRequest {
  const result = heliconeAdapter.toCanonical(record, context(fieldPaths));
  if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`);
  return result.request;
}

describe('helicone adapter: mapping export rows', () => {
  it('maps an OpenAI row: ids, time, properties, user, bodies, latency and Helicone cost', () => {
    const request = canonical(rows[0]!);
    expect(request).toMatchObject({
      requestId: '0f2b6c1e-3a4d-4e5f-8a9b-000000000001',
      timestampMs: Date.UTC(2026, 4, 2, 9, 0, 0, 0),
      feature: 'kb-answer',
      userId: 'u7',
      sessionId: 's-1',
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      output: 'Refunds are issued within 5 business days of approval.',
      finishReason: 'stop',
      latencyMs: 1840,
      ttftMs: 390,
      status: 'ok',
      loggedCostUsd: 0.00547,
    });
    expect(request.messages).toEqual([
      { role: 'system', text: 'You answer from the knowledge base.' },
      { role: 'user', text: 'How long do refunds take?' },
    ]);
    expect(request.params).toMatchObject({ maxTokens: 512, temperature: 0 });
  });

  it('adds OpenAI cache reads back to prompt_tokens, which Helicone stores without them (476 + 1,024)', () => {
    expect(canonical(rows[0]!).usage).toEqual({ inputTokens: 1500, outputTokens: 300, cachedInputTokens: 1024, cacheWriteTokens: 0, cacheWrite1hTokens: null, reasoningTokens: 0 });
  });

  it('adds Anthropic cache reads and writes back to prompt_tokens (1,000 + 3,000 + 1,000)', () => {
    const request = canonical(rows[1]!);
    expect(request.usage).toMatchObject({ inputTokens: 5000, outputTokens: 200, cachedInputTokens: 3000, cacheWriteTokens: 1000 });
    expect(request).toMatchObject({ provider: 'anthropic', feature: 'support-chat', sessionId: 'conv-88', finishReason: 'end_turn' });
    expect(request.messages).toEqual([
      { role: 'system', text: 'You are the support assistant for Acme.' },
      { role: 'user', text: 'My order 1182 never arrived.' },
    ]);
    expect(request.output).toBe('Sorry about that - I have reshipped order 1182.');
  });

  it('takes the 1-hour cache writes from the Anthropic response body', () => {
    expect(canonical(rows[2]!).usage).toMatchObject({ inputTokens: 4000, cacheWriteTokens: 2000, cacheWrite1hTokens: 2000 });
  });

  it('reads a property by name case-insensitively, with or without the Helicone-Property- prefix', () => {
    expect(canonical(rows[2]!).feature).toBe('support-chat');
    expect(canonical({ ...rows[2]!, request_properties: { 'helicone-property-FEATURE': 'triage' } }).feature).toBe('triage');
  });

  it('marks a response status of 400 or more as an error', () => {
    const request = canonical(rows[3]!);
    expect(request).toMatchObject({ status: 'error', feature: 'classify', output: null, loggedCostUsd: 0 });
    expect(request.usage).toMatchObject({ inputTokens: 0, outputTokens: 0 });
  });

  it('falls back to usage only when the export has no bodies (the signed-URL placeholder)', () => {
    const request = canonical(rows[4]!);
    expect(request.messages).toBeNull();
    expect(request.output).toBeNull();
    expect(request.usage).toMatchObject({ inputTokens: 2000, cachedInputTokens: 1024, outputTokens: 100 });
  });

  it('counts reasoning tokens, which Helicone keeps apart from completion_tokens, in the output', () => {
    const request = canonical({ ...rows[4]!, model: 'o3-mini', completion_tokens: 100, reasoning_tokens: 640 });
    expect(request.usage).toMatchObject({ outputTokens: 740, reasoningTokens: 640 });
  });

  it('takes usage from the response body when the token columns are missing (OpenAI prompt_tokens already whole)', () => {
    const { prompt_tokens: _p, completion_tokens: _c, reasoning_tokens: _r, prompt_cache_read_tokens: _cr, prompt_cache_write_tokens: _cw, ...bodyOnly } = rows[0]!;
    expect(canonical(bodyOnly).usage).toMatchObject({ inputTokens: 1500, outputTokens: 300, cachedInputTokens: 1024 });
  });

  it('lets the config `fields:` mapping name the feature, reaching into the properties', () => {
    expect(canonical(rows[0]!, { feature: 'request_properties.Helicone-Session-Id' }).feature).toBe('s-1');
  });

  it('uses id when request_id is absent, and the row hash when both are', () => {
    const { request_id: _id, ...noRequestId } = rows[4]!;
    expect(canonical({ ...noRequestId, id: 'h-77' }).requestId).toBe('h-77');
    expect(canonical(noRequestId).requestId).toBe('row-abc');
  });
});

describe('helicone adapter: CSV cell shapes', () => {
  it('maps the export tool CSV columns (JSON cells as text, numbers typed) like the JSONL row', () => {
    // The export tool's CSV: response_id, response_created_at, response_status, request_created_at,
    // request_body, request_properties, request_user_id, model, prompt_tokens, completion_tokens, latency, cost.
    const csvRow = {
      response_id: '5c7f1a0e-8f3b-4d2a-9e1c-000000000005',
      response_created_at: null,
      response_status: 200,
      request_created_at: '2026-05-02 09:20:00.000',
      request_body: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Classify: where is my parcel?"}]}',
      request_properties: '{"Feature":"classify"}',
      request_user_id: 'u9',
      model: 'gpt-4o-mini',
      prompt_tokens: 976,
      completion_tokens: 100,
      latency: 640,
      cost: 0.0002832,
    };
    const request = canonical(csvRow);
    expect(request).toMatchObject({ requestId: 'row-abc', feature: 'classify', userId: 'u9', provider: 'openai', latencyMs: 640, loggedCostUsd: 0.0002832 });
    expect(request.messages).toEqual([{ role: 'user', text: 'Classify: where is my parcel?' }]);
    // this CSV has no cache columns: the cache reads are unknown and prompt_tokens is all the input we see
    expect(request.usage).toMatchObject({ inputTokens: 976, outputTokens: 100, cachedInputTokens: null });
  });

  it('maps every fixture row the same when its JSON columns arrive as text', () => {
    for (const row of rows.slice(0, 5)) {
      const asText = Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value !== null && typeof value === 'object' ? JSON.stringify(value) : value]));
      expect(canonical(asText)).toEqual(canonical(row));
    }
  });

  it('reads digit strings as counts and statuses', () => {
    const request = canonical({ ...rows[3]!, response_status: '429', prompt_tokens: '0', completion_tokens: '0' });
    expect(request.status).toBe('error');
  });
});

describe('helicone adapter: quarantine', () => {
  const reject = (record: Record<string, unknown>) => heliconeAdapter.toCanonical(record, context());

  it('quarantines an unreadable request_created_at as "invalid timestamp"', () => {
    expect(reject(rows[5]!)).toEqual({ ok: false, reason: 'invalid timestamp', detail: 'request_created_at: cannot read "not a date" as ISO 8601 or epoch seconds/ms' });
  });

  it('quarantines a negative cache count as "negative token count"', () => {
    expect(reject(rows[6]!)).toEqual({ ok: false, reason: 'negative token count', detail: 'prompt_cache_read_tokens: expected a non-negative integer, got -5' });
  });

  it('quarantines a negative count in the response body usage', () => {
    const { prompt_tokens: _p, ...noColumn } = rows[0]!;
    const result = reject({ ...noColumn, response_body: { usage: { prompt_tokens: -3, completion_tokens: 1 } } });
    expect(result).toEqual({ ok: false, reason: 'negative token count', detail: 'response_body.usage.prompt_tokens: expected a non-negative integer, got -3' });
  });

  it('quarantines a row with no model anywhere as "missing field"', () => {
    const result = reject({ ...rows[4]!, model: null });
    expect(result).toEqual({ ok: false, reason: 'missing field', detail: 'model (or request_model, response_model) is required' });
  });

  it('quarantines request_properties that are not an object as "invalid field"', () => {
    expect(reject({ ...rows[4]!, request_properties: 'feature=classify' })).toMatchObject({ ok: false, reason: 'invalid field' });
  });

  it('quarantines a request body message without a role as "invalid field"', () => {
    const result = reject({ ...rows[0]!, request_body: { messages: [{ content: 'hi' }] } });
    expect(result).toEqual({ ok: false, reason: 'invalid field', detail: 'request_body.messages[0]: expected a message with a role, got {"content":"hi"}' });
  });
});

describe('helicone adapter: detection', () => {
  it('claims every export row, the malformed ones included', () => {
    for (const row of rows) expect(detectAdapter(row)?.format).toBe('helicone');
  });

  it('does not claim canonical records or LiteLLM rows', () => {
    for (const record of objectRecords(CANONICAL_FIXTURE)) expect(heliconeAdapter.detect(record)).toBe(false);
    for (const record of objectRecords(LITELLM_FIXTURE)) expect(heliconeAdapter.detect(record)).toBe(false);
    for (const row of rows) expect(litellmAdapter.detect(row)).toBe(false);
  });
});

describe('helicone adapter: the whole audit of the fixture', () => {
  const audited = auditedOnce(FIXTURE);

  it('loads five requests and quarantines the two malformed rows', () => {
    expect(audited.run.summary.input).toMatchObject({ rowsRead: 7, rowsLoaded: 5, rowsQuarantined: 2, rowsByFormat: { helicone: 5 } });
    expect(audited.run.summary.input.quarantineByReason).toEqual({ 'invalid timestamp': 1, 'negative token count': 1 });
  });

  it('totals tokens and USD as worked out by hand from the catalogue rates', () => {
    // gpt-4o: 476 uncached × $2.50 + 1,024 cached × $1.25 + 300 out × $10 per MTok = $0.005470
    // claude-sonnet-4-5: 1,000 uncached × $3 + 3,000 read × $0.30 + 1,000 write × $3.75 + 200 out × $15 = $0.010650
    // claude-sonnet-4-5: 2,000 uncached × $3 + 2,000 1-hour write × $6 + 100 out × $15 = $0.019500
    // gpt-4o-mini 429: 0 tokens, $0
    // gpt-4o-mini: 976 uncached × $0.15 + 1,024 cached × $0.075 + 100 out × $0.60 per MTok = $0.0002832
    expect(audited.run.summary.totals.requests).toBe(5);
    expect(audited.run.summary.totals.inputTokens).toBe(1500 + 5000 + 4000 + 0 + 2000);
    expect(audited.run.summary.totals.outputTokens).toBe(300 + 200 + 100 + 0 + 100);
    expect(audited.run.summary.totals.cachedInputTokens).toBe(1024 + 3000 + 0 + 0 + 1024);
    expect(audited.run.summary.totals.costUsd).toBeCloseTo(0.0359032, 12);
  });
});
