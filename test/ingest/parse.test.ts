import { describe, expect, it } from 'vitest';
import { BatchParser, textHash } from '../../src/ingest/parse.js';
import { DEFAULT_RETRIEVAL_EXTRACT } from '../../src/config/audit.js';

const parser = () => new BatchParser({ format: 'auto', fieldPaths: {}, extract: DEFAULT_RETRIEVAL_EXTRACT, encodings: {} });
const ok = JSON.stringify({ request_id: 'a', timestamp: '2026-11-20T08:00:00Z', model: 'gpt-4o', usage: { input_tokens: 10, output_tokens: 2 } });

function quarantineOf(line: string): { reason: string; detail: string; source_line: number } {
  const rows = parser().parse({ file: 'f.jsonl', firstLine: 7, text: line });
  expect(rows.rowsRead).toBe(1);
  expect(rows.requests).toBe('');
  return JSON.parse(rows.quarantine.trim());
}

function parsedRequest(record: Record<string, unknown>): Record<string, unknown> {
  const rows = parser().parse({ file: 'f.jsonl', firstLine: 1, text: JSON.stringify(record) });
  expect(rows.quarantine).toBe('');
  return JSON.parse(rows.requests.trim());
}

describe('parsing log lines', () => {
  it.each([
    ['{"request_id": "x", "model": ', 'invalid json'],
    ['\u0000\u0001\u0002garbage\uFFFD', 'invalid json'],
    ['[1, 2, 3]', 'not an object'],
    ['"just a string"', 'not an object'],
    ['{}', 'unrecognized format'],
    ['{"timestamp": "2026-11-20T08:00:00Z", "usage": {"input_tokens": 1}}', 'missing field'],
    ['{"prompt": "hi", "completion": "hello"}', 'unrecognized format'],
    ['{"timestamp": "2026-11-20T08:00:00Z", "model": "gpt-4o", "messages": 42}', 'invalid field'],
    ['{"timestamp": "2026-11-20T08:00:00Z", "model": "gpt-4o", "usage": {"input_tokens": -5}}', 'negative token count'],
    ['{"timestamp": "not a time", "model": "gpt-4o", "usage": {"input_tokens": 5}}', 'invalid timestamp'],
    ['{"timestamp": "2026-11-20T08:00:00Z", "model": "", "usage": {"input_tokens": 5}}', 'invalid field'],
    ['{"timestamp": "2026-11-20T08:00:00Z", "model": "gpt-4o", "messages": [{"role": "wizard", "content": "x"}]}', 'invalid field'],
    ['{"model": "gpt-4o", "messages": [], "usage": {"input_tokens": 5}}', 'missing field'],
    ['{"timestamp": "2026-11-20T08:00:00Z", "model": "gpt-4o", "usage": {"input_tokens": 1e308}}', 'invalid field'],
    ['{"timestamp": "2026-11-20T08:00:00Z", "model": "gpt-4o", "usage": {"input_tokens": 100, "cached_input_tokens": 128}}', 'invalid field'],
    ['{"timestamp": "2026-11-20T08:00:00Z", "model": "gpt-4o", "usage": {"input_tokens": 5}, "params": {"n": 1e12}}', 'invalid field'],
  ])('quarantines %j as "%s"', (line, reason) => {
    expect(quarantineOf(line).reason).toBe(reason);
  });

  it('says which field was wrong and what it held', () => {
    expect(quarantineOf('{"timestamp": "2026-11-20T08:00:00Z", "model": "gpt-4o", "messages": 42}').detail).toBe('messages: expected array, received number, got 42');
  });

  it('keeps the line number of the row in its file', () => {
    expect(quarantineOf('[1]').source_line).toBe(7);
  });

  it('counts every non-blank line as read and skips blank ones', () => {
    const rows = parser().parse({ file: 'f.jsonl', firstLine: 1, text: `${ok}\n\n   \n[1]\n` });
    expect(rows.rowsRead).toBe(2);
    expect(rows.requests.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(rows.quarantine.trim()).source_line).toBe(4);
  });

  it('quarantines a deeply nested record instead of crashing', () => {
    const deep = `{"timestamp":"2026-11-20T08:00:00Z","model":"gpt-4o","messages":[{"role":"user","content":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`;
    const rows = parser().parse({ file: 'f.jsonl', firstLine: 1, text: deep });
    expect(rows.rowsRead).toBe(1);
    expect(rows.requests.length + rows.quarantine.length).toBeGreaterThan(0);
  });

  it('reads epoch seconds, epoch milliseconds and zone-less ISO times as UTC', () => {
    const at = Date.UTC(2026, 10, 20, 8, 0, 0);
    for (const timestamp of [at / 1000, at, '2026-11-20 08:00:00', '2026-11-20T08:00:00+00:00', '2026-11-20T09:00:00+01:00']) {
      expect(parsedRequest({ timestamp, model: 'gpt-4o', usage: { input_tokens: 1 } }).ts_ms).toBe(at);
    }
  });

  it('gives a request without an id a stable id from the row itself', () => {
    const record = { timestamp: '2026-11-20T08:00:00Z', model: 'gpt-4o', usage: { input_tokens: 1 } };
    const first = parsedRequest(record).request_id;
    expect(first).toMatch(/^row-[0-9a-f]{32}$/);
    expect(parsedRequest(record).request_id).toBe(first);
  });

  it('finds the feature and user in metadata when they are not top-level fields', () => {
    const row = parsedRequest({ timestamp: '2026-11-20T08:00:00Z', model: 'gpt-4o', usage: { input_tokens: 1 }, metadata: { feature: 'search', user_id: 'u9' } });
    expect(row).toMatchObject({ feature: 'search', user_id: 'u9' });
  });

  it('infers the provider from the model when the log does not say', () => {
    expect(parsedRequest({ timestamp: '2026-11-20T08:00:00Z', model: 'claude-sonnet-4-5', usage: { input_tokens: 1 } }).provider).toBe('anthropic');
  });

  it('hashes texts as 128-bit integers in decimal, as DuckDB reads UHUGEINT', () => {
    expect(textHash('hello')).toBe('123957004363873451094272536567338222994');
  });
});
