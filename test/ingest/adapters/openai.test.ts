// The openai adapter: Chat Completions and Responses API request/response pairs mapped to
// canonical requests, and the audit of a small log whose cost is worked out by hand.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditedOnce } from './audited-once.js';
import { objectRecords } from './fixture-records.js';
import { openaiAdapter } from '../../../src/ingest/adapters/openai.js';
import { anthropicAdapter } from '../../../src/ingest/adapters/anthropic.js';
import { canonicalAdapter } from '../../../src/ingest/adapters/canonical.js';
import type { AdapterContext, AdapterResult } from '../../../src/ingest/adapters/types.js';
import type { CanonicalRequest } from '../../../src/ingest/canonical.js';
import { detectAdapter } from '../../../src/ingest/adapters/index.js';

const FIXTURE = new URL('../../fixtures/openai/chat-and-responses.jsonl', import.meta.url).pathname;
const fixtureLines = readFileSync(FIXTURE, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
const [kbAnswer, toolCall, responsesToolTurn, responsesReasoning, rateLimited, negativeTokens] = fixtureLines as [
  Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>,
];
const context: AdapterContext = { fieldPaths: {}, rowHash: 'row-abc', file: FIXTURE };

function mapped(record: Record<string, unknown>, ctx: AdapterContext = context): CanonicalRequest {
  const result = openaiAdapter.toCanonical(record, ctx);
  if (!result.ok) throw new Error(`quarantined: ${result.reason}: ${result.detail}`);
  return result.request;
}

function rejected(record: Record<string, unknown>): AdapterResult & { ok: false } {
  const result = openaiAdapter.toCanonical(record, context);
  if (result.ok) throw new Error('expected a quarantine');
  return result;
}

const chat = (response: Record<string, unknown>, request: Record<string, unknown> = {}) => ({
  request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], ...request },
  response: { id: 'chatcmpl-1', object: 'chat.completion', created: 1795161600, model: 'gpt-4o-2024-08-06', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }], usage: { prompt_tokens: 8, completion_tokens: 2 }, ...response },
});

const responses = (response: Record<string, unknown>, request: Record<string, unknown> = {}) => ({
  request: { model: 'gpt-4o', input: 'Hi', ...request },
  response: { id: 'resp_1', object: 'response', created_at: 1795161600, status: 'completed', error: null, model: 'gpt-4o-2024-08-06', output: [], usage: { input_tokens: 8, output_tokens: 2 }, ...response },
});

describe('openai adapter: Chat Completions', () => {
  it('maps prompt_tokens (which include cached_tokens) to input tokens and cached_tokens to cache reads', () => {
    expect(mapped(kbAnswer).usage).toEqual({ inputTokens: 1500, outputTokens: 300, cachedInputTokens: 1024, cacheWriteTokens: null, cacheWrite1hTokens: null, reasoningTokens: 0 });
  });

  it('takes id, served model, time, feature, user and session from the response, request and metadata', () => {
    expect(mapped(kbAnswer)).toMatchObject({
      requestId: 'chatcmpl-B9x1kbQ2',
      model: 'gpt-4o-2024-08-06',
      provider: 'openai',
      timestampMs: Date.UTC(2026, 10, 20, 8, 0, 0),
      feature: 'kb-answer',
      userId: 'user-7',
      sessionId: 's-100',
      latencyMs: 1840,
      status: 'ok',
      batch: false,
      finishReason: 'stop',
      choiceCount: 1,
      params: { maxTokens: 512, temperature: 0, n: null, other: {} },
    });
  });

  it('keeps the messages and the answer text', () => {
    const request = mapped(kbAnswer);
    expect(request.messages?.map((m) => m.role)).toEqual(['system', 'user']);
    expect(request.messages?.[1]?.text).toContain('<document id="kb-12">');
    expect(request.output).toBe('Refunds are issued within 14 days of the return reaching our warehouse [kb-12].');
  });

  it('renders tool calls as name(arguments), reads the store=true metadata map and keeps tools as parameters', () => {
    const request = mapped(toolCall);
    expect(request.output).toBe('get_order_status({"order_id":"8812"})');
    expect(request.finishReason).toBe('tool_calls');
    expect(request.messages?.[0]).toEqual({ role: 'system', text: "You are Acme's support agent. Use the tools to look up orders; never guess a delivery date." });
    expect(request).toMatchObject({ feature: 'support-chat', userId: 'user-9', sessionId: 's-200' });
    expect(request.params.maxTokens).toBe(256);
    expect(Object.keys(request.params.other).sort()).toEqual(['tool_choice', 'tools']);
  });

  it('joins every choice of an n > 1 request and counts them', () => {
    const record = chat(
      { choices: [{ index: 0, message: { role: 'assistant', content: 'Yes.' }, finish_reason: 'stop' }, { index: 1, message: { role: 'assistant', content: 'No.' }, finish_reason: 'stop' }] },
      { n: 2 },
    );
    expect(mapped(record)).toMatchObject({ output: 'Yes.\nNo.', choiceCount: 2, params: { n: 2 } });
  });

  it('marks an error body as a failed call that billed nothing', () => {
    expect(mapped(rateLimited)).toMatchObject({
      status: 'error',
      finishReason: 'error',
      requestId: 'row-abc',
      model: 'gpt-4o',
      feature: 'support-chat',
      timestampMs: Date.UTC(2026, 10, 20, 9, 20, 0),
      output: null,
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: null },
    });
  });

  it('marks a flex-tier response as billed at batch prices', () => {
    expect(mapped(chat({ service_tier: 'flex' })).batch).toBe(true);
    expect(mapped(chat({ service_tier: 'default' })).batch).toBe(false);
  });

  it('reads bodies and counts that arrive as JSON text and digit strings (CSV, Parquet)', () => {
    const record = { ...kbAnswer, request: JSON.stringify(kbAnswer.request), response: JSON.stringify(kbAnswer.response), metadata: JSON.stringify(kbAnswer.metadata), latency_ms: '1840' };
    expect(mapped(record)).toEqual(mapped(kbAnswer));
    const digits = chat({ usage: { prompt_tokens: '1500', completion_tokens: '300', prompt_tokens_details: { cached_tokens: '1024' } } });
    expect(mapped(digits).usage).toMatchObject({ inputTokens: 1500, outputTokens: 300, cachedInputTokens: 1024 });
  });

  it('lets the config’s fields: paths win over the natural places', () => {
    const record = chat({}, { metadata: { feature: 'from-metadata', route: '/v1/answer' } });
    expect(mapped(record).feature).toBe('from-metadata');
    expect(mapped(record, { ...context, fieldPaths: { feature: 'request.metadata.route' } }).feature).toBe('/v1/answer');
  });
});

describe('openai adapter: Responses API', () => {
  it('maps instructions, a user message, a function call and its output to system, user, assistant and tool', () => {
    const request = mapped(responsesToolTurn);
    expect(request.messages).toEqual([
      { role: 'system', text: "You are Acme's support agent. Use the tools to look up orders; never guess a delivery date." },
      { role: 'user', text: 'Where is my order 8812?' },
      { role: 'assistant', text: 'get_order_status({"order_id":"8812"})' },
      { role: 'tool', text: '{"status":"shipped","eta":"2026-11-22"}' },
    ]);
    expect(request).toMatchObject({
      requestId: 'resp_68a1f0c2e5',
      timestampMs: 1795161795 * 1000,
      feature: 'support-chat',
      userId: 'user-9',
      sessionId: 's-200',
      output: 'Your order 8812 has shipped and should arrive on 22 November.',
      finishReason: 'stop',
      params: { maxTokens: 256, n: null },
      usage: { inputTokens: 1200, outputTokens: 150, cachedInputTokens: 1024, reasoningTokens: 0 },
    });
  });

  it('keeps reasoning tokens as part of the output and leaves reasoning items out of the text', () => {
    const request = mapped(responsesReasoning);
    expect(request.usage).toMatchObject({ inputTokens: 3000, outputTokens: 800, cachedInputTokens: 1536, reasoningTokens: 576 });
    expect(request.output).toBe('billing');
    expect(request.messages).toEqual([{ role: 'user', text: "Classify this ticket as billing, shipping or other: 'I was charged twice for order 8812.'" }]);
  });

  it('prefers the logged timestamp to created_at', () => {
    expect(mapped(responsesReasoning).timestampMs).toBe(Date.UTC(2026, 10, 20, 9, 15, 0));
  });

  it('calls a response cut off at max_output_tokens a length finish, still ok', () => {
    const request = mapped(responses({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }));
    expect(request).toMatchObject({ status: 'ok', finishReason: 'length' });
  });

  it('ends with tool_calls when the output is a function call', () => {
    const request = mapped(responses({ output: [{ type: 'function_call', call_id: 'c1', name: 'lookup', arguments: '{"q":"x"}' }] }));
    expect(request).toMatchObject({ finishReason: 'tool_calls', output: 'lookup({"q":"x"})' });
  });

  it('marks a failed response without usage as an error that billed nothing', () => {
    const request = mapped(responses({ status: 'failed', error: { code: 'server_error', message: 'The server had an error' }, usage: null }));
    expect(request).toMatchObject({ status: 'error', finishReason: 'error', usage: { inputTokens: 0, outputTokens: 0 } });
  });

  it('names the conversation as the session', () => {
    expect(mapped(responses({}, { conversation: 'conv_689667905b048191b4740501625afd940c7533ace33a2dab' })).sessionId).toBe('conv_689667905b048191b4740501625afd940c7533ace33a2dab');
  });
});

describe('openai adapter: bad records', () => {
  it('quarantines a negative count naming the field and value', () => {
    expect(rejected(negativeTokens)).toEqual({ ok: false, reason: 'negative token count', detail: 'response.usage.prompt_tokens: expected a non-negative integer, got -3' });
  });

  it('quarantines cached tokens beyond the prompt tokens that include them', () => {
    expect(rejected(chat({ usage: { prompt_tokens: 100, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 128 } } })).reason).toBe('invalid field');
  });

  it('quarantines reasoning tokens beyond the output tokens that include them', () => {
    const result = rejected(responses({ usage: { input_tokens: 10, output_tokens: 5, output_tokens_details: { reasoning_tokens: 9 } } }));
    expect(result).toEqual({ ok: false, reason: 'invalid field', detail: 'usage: reasoning_tokens (9) exceed the output tokens (5), which include them' });
  });

  it('quarantines an unreadable time and a missing one', () => {
    expect(rejected({ ...chat({}), timestamp: 'yesterday at noon' })).toEqual({ ok: false, reason: 'invalid timestamp', detail: 'timestamp: cannot read "yesterday at noon" as ISO 8601 or epoch seconds/ms' });
    expect(rejected(chat({ created: undefined })).reason).toBe('missing field');
  });

  it('quarantines a call that names no model', () => {
    expect(rejected(chat({ model: undefined }, { model: undefined }))).toMatchObject({ reason: 'missing field', detail: 'request.model is required (the response names none)' });
  });

  it('quarantines an unknown role and an unreadable input', () => {
    expect(rejected(chat({}, { messages: [{ role: 'wizard', content: 'x' }] }))).toEqual({ ok: false, reason: 'invalid field', detail: 'request.messages[0].role: unknown role "wizard"' });
    expect(rejected(responses({}, { input: 42 })).reason).toBe('invalid field');
  });
});

describe('openai adapter: detection', () => {
  it('claims Chat Completions, Responses API and bare error records', () => {
    for (const record of fixtureLines) expect(openaiAdapter.detect(record)).toBe(true);
    expect(openaiAdapter.detect(responses({ object: undefined }))).toBe(true);
  });

  it('does not claim Anthropic records, canonical rows or other exports', () => {
    const anthropic = readFileSync(new URL('../../fixtures/anthropic/messages.jsonl', import.meta.url), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const canonical = objectRecords(new URL('../../fixtures/canonical/basic.jsonl', import.meta.url));
    const others = [
      // OpenAI Batch API output line (BerriAI/litellm test fixture): a response wrapper, no request
      { id: 'batch_req_1', custom_id: 'request-1', response: { status_code: 200, request_id: 'r1', body: { object: 'chat.completion', choices: [] } }, error: null },
      // LiteLLM standard logging payload: the response object without a request body
      { id: 'x', call_type: 'acompletion', model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], response: { object: 'chat.completion', choices: [] }, prompt_tokens: 5 },
      // A gateway log wrapping the HTTP exchange: bodies one level down
      { request: { url: '/v1/chat/completions', body: { model: 'gpt-4o' } }, response: { status: 200, body: { object: 'chat.completion' } } },
      // Claude Code session line
      { type: 'assistant', timestamp: '2026-01-09T10:00:00.000Z', message: { id: 'msg-1', type: 'message', model: 'claude-sonnet-4-20250514', usage: { input_tokens: 100, output_tokens: 50 } }, requestId: 'req-1' },
    ];
    for (const record of [...anthropic, ...canonical, ...others]) expect(openaiAdapter.detect(record), JSON.stringify(record).slice(0, 80)).toBe(false);
    expect(canonical.length).toBeGreaterThan(5);
  });

  it('is what --format auto picks for these records, not the canonical adapter', () => {
    for (const record of fixtureLines) expect(detectAdapter(record)?.format).toBe('openai');
    expect(canonicalAdapter.detect(kbAnswer)).toBe(false);
    expect(anthropicAdapter.detect(kbAnswer)).toBe(false);
  });
});

describe('auditing an OpenAI log', () => {
  const audited = auditedOnce(FIXTURE);

  it('loads the five calls and quarantines the negative count', () => {
    expect(audited.run.summary.input).toEqual({
      rowsRead: 6,
      rowsLoaded: 5,
      rowsQuarantined: 1,
      rowsAlreadyLoaded: 0,
      quarantineByReason: { 'negative token count': 1 },
      rowsByFormat: { openai: 5 },
      recordsMerged: 0,
      recordsSkipped: 0,
    });
  });

  it('totals tokens as logged: prompt tokens include the cached ones, output includes reasoning', () => {
    expect(audited.run.summary.totals.requests).toBe(5);
    expect(audited.run.summary.totals.inputTokens).toBe(1500 + 2200 + 1200 + 3000 + 0);
    expect(audited.run.summary.totals.outputTokens).toBe(300 + 40 + 150 + 800 + 0);
    expect(audited.run.summary.totals.cachedInputTokens).toBe(1024 + 2048 + 1024 + 1536);
  });

  it('prices every call at the catalogue rates, worked out by hand', () => {
    // chat gpt-4o:          476 uncached × $2.50 + 1,024 cached × $1.25 + 300 out × $10 per MTok = $0.005470
    // chat gpt-4o tools:    152 uncached × $2.50 + 2,048 cached × $1.25 +  40 out × $10 per MTok = $0.003340
    // responses gpt-4o:     176 uncached × $2.50 + 1,024 cached × $1.25 + 150 out × $10 per MTok = $0.003220
    // responses o4-mini:  1,464 uncached × $1.10 + 1,536 cached × $0.275 + 800 out (576 reasoning) × $4.40 per MTok = $0.0055528
    // rate-limited gpt-4o: not billed, $0
    expect(audited.run.summary.totals.costUsd).toBeCloseTo(0.0175828, 12);
  });

  it('counts the rate-limited call as failed and attributes calls to their features', () => {
    expect(audited.run.summary.wasteByCategory.failed_request.requests).toBe(1);
    expect(audited.run.summary.features.map((f) => f.feature).sort()).toEqual(['kb-answer', 'support-chat', 'triage']);
  });
});
