import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { detectAdapter } from '../../src/ingest/adapters/index.js';
import { BatchParser, ownBuffers, textHash } from '../../src/ingest/parse.js';
import { DEFAULT_RETRIEVAL_EXTRACT } from '../../src/config/audit.js';
import { stagedRows } from './staged.js';

const parser = () => new BatchParser({ format: 'auto', fieldPaths: {}, extract: DEFAULT_RETRIEVAL_EXTRACT, encodings: {} });
const ok = JSON.stringify({ request_id: 'a', timestamp: '2026-11-20T08:00:00Z', model: 'gpt-4o', usage: { input_tokens: 10, output_tokens: 2 } });

function quarantineOf(line: string): { reason: string; detail: string; source_line: number } {
  const rows = parser().parse({ file: 'f.jsonl', firstLine: 7, text: line });
  expect(rows.rowsRead).toBe(1);
  expect(rows.requests).toHaveLength(0);
  const [row, ...more] = stagedRows<{ reason: string; detail: string; source_line: number }>(rows.quarantine);
  expect(more).toHaveLength(0);
  return row!;
}

function parsedRequest(record: Record<string, unknown>): Record<string, unknown> {
  const rows = parser().parse({ file: 'f.jsonl', firstLine: 1, text: JSON.stringify(record) });
  expect(rows.quarantine).toHaveLength(0);
  const [row, ...more] = stagedRows(rows.requests);
  expect(more).toHaveLength(0);
  return row!;
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
    expect(stagedRows(rows.requests)).toHaveLength(1);
    expect(stagedRows(rows.quarantine).map((row) => row.source_line)).toEqual([4]);
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

/** JSON as Python's json.dumps writes it by default: every non-ASCII character as a \u escape. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function md5Decimal(text: string): string {
  return BigInt(`0x${createHash('md5').update(Buffer.from(text, 'utf8')).digest('hex')}`).toString();
}

describe('reading non-ASCII text', () => {
  const documents = '<document id="réf-1">Le café coûte 3 €.</document> <document id="doc-😀">Ω ≈ ∑</document>';
  const record = {
    request_id: 'réq-1',
    timestamp: '2026-11-20T08:00:00Z',
    feature: 'recherche-é',
    user_id: 'usér',
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'Système: réponds en français — sans émoji.' },
      { role: 'user', name: 'Zoë', content: `Question : où ? ${documents} Merci !` },
    ],
    output: '✓ Le café coûte 3 € [réf-1] 😀',
    params: { 'zèta': 'ü', 'clé': 1, '\uE000': 2, '😀': 3, plain: 'x' },
    usage: { input_tokens: 50, output_tokens: 9 },
  };
  const parse = (batch: { text?: string; bytes?: Uint8Array }) => {
    const rows = parser().parse({ file: '/logs/journée.jsonl', firstLine: 1, ...batch });
    expect(stagedRows(rows.quarantine)).toEqual([]);
    return { requests: stagedRows(rows.requests), segments: stagedRows(rows.segments), texts: stagedRows<{ text_hash: string; text: string }>(rows.texts) };
  };
  const raw = parse({ bytes: new Uint8Array(Buffer.from(JSON.stringify(record))) });

  it('stages the same rows from raw UTF-8, from \\u escapes and from decoded text', () => {
    expect(parse({ bytes: new Uint8Array(Buffer.from(asciiJson(record))) })).toEqual(raw);
    expect(parse({ text: JSON.stringify(record) })).toEqual(raw);
  });

  it('stages each text as itself, under the md5 of its UTF-8', () => {
    const texts = new Map(raw.texts.map((row) => [row.text, row.text_hash]));
    for (const text of ['Système: réponds en français — sans émoji.', 'Le café coûte 3 €.', 'Ω ≈ ∑', record.output, record.messages[1]!.content]) {
      expect(texts.get(text)).toBe(md5Decimal(text));
    }
    // md5('Ω ≈ ∑' as UTF-8) as an integer, from Python's hashlib
    expect(texts.get('Ω ≈ ∑')).toBe('124135597263687135514638530720452035717');
    expect(raw.segments.filter((row) => row.kind === 'retrieval').map((row) => row.chunk_id)).toEqual(['réf-1', 'doc-😀']);
    expect(raw.requests[0]).toMatchObject({ request_id: 'réq-1', feature: 'recherche-é', user_id: 'usér', source_file: '/logs/journée.jsonl', name_count: 1, name_tokens: 2 });
  });

  it('hashes parameters by their keys in text order, as before it read bytes', () => {
    const sorted = Object.fromEntries(Object.entries(record.params).sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(raw.requests[0]!.params_hash).toBe(md5Decimal(JSON.stringify([null, null, null, sorted])));
  });

  it('leaves a record to the format its text says, even where its bytes look canonical', () => {
    // 'ſpan' upper-cases to SPAN: a Langfuse observation, not a canonical record
    const observation = { type: 'ſpan', traceId: 't', startTime: '2026-11-20T08:00:00Z', timestamp: '2026-11-20T08:00:00Z', model: 'gpt-4o', usage: { input_tokens: 1 } };
    const expected = detectAdapter(JSON.parse(JSON.stringify(observation)) as Record<string, unknown>)!.format;
    expect(expected).toBe('langfuse');
    const rows = parser().parse({ file: 'f.jsonl', firstLine: 1, bytes: new Uint8Array(Buffer.from(JSON.stringify(observation))) });
    expect(stagedRows(rows.requests).map((row) => row.format)).not.toContain('canonical');
    expect(rows.recordsSkipped).toBe(1);
  });

  it('cuts chunks out of non-ASCII messages by the configured regex, read on the text', () => {
    const line = JSON.stringify({ timestamp: '2026-11-20T08:00:00Z', model: 'gpt-4o', usage: { input_tokens: 1 }, messages: [{ role: 'user', content: '<d id="é">a\u2028b</d> <d id="ü">c</d> Q?' }] });
    const chunksWith = (extract: string) => {
      const rows = new BatchParser({ format: 'auto', fieldPaths: {}, extract, encodings: {} }).parse({ file: 'f.jsonl', firstLine: 1, bytes: new Uint8Array(Buffer.from(line)) });
      return stagedRows<{ kind: string; chunk_id: string }>(rows.segments).filter((row) => row.kind === 'retrieval').map((row) => row.chunk_id);
    };
    // `.` does not match U+2028: the first document is not a chunk
    expect(chunksWith('<d id="(?<id>[^"]+)">(?<text>.+?)</d>')).toEqual(['ü']);
    expect(chunksWith('<d id="(?<id>[^"]+)">(?<text>[\\s\\S]+?)</d>')).toEqual(['é', 'ü']);
  });

  it('reads invalid UTF-8 as the replacement character, as decoding does', () => {
    const bytes = Buffer.concat([Buffer.from('{"timestamp":"2026-11-20T08:00:00Z","model":"gpt-4o","usage":{"input_tokens":1},"messages":[{"role":"user","content":"a'), Buffer.from([0xff]), Buffer.from('b"}]}')]);
    const rows = parser().parse({ file: 'f.jsonl', firstLine: 1, bytes: new Uint8Array(bytes) });
    expect(stagedRows<{ text: string }>(rows.texts).map((row) => row.text)).toEqual(['a\uFFFDb']);
  });

  it("moves only the staged buffers that own their memory to the main thread, never Buffer's shared pool", () => {
    const small = JSON.stringify({ request_id: 's', timestamp: '2026-11-20T08:00:00Z', model: 'gpt-4o', usage: { input_tokens: 1 }, messages: [{ role: 'user', content: 'hi' }] });
    const big = JSON.stringify({ request_id: 'b', timestamp: '2026-11-20T08:00:00Z', model: 'gpt-4o', usage: { input_tokens: 1 }, messages: [{ role: 'user', content: 'word '.repeat(2000) }] });
    const rows = parser().parse({ file: 'f.jsonl', firstLine: 1, text: `${small}\n${big}\n` });
    const moved = ownBuffers(rows);
    // the texts (10 KB of one message) have a buffer of their own; the two segments' rows (under 4 KB) come from the pool
    expect(rows.texts.byteLength).toBeGreaterThan(10_000);
    expect(rows.segments.byteLength).toBeLessThan(4096);
    expect(moved).toContain(rows.texts.buffer);
    expect(moved).not.toContain(rows.segments.buffer);
    expect(moved).not.toContain(rows.requests.buffer);
    // what moves is the staged bytes and nothing else
    for (const buffer of moved) expect([rows.requests, rows.segments, rows.texts, rows.quarantine].some((bytes) => bytes.buffer === buffer && bytes.byteLength === buffer.byteLength)).toBe(true);
  });
});
