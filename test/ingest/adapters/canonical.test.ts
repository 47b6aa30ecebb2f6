// The canonical adapter reads a plain record without zod: only what lineSchema passes unchanged.
import { describe, expect, it } from 'vitest';
import { lineSchema, plainLine } from '../../../src/ingest/adapters/canonical.js';
import { mulberry32 } from '../../random.js';

const base = {
  request_id: 'r-1',
  timestamp: '2026-11-20T08:00:05Z',
  feature: 'kb-answer',
  user_id: 'u7',
  session_id: 's3',
  provider: 'openai',
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Q?' }], name: 'ann' },
    { role: 'assistant', content: null, tool_calls: [{ function: { name: 'f', arguments: '{}' } }] },
  ],
  retrieval: [{ id: 'd1', text: 'A chunk.' }],
  output: 'An answer.',
  finish_reason: 'stop',
  usage: { input_tokens: 1830, output_tokens: 212, cached_input_tokens: 1024, cache_write_tokens: 0 },
  latency_ms: 1840,
  ttft_ms: 390,
  status: 'ok',
  params: { max_tokens: 1024, temperature: 0, n: 1, top_p: 0.5 },
  batch: false,
  cost_usd: 0.01,
  metadata: { team: 'kb' },
};

/** Values of every kind a JSON log can hold, valid for some fields and not for others. */
const VALUES: unknown[] = [undefined, null, '', 'x', 'ok', 'error', 0, -0, 1, -1, 0.5, 1e6, 1e7, 2 ** 53, 2 ** 53 - 1, Infinity, true, false, [], ['a'], [1], {}, { role: 'user' }, [{ role: 'user', content: 1 }], [{ id: 'd', text: 'x' }], [{ id: 2, text: null }]];

function mutated(random: () => number): Record<string, unknown> {
  const record = structuredClone(base) as Record<string, unknown>;
  const pick = <T,>(list: T[]) => list[Math.floor(random() * list.length)]!;
  for (let changes = 1 + Math.floor(random() * 3); changes > 0; changes--) {
    const field = pick(Object.keys(base));
    const inner = record[field];
    if (random() < 0.5 && inner && typeof inner === 'object') {
      // a field inside: a message's, a chunk's, a usage count, a parameter
      const target: unknown = Array.isArray(inner) ? pick(inner) : inner;
      if (target && typeof target === 'object') (target as Record<string, unknown>)[pick([...Object.keys(target), 'content', 'name', 'tool_calls', 'id', 'text'])] = pick(VALUES);
    } else {
      record[field] = pick(VALUES);
    }
  }
  return record;
}

describe('the canonical adapter without zod', () => {
  it('reads a plain record only when lineSchema would pass it unchanged', () => {
    const random = mulberry32(11);
    let plain = 0;
    let rejected = 0;
    for (let i = 0; i < 5000; i++) {
      const record = mutated(random);
      const parsed = lineSchema.safeParse(record);
      if (plainLine(record) !== null) {
        plain++;
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(record);
      } else if (!parsed.success) {
        rejected++;
      }
    }
    // both kinds seen: records read without zod, and records lineSchema rejects
    expect(plain).toBeGreaterThan(500);
    expect(rejected).toBeGreaterThan(500);
  });

  it('reads the example record of DESIGN.md without zod', () => {
    expect(plainLine(structuredClone(base))).toEqual(base);
  });
});
