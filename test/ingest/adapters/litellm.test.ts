// The LiteLLM spend-log adapter: LiteLLM_SpendLogs rows (JSONL, CSV cells, Parquet objects) to
// canonical requests, and a whole audit of the fixture with its USD worked out by hand.
import { describe, expect, it } from 'vitest';
import { auditedOnce } from './audited-once.js';
import { objectRecords } from './fixture-records.js';
import { litellmAdapter } from '../../../src/ingest/adapters/litellm.js';
import { heliconeAdapter } from '../../../src/ingest/adapters/helicone.js';
import { detectAdapter } from '../../../src/ingest/adapters/index.js';
import type { AdapterContext } from '../../../src/ingest/adapters/types.js';
import type { CanonicalRequest } from '../../../src/ingest/canonical.js';

const FIXTURE = new URL('../../fixtures/litellm/spend-logs.jsonl', import.meta.url).pathname;
const HELICONE_FIXTURE = new URL('../../fixtures/helicone/requests.jsonl', import.meta.url).pathname;
const CANONICAL_FIXTURE = new URL('../../fixtures/canonical/basic.jsonl', import.meta.url).pathname;

const rows = objectRecords(FIXTURE);
const context = (fieldPaths: Record<string, string> = {}): AdapterContext => ({ fieldPaths, rowHash: 'row-abc', file: FIXTURE });

function canonical(record: Record<string, unknown>, fieldPaths: Record<string, string> = {}): CanonicalRequest {
  const result = litellmAdapter.toCanonical(record, context(fieldPaths));
  if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`);
  return result.request;
}

/** A cell as the CSV reader delivers it: "" → null, numbers and true/false typed, JSON as text or parsed. */
function csvCell(value: unknown, jsonCells: 'text' | 'parsed'): unknown {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (text === '') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (jsonCells === 'parsed' && /^[{[]/.test(text)) return JSON.parse(text);
  return text;
}

const asCsvRow = (record: Record<string, unknown>, jsonCells: 'text' | 'parsed') =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, csvCell(value, jsonCells)]));

describe('litellm adapter: mapping spend-log rows', () => {
  it('maps a row with stored prompts: ids, time, tags, end user, bodies, latency and LiteLLM spend', () => {
    const request = canonical(rows[0]!);
    expect(request).toMatchObject({
      requestId: 'chatcmpl-A1b2C3',
      timestampMs: Date.UTC(2026, 4, 1, 12, 0, 0, 123),
      feature: 'kb-answer',
      userId: 'u7',
      sessionId: '3f9c1e2a-0b7d-4c1e-9a53-1d2e3f4a5b6c',
      provider: 'openai',
      model: 'gpt-4o',
      output: 'Refunds are issued within 5 business days of approval.',
      finishReason: 'stop',
      choiceCount: 1,
      latencyMs: 1840,
      ttftMs: 390,
      status: 'ok',
      batch: false,
      loggedCostUsd: 0.00547,
    });
    expect(request.messages).toEqual([
      { role: 'system', text: 'You answer from the knowledge base.' },
      { role: 'user', text: 'How long do refunds take?' },
    ]);
    expect(request.params).toEqual({ maxTokens: 512, temperature: 0, n: null, other: {} });
    expect(request.usage).toEqual({ inputTokens: 1500, outputTokens: 300, cachedInputTokens: 1024, cacheWriteTokens: null, cacheWrite1hTokens: null, reasoningTokens: 0 });
  });

  it('reads Anthropic cache reads and writes from metadata.usage_object, prompt_tokens already holding them', () => {
    const request = canonical(rows[1]!);
    expect(request.usage).toMatchObject({ inputTokens: 5000, outputTokens: 200, cachedInputTokens: 3000, cacheWriteTokens: 1000 });
    expect(request).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', feature: 'support-chat', userId: 'u12', sessionId: 'conv-88', latencyMs: 3250, ttftMs: 800 });
  });

  it('falls back to usage only when prompts were not stored (messages and response are {})', () => {
    const request = canonical(rows[1]!);
    expect(request.messages).toBeNull();
    expect(request.output).toBeNull();
  });

  it('adds cache writes back when an older LiteLLM left them out of prompt_tokens (50 < 0 reads + 2,000 writes)', () => {
    expect(canonical(rows[2]!).usage).toMatchObject({ inputTokens: 2050, cachedInputTokens: 0, cacheWriteTokens: 2000, outputTokens: 100 });
  });

  it('takes the key owner `user` when end_user is empty, and "unknown" when there is no tag', () => {
    expect(canonical(rows[2]!)).toMatchObject({ userId: 'svc-support', feature: 'unknown' });
  });

  it('marks status "failure" as an error with the tokens it billed (none)', () => {
    expect(canonical(rows[3]!)).toMatchObject({ status: 'error', feature: 'classify', loggedCostUsd: 0, ttftMs: null, latencyMs: 420 });
    expect(canonical(rows[3]!).usage).toMatchObject({ inputTokens: 0, outputTokens: 0 });
  });

  it('keeps a response-cache hit as a call that billed nothing (LiteLLM logged $0; the provider was not called)', () => {
    const request = canonical(rows[4]!);
    expect(request).toMatchObject({ requestId: 'chatcmpl-Z9y8X7_cache_hit1777637100.52', loggedCostUsd: 0, status: 'ok' });
    expect(request.usage).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    expect(request.params.other).toMatchObject({ gateway_cache_hit: true });
  });

  it('takes the feature from metadata.spend_logs_metadata.feature when the row has no tags', () => {
    const record = { ...rows[2]!, metadata: { spend_logs_metadata: { feature: 'refund-bot' } } };
    expect(canonical(record).feature).toBe('refund-bot');
  });

  it('lets the config `fields:` mapping name the feature and user, reaching into JSON-text metadata', () => {
    const request = canonical(rows[0]!, { feature: 'metadata.user_api_key_alias', user_id: 'team_id' });
    expect(request).toMatchObject({ feature: 'kb-service', userId: 'team-kb' });
  });

  it('strips the routing prefix from the model when it names the provider (openai/gpt-4o → gpt-4o)', () => {
    expect(canonical({ ...rows[4]!, model: 'openai/gpt-4o-mini' }).model).toBe('gpt-4o-mini');
  });

  it('reads the prompt from the messages column that older releases filled', () => {
    const record = { ...rows[2]!, messages: JSON.stringify([{ role: 'user', content: 'Hi' }]) };
    expect(canonical(record).messages).toEqual([{ role: 'user', text: 'Hi' }]);
  });

  it('reads an Anthropic /v1/messages body: system apart, content blocks and an Anthropic response', () => {
    const record = {
      ...rows[2]!,
      proxy_server_request: { model: 'claude-sonnet-4-5', max_tokens: 300, system: [{ type: 'text', text: 'Be brief.' }], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] },
      response: { type: 'message', content: [{ type: 'text', text: 'Hi there' }], stop_reason: 'end_turn' },
    };
    const request = canonical(record);
    expect(request.messages).toEqual([{ role: 'system', text: 'Be brief.' }, { role: 'user', text: 'Hello' }]);
    expect(request).toMatchObject({ output: 'Hi there', finishReason: 'end_turn', params: { maxTokens: 300 } });
  });

  it('uses the row hash as request_id when the row has none', () => {
    expect(canonical({ ...rows[4]!, request_id: null }).requestId).toBe('row-abc');
  });
});

describe('litellm adapter: CSV and Parquet cell shapes', () => {
  it('maps a CSV row (JSON columns as text, numbers typed, empty cells null) like its JSONL line', () => {
    const csvRow = {
      request_id: 'chatcmpl-A1b2C3', call_type: 'acompletion', api_key: '88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b',
      spend: 0.00547, total_tokens: 1800, prompt_tokens: 1500, completion_tokens: 300,
      startTime: '2026-05-01 12:00:00.123', endTime: '2026-05-01 12:00:01.963', completionStartTime: '2026-05-01 12:00:00.513', request_duration_ms: 1840,
      model: 'gpt-4o', model_id: 'd1f0e3', model_group: 'gpt-4o', custom_llm_provider: 'openai', api_base: 'https://api.openai.com/v1', user: 'internal-ops', team_id: 'team-kb',
      metadata: rows[0]!.metadata as string, cache_hit: 'False', cache_key: 'Cache OFF',
      request_tags: '["kb-answer","User-Agent: OpenAI/Python 1.68.2"]', end_user: 'u7', requester_ip_address: '10.0.0.7', messages: '{}',
      response: rows[0]!.response as string, proxy_server_request: rows[0]!.proxy_server_request as string,
      session_id: '3f9c1e2a-0b7d-4c1e-9a53-1d2e3f4a5b6c', status: 'success',
    };
    expect(typeof csvRow.metadata).toBe('string');
    expect(canonical(csvRow)).toEqual(canonical(rows[0]!));
  });

  it('maps every fixture row the same from CSV cells, JSON as text or parsed, as from JSONL', () => {
    for (const row of rows.slice(0, 5)) {
      expect(canonical(asCsvRow(row, 'text'))).toEqual(canonical(row));
      expect(canonical(asCsvRow(row, 'parsed'))).toEqual(canonical(row));
    }
  });

  it('reads digit strings as counts (a text dump of the table)', () => {
    expect(canonical({ ...rows[4]!, cache_hit: 'False', prompt_tokens: '2000', completion_tokens: '10', spend: '0' }).usage).toMatchObject({ inputTokens: 2000, outputTokens: 10 });
  });
});

describe('litellm adapter: quarantine', () => {
  const reject = (record: Record<string, unknown>) => litellmAdapter.toCanonical(record, context());

  it('quarantines a negative count as "negative token count", naming the field and value', () => {
    expect(reject(rows[5]!)).toEqual({ ok: false, reason: 'negative token count', detail: 'prompt_tokens: expected a non-negative integer, got -3' });
  });

  it('quarantines a negative count inside metadata.usage_object', () => {
    const result = reject({ ...rows[1]!, metadata: { usage_object: { prompt_tokens: 5000, cache_read_input_tokens: -1 } } });
    expect(result).toEqual({ ok: false, reason: 'negative token count', detail: 'metadata.usage_object.cache_read_input_tokens: expected a non-negative integer, got -1' });
  });

  it('quarantines an unreadable startTime as "invalid timestamp"', () => {
    expect(reject(rows[6]!)).toEqual({ ok: false, reason: 'invalid timestamp', detail: 'startTime: cannot read "yesterday" as ISO 8601 or epoch seconds/ms' });
  });

  it('quarantines a row without startTime, and one without model or model_group, as "missing field"', () => {
    const { startTime: _dropped, ...noStart } = rows[4]!;
    expect(reject(noStart)).toEqual({ ok: false, reason: 'missing field', detail: 'startTime is required' });
    expect(reject({ ...rows[4]!, model: '', model_group: null })).toEqual({ ok: false, reason: 'missing field', detail: 'model (or model_group) is required' });
  });

  it('quarantines cache reads above the prompt tokens as "invalid field"', () => {
    const result = reject({ ...rows[1]!, prompt_tokens: 100 });
    expect(result).toMatchObject({ ok: false, reason: 'invalid field' });
  });

  it('quarantines a stored prompt with an unknown role as "invalid field"', () => {
    const result = reject({ ...rows[0]!, proxy_server_request: { messages: [{ role: 'narrator', content: 'x' }] } });
    expect(result).toEqual({ ok: false, reason: 'invalid field', detail: 'proxy_server_request.messages[0].role: unknown role "narrator"' });
  });

  it('quarantines request_tags that are not a list as "invalid field"', () => {
    expect(reject({ ...rows[0]!, request_tags: 'kb-answer' })).toMatchObject({ ok: false, reason: 'invalid field' });
  });
});

describe('litellm adapter: detection', () => {
  it('claims every spend-log row, the malformed ones included, before the canonical adapter does', () => {
    for (const row of rows) expect(detectAdapter(row)?.format).toBe('litellm');
  });

  it('does not claim canonical records or Helicone rows', () => {
    for (const record of objectRecords(CANONICAL_FIXTURE)) expect(litellmAdapter.detect(record)).toBe(false);
    for (const record of objectRecords(HELICONE_FIXTURE)) expect(litellmAdapter.detect(record)).toBe(false);
    for (const row of rows) expect(heliconeAdapter.detect(row)).toBe(false);
  });
});

describe('litellm adapter: the whole audit of the fixture', () => {
  const audited = auditedOnce(FIXTURE);

  it('loads five requests and quarantines the two malformed rows', () => {
    expect(audited.run.summary.input).toMatchObject({ rowsRead: 7, rowsLoaded: 5, rowsQuarantined: 2, rowsByFormat: { litellm: 5 } });
    expect(audited.run.summary.input.quarantineByReason).toEqual({ 'negative token count': 1, 'invalid timestamp': 1 });
  });

  it('totals tokens and USD as worked out by hand from the catalogue rates', () => {
    // gpt-4o: 476 uncached × $2.50 + 1,024 cached × $1.25 + 300 out × $10 per MTok = $0.005470
    // claude-sonnet-4-5: 1,000 uncached × $3 + 3,000 read × $0.30 + 1,000 write × $3.75 + 200 out × $15 = $0.010650
    // claude-sonnet-4-5 (writes added back): 50 × $3 + 2,000 write × $3.75 + 100 out × $15 = $0.009150
    // gpt-4o-mini failure: 0 tokens, $0
    // gpt-4o-mini response-cache hit: served by LiteLLM, not billed: $0
    expect(audited.run.summary.totals.requests).toBe(5);
    expect(audited.run.summary.totals.inputTokens).toBe(1500 + 5000 + 2050 + 0 + 0);
    expect(audited.run.summary.totals.outputTokens).toBe(300 + 200 + 100 + 0 + 0);
    expect(audited.run.summary.totals.cachedInputTokens).toBe(1024 + 3000);
    expect(audited.run.summary.totals.costUsd).toBeCloseTo(0.02527, 12);
  });
});
