// The OTel adapter: OTLP/JSON exports expanded into one record per GenAI span (other spans
// skipped), semconv and legacy OpenLLMetry attributes mapped, and the audit run end to end.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditedOnce } from './audited-once.js';
import { objectRecords } from './fixture-records.js';
import { DEFAULT_RETRIEVAL_EXTRACT } from '../../../src/config/audit.js';
import { canonicalAdapter } from '../../../src/ingest/adapters/canonical.js';
import { detectAdapter } from '../../../src/ingest/adapters/index.js';
import { otelAdapter } from '../../../src/ingest/adapters/otel.js';
import type { AdapterContext } from '../../../src/ingest/adapters/types.js';
import { BatchParser } from '../../../src/ingest/parse.js';
import { stagedRows } from '../staged.js';

const FIXTURE = new URL('../../fixtures/otel/traces.jsonl', import.meta.url).pathname;
const LANGFUSE_FIXTURE = new URL('../../fixtures/langfuse/observations.jsonl', import.meta.url).pathname;
const CANONICAL_FIXTURE = new URL('../../fixtures/canonical/basic.jsonl', import.meta.url).pathname;
const exports = readFileSync(FIXTURE, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
const context = (fieldPaths: Record<string, string> = {}): AdapterContext => ({ fieldPaths, rowHash: 'row-hash', file: FIXTURE });

const spansOf = (line: number) => otelAdapter.expand!(exports[line]!).records;

function request(record: Record<string, unknown>, fieldPaths: Record<string, string> = {}) {
  const result = otelAdapter.toCanonical(record, context(fieldPaths));
  if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`);
  return result.request;
}

/** A flat span (the one-span-per-line shape) with plain attributes. */
const flat = (attributes: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  traceId: 't',
  spanId: 's-1',
  name: 'chat',
  startTimeUnixNano: '1795161600000000000',
  endTimeUnixNano: '1795161600250000000',
  attributes: { 'gen_ai.request.model': 'gpt-4o', ...attributes },
  resource: { 'service.name': 'svc' },
  ...extra,
});

describe('OTLP/JSON span exports', () => {
  it('expands an export into its GenAI spans and counts the others as skipped', () => {
    const first = otelAdapter.expand!(exports[0]!);
    expect(first.records.map((span) => span.spanId)).toEqual(['eee19b7ec3c1b175', 'eee19b7ec3c1b176']);
    expect(first.skipped).toBe(1);
    // An execute_tool span is not a model call.
    expect(otelAdapter.expand!(exports[1]!)).toMatchObject({ skipped: 1 });
    expect(spansOf(1)).toHaveLength(1);
  });

  it('flattens attribute values: intValue strings to numbers, arrays, resource attributes', () => {
    const span = spansOf(0)[0]!;
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 1500, 'gen_ai.request.temperature': 0, 'gen_ai.response.finish_reasons': ['stop'] });
    expect(span.resource).toMatchObject({ 'service.name': 'support-bot' });
  });

  it('maps a semconv chat span: usage incl. cache, messages, params, session, feature, latency', () => {
    const r = request(spansOf(0)[0]!);
    expect(r).toMatchObject({
      requestId: 'eee19b7ec3c1b175',
      timestampMs: Date.UTC(2026, 10, 20, 8, 0, 0),
      feature: 'support-bot',
      sessionId: 'conv-17',
      provider: 'openai',
      model: 'gpt-4o',
      latencyMs: 1840,
      finishReason: 'stop',
      status: 'ok',
      output: 'Open Settings, then API keys, and press Rotate.',
      params: { maxTokens: 1024, temperature: 0, n: null, other: {} },
    });
    expect(r.usage).toEqual({ inputTokens: 1500, outputTokens: 300, cachedInputTokens: 1024, cacheWriteTokens: null, cacheWrite1hTokens: null, reasoningTokens: null });
    expect(r.messages).toEqual([
      { role: 'system', text: 'You answer questions about the knowledge base.' },
      { role: 'user', text: 'How do I rotate an API key?' },
    ]);
  });

  it('maps a legacy OpenLLMetry Anthropic span (prompt_tokens already include the cache)', () => {
    const r = request(spansOf(0)[1]!);
    expect(r.usage).toMatchObject({ inputTokens: 5000, outputTokens: 200, cachedInputTokens: 3000, cacheWriteTokens: 1000 });
    expect(r).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5', finishReason: 'end_turn', output: 'Sorry about that, let me check the invoice.', latencyMs: 4200 });
    expect(r.messages).toEqual([
      { role: 'system', text: 'You are a support agent.' },
      { role: 'user', text: 'My invoice is wrong.' },
    ]);
  });

  it('marks status code 2 or error.type as a failed call', () => {
    expect(request(spansOf(1)[0]!).status).toBe('error');
    expect(request(flat({ 'gen_ai.usage.input_tokens': 1 }, { status: { code: 'STATUS_CODE_ERROR' } })).status).toBe('error');
    expect(request(flat({ 'error.type': '500' })).status).toBe('error');
    expect(request(flat({})).status).toBe('ok');
  });

  it('takes the feature from a feature attribute over service.name, and a fields mapping over both', () => {
    expect(request(flat({ feature: 'search' })).feature).toBe('search');
    expect(request(flat({ 'app.route': '/ask', feature: 'search' }), { feature: 'attributes.app.route' }).feature).toBe('/ask');
  });

  it('derives input from the total when only total and output are logged', () => {
    expect(request(flat({ 'llm.usage.total_tokens': 120, 'gen_ai.usage.completion_tokens': 20 })).usage).toMatchObject({ inputTokens: 100, outputTokens: 20 });
  });

  it('maps provider names to the catalogue and reads tool calls, tool results and retrieved documents', () => {
    const r = request(
      flat({
        'gen_ai.provider.name': 'gcp.vertex_ai',
        'gen_ai.request.model': 'gemini-2.5-flash',
        'gen_ai.input.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] },
          { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'rainy' }] },
        ]),
        'gen_ai.retrieval.documents': JSON.stringify([{ id: 'd1', score: 0.9, content: 'Doc one.' }, { id: 'd2', score: 0.5 }]),
      }),
    );
    expect(r.provider).toBe('google');
    expect(r.messages).toEqual([
      { role: 'assistant', text: 'get_weather({"city":"Paris"})' },
      { role: 'tool', text: 'rainy' },
    ]);
    expect(r.retrieval).toEqual([{ id: 'd1', text: 'Doc one.' }]);
  });

  it('accepts a file of flat spans with OTLP-style attribute lists', () => {
    const record = { ...flat({}), attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } }, { key: 'gen_ai.usage.input_tokens', value: { intValue: '42' } }] };
    expect(otelAdapter.detect(record)).toBe(true);
    const expanded = otelAdapter.expand!(record);
    expect(expanded.skipped).toBe(0);
    expect(request(expanded.records[0]!).usage.inputTokens).toBe(42);
    expect(otelAdapter.expand!({ ...flat({}), attributes: { 'http.route': '/' } })).toEqual({ records: [], skipped: 1 });
  });

  it.each([
    [{ 'gen_ai.usage.input_tokens': -12 }, {}, 'negative token count', 'attributes.gen_ai.usage.input_tokens: expected a non-negative integer, got -12'],
    [{ 'gen_ai.usage.output_tokens': 'many' }, {}, 'invalid field', 'attributes.gen_ai.usage.output_tokens: expected a non-negative integer, got "many"'],
    [{ 'gen_ai.request.model': '' }, {}, 'missing field', 'attributes.gen_ai.request.model (or gen_ai.response.model) is required'],
    [{}, { startTimeUnixNano: 'soon' }, 'invalid timestamp', 'startTimeUnixNano: cannot read "soon" as nanoseconds since the epoch'],
    [{ 'gen_ai.input.messages': '[{"role":"wizard","parts":[]}]' }, {}, 'invalid field', 'attributes.gen_ai.input.messages[0].role: unknown role "wizard"'],
  ])('quarantines attributes %j as %s', (attributes, extra, reason, detail) => {
    expect(otelAdapter.toCanonical(flat(attributes, extra), context())).toEqual({ ok: false, reason, detail });
  });

  it('quarantines an Anthropic-style input that leaves the cache out', () => {
    const r = otelAdapter.toCanonical(flat({ 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.cache_read.input_tokens': 3000 }), context());
    expect(r).toMatchObject({ ok: false, reason: 'invalid field' });
  });

  it('recognizes exports and flat spans, and no canonical or Langfuse record', () => {
    for (const line of exports) expect(detectAdapter(line)).toBe(otelAdapter);
    const others = [CANONICAL_FIXTURE, LANGFUSE_FIXTURE].flatMap((file) => objectRecords(file));
    expect(others.length).toBeGreaterThan(5);
    for (const record of others) expect(otelAdapter.detect(record)).toBe(false);
    for (const line of exports) expect(canonicalAdapter.detect(line)).toBe(false);
  });

  it('stages each GenAI span of a line as its own row at that line and counts the skipped spans', () => {
    const parser = new BatchParser({ format: 'auto', fieldPaths: {}, extract: DEFAULT_RETRIEVAL_EXTRACT, encodings: {} });
    const rows = parser.parse({ file: FIXTURE, firstLine: 1, text: readFileSync(FIXTURE, 'utf8') });
    expect(rows.rowsRead).toBe(4);
    expect(rows.recordsSkipped).toBe(2);
    const staged = stagedRows<{ request_id: string; source_line: number }>(rows.requests);
    expect(staged.map((row) => [row.request_id, row.source_line])).toEqual([
      ['eee19b7ec3c1b175', 1],
      ['eee19b7ec3c1b176', 1],
      ['b7ad6b7169203331', 2],
    ]);
    expect(stagedRows(rows.quarantine)).toMatchObject([{ source_line: 3, reason: 'negative token count' }]);
  });
});

describe('auditing an OTLP export', () => {
  const audited = auditedOnce(FIXTURE);

  it('loads the three GenAI spans and quarantines the negative count', () => {
    expect(audited.run.summary.input).toMatchObject({ rowsRead: 4, rowsLoaded: 3, rowsQuarantined: 1, rowsByFormat: { otel: 3 }, quarantineByReason: { 'negative token count': 1 } });
  });

  it('totals tokens and cost from the catalogue rates', () => {
    // chat gpt-4o: 476 uncached × $2.50 + 1,024 cached × $1.25 + 300 out × $10 per MTok = $0.005470
    // anthropic.chat claude-sonnet-4-5: 1,000 × $3 + 3,000 read × $0.30 + 1,000 write × $3.75 + 200 out × $15 = $0.010650
    // chat gpt-4o-mini (timed out, still billed): 976 × $0.15 + 1,024 cached × $0.075 + 100 × $0.60 per MTok = $0.0002832
    expect(audited.run.summary.totals.requests).toBe(3);
    expect(audited.run.summary.totals.inputTokens).toBe(1500 + 5000 + 2000);
    expect(audited.run.summary.totals.outputTokens).toBe(300 + 200 + 100);
    expect(audited.run.summary.totals.cachedInputTokens).toBe(1024 + 3000 + 1024);
    expect(audited.run.summary.totals.costUsd).toBeCloseTo(0.0164032, 12);
    expect(audited.run.summary.features.map((f: { feature: string }) => f.feature).sort()).toEqual(['classifier', 'support-bot']);
  });
});
