// The Langfuse adapter: GENERATION observations (API camelCase and export snake_case) mapped to
// canonical requests, other observations skipped, and the audit run end to end on an export.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditedOnce } from './audited-once.js';
import { objectRecords } from './fixture-records.js';
import { DEFAULT_RETRIEVAL_EXTRACT } from '../../../src/config/audit.js';
import { langfuseAdapter } from '../../../src/ingest/adapters/langfuse.js';
import { otelAdapter } from '../../../src/ingest/adapters/otel.js';
import type { AdapterContext } from '../../../src/ingest/adapters/types.js';
import { BatchParser } from '../../../src/ingest/parse.js';
import { stagedRows } from '../staged.js';

const FIXTURE = new URL('../../fixtures/langfuse/observations.jsonl', import.meta.url).pathname;
const OTEL_FIXTURE = new URL('../../fixtures/otel/traces.jsonl', import.meta.url).pathname;
const CANONICAL_FIXTURE = new URL('../../fixtures/canonical/basic.jsonl', import.meta.url).pathname;
const lines = readFileSync(FIXTURE, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
const context = (fieldPaths: Record<string, string> = {}): AdapterContext => ({ fieldPaths, rowHash: 'row-hash', file: FIXTURE });

function request(record: Record<string, unknown>, fieldPaths: Record<string, string> = {}) {
  const result = langfuseAdapter.toCanonical(record, context(fieldPaths));
  if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`);
  return result.request;
}

const generation = (extra: Record<string, unknown>) => ({
  id: 'g-1',
  trace_id: 't-1',
  type: 'GENERATION',
  name: 'step',
  start_time: '2026-11-20 08:00:00.000000',
  provided_model_name: 'gpt-4o',
  ...extra,
});

describe('langfuse observations', () => {
  it('adds cached input types back to input (usage types are disjoint in Langfuse)', () => {
    const r = request(lines[0]!);
    expect(r.usage).toEqual({ inputTokens: 1500, outputTokens: 300, cachedInputTokens: 1024, cacheWriteTokens: null, cacheWrite1hTokens: null, reasoningTokens: null });
  });

  it('reads Anthropic cache reads and writes from usage_details', () => {
    const r = request(lines[2]!);
    expect(r.usage).toMatchObject({ inputTokens: 5000, outputTokens: 200, cachedInputTokens: 3000, cacheWriteTokens: 1000 });
  });

  it('keeps input as logged when the total shows it already held the cache', () => {
    const r = request(generation({ usage_details: { input: 1500, input_cached_tokens: 1024, output: 300, total: 1800 } }));
    expect(r.usage).toMatchObject({ inputTokens: 1500, cachedInputTokens: 1024 });
  });

  it('counts output reasoning tokens as part of the output', () => {
    const r = request(generation({ usage_details: { input: 10, output: 40, output_reasoning_tokens: 60 } }));
    expect(r.usage).toMatchObject({ outputTokens: 100, reasoningTokens: 60 });
  });

  it('reads the legacy usage object and its OpenAI-style names', () => {
    expect(request(generation({ usage: { input: 7, output: 3, total: 10, unit: 'TOKENS' } })).usage).toMatchObject({ inputTokens: 7, outputTokens: 3 });
    expect(request(generation({ usage: { promptTokens: 8, completionTokens: 2, totalTokens: 10 } })).usage).toMatchObject({ inputTokens: 8, outputTokens: 2 });
  });

  it('maps ids, times, messages, params and the logged cost of an API observation', () => {
    const r = request(lines[0]!);
    expect(r).toMatchObject({
      requestId: 'obs-gen-1',
      timestampMs: Date.UTC(2026, 10, 20, 8, 0, 0),
      feature: 'kb-answer',
      userId: 'u7',
      model: 'gpt-4o',
      provider: 'openai',
      latencyMs: 1840,
      ttftMs: 390,
      status: 'ok',
      loggedCostUsd: 0.00547,
      output: 'Open Settings, then API keys, and press Rotate.',
      params: { maxTokens: 1024, temperature: 0, n: null, other: {} },
    });
    expect(r.messages).toEqual([
      { role: 'system', text: 'You answer questions about the knowledge base.' },
      { role: 'user', text: 'How do I rotate an API key?' },
    ]);
  });

  it('reads JSON held in string cells of the export (input with a separate system, params)', () => {
    const r = request(lines[2]!);
    expect(r.messages).toEqual([
      { role: 'system', text: 'You are a support agent.' },
      { role: 'user', text: 'My invoice is wrong.' },
    ]);
    expect(r.output).toBe('Sorry about that, let me check the invoice.');
    expect(r.params).toMatchObject({ maxTokens: 800, temperature: 0.3 });
    expect(r).toMatchObject({ feature: 'support-chat', userId: 'u9', sessionId: 's-42', latencyMs: 4200, ttftMs: 800, loggedCostUsd: 0.01065, provider: 'anthropic' });
  });

  it('marks level ERROR as a failed call, and takes the feature from metadata before the trace name', () => {
    const r = request(lines[4]!);
    expect(r).toMatchObject({ status: 'error', feature: 'classify', userId: null, sessionId: null, output: null, loggedCostUsd: 0 });
  });

  it('falls back to the observation name, and lets a fields mapping win', () => {
    expect(request(generation({})).feature).toBe('step');
    expect(request(generation({ metadata: { team: 'growth' } }), { feature: 'metadata.team' }).feature).toBe('growth');
  });

  it('sums the cost types when no total is logged', () => {
    expect(request(generation({ cost_details: { input: 0.25, output: 0.5 } })).loggedCostUsd).toBeCloseTo(0.75, 12);
  });

  it('uses the row hash when the observation has no id', () => {
    expect(request(generation({ id: '' })).requestId).toBe('row-hash');
  });

  it.each([
    [{ usage_details: { input: 100, output: -3 } }, 'negative token count', 'usage_details.output: expected a non-negative integer, got -3'],
    [{ usage_details: { input: 'lots' } }, 'invalid field', 'usage_details.input: expected a non-negative integer, got "lots"'],
    [{ provided_model_name: '' }, 'missing field', 'model (or provided_model_name) is required'],
    [{ start_time: 'yesterday' }, 'invalid timestamp', 'startTime: cannot read "yesterday" as ISO 8601 or epoch seconds/ms'],
    [{ input: [{ role: 'wizard', content: 'x' }] }, 'invalid field', 'input[0].role: unknown role "wizard"'],
    [{ cost_details: { total: -1 } }, 'invalid field', 'costDetails.total: expected a non-negative number of USD, got -1'],
  ])('quarantines %j as %s', (extra, reason, detail) => {
    expect(langfuseAdapter.toCanonical(generation(extra), context())).toEqual({ ok: false, reason, detail });
  });

  it('quarantines cache reads above the input they are part of', () => {
    const r = langfuseAdapter.toCanonical(generation({ usage_details: { input: 100, total: 100, output: 0, input_cached_tokens: 500 } }), context());
    expect(r).toMatchObject({ ok: false, reason: 'invalid field' });
  });

  it('expands generations to themselves and counts spans and events as skipped', () => {
    expect(langfuseAdapter.expand!(lines[0]!)).toEqual({ records: [lines[0]], skipped: 0 });
    expect(langfuseAdapter.expand!(lines[1]!)).toEqual({ records: [], skipped: 1 });
    expect(langfuseAdapter.expand!(lines[3]!)).toEqual({ records: [], skipped: 1 });
  });

  it('recognizes its observations and no canonical or OTel record', () => {
    expect(lines.every((line) => langfuseAdapter.detect(line))).toBe(true);
    const others = [CANONICAL_FIXTURE, OTEL_FIXTURE].flatMap((file) => objectRecords(file));
    expect(others.length).toBeGreaterThan(5);
    for (const record of others) expect(langfuseAdapter.detect(record)).toBe(false);
    for (const line of lines) expect(otelAdapter.detect(line)).toBe(false);
  });

  it('counts skipped observations apart from rows when parsing', () => {
    const parser = new BatchParser({ format: 'auto', fieldPaths: {}, extract: DEFAULT_RETRIEVAL_EXTRACT, encodings: {} });
    const rows = parser.parse({ file: FIXTURE, firstLine: 1, text: readFileSync(FIXTURE, 'utf8') });
    expect(rows.rowsRead).toBe(4);
    expect(rows.recordsSkipped).toBe(2);
    expect(stagedRows(rows.requests)).toHaveLength(3);
  });
});

describe('auditing a Langfuse export', () => {
  const audited = auditedOnce(FIXTURE);

  it('loads the three generations and quarantines the negative count', () => {
    expect(audited.run.summary.input).toMatchObject({ rowsRead: 4, rowsLoaded: 3, rowsQuarantined: 1, rowsByFormat: { langfuse: 3 }, quarantineByReason: { 'negative token count': 1 } });
  });

  it('totals tokens and cost from the catalogue rates', () => {
    // obs-gen-1 gpt-4o: 476 uncached × $2.50 + 1,024 cached × $1.25 + 300 out × $10 per MTok = $0.005470
    // obs-gen-2 claude-sonnet-4-5: 1,000 × $3 + 3,000 read × $0.30 + 1,000 write × $3.75 + 200 out × $15 = $0.010650
    // obs-gen-3 gpt-4o-mini (failed, still billed): 2,000 × $0.15 + 10 × $0.60 per MTok = $0.000306
    expect(audited.run.summary.totals.requests).toBe(3);
    expect(audited.run.summary.totals.inputTokens).toBe(1500 + 5000 + 2000);
    expect(audited.run.summary.totals.outputTokens).toBe(300 + 200 + 10);
    expect(audited.run.summary.totals.cachedInputTokens).toBe(1024 + 3000);
    expect(audited.run.summary.totals.costUsd).toBeCloseTo(0.016426, 12);
  });
});
