// One small fixture per waste category, with the expected tokens and USD written out by hand
// (token counts from o200k_base, gpt-4o at $2.50 input / $10 output per MTok, no usage logged
// unless said, so billed tokens are the exact recount).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditRun } from '../../src/audit.js';
import { parseAuditConfig } from '../../src/config/audit.js';
import { findLogFiles } from '../../src/ingest/read.js';
import { detectUnusedRetrieval } from '../../src/waste/unused-retrieval.js';

const T0 = Date.parse('2026-11-20T08:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

// 1,206 tokens: over the 1,024-token cacheable minimum.
const SYS_LONG = 'You follow the house rules.' + ' rule'.repeat(1200);
// 504 tokens: under it.
const SYS_SHORT = 'You are terse.' + ' rule'.repeat(500);
const turn = (i: number) => `Message number ${i} about the order.`; // 8 tokens each
const big = (word: string) => ` ${word}`.repeat(2500).trim(); // apple, pear: 2,500 tokens
const C1 = 'The warranty covers parts and labour for two full years from purchase.'; // 13
const C2 = 'Shipping to Norway takes between four and six working days.'; // 11
const C3 = 'Our office dogs are named Biscuit and Pepper and they love visitors.'; // 14
const C4 = 'How long does shipping to Norway take is a common question.'; // 12
const QUESTION = 'How long does shipping to Norway take and what does the warranty cover?';

type Msg = { role: string; content: string };
const user = (content: string): Msg => ({ role: 'user', content });
const assistant = (content: string): Msg => ({ role: 'assistant', content });
const system = (content: string): Msg => ({ role: 'system', content });

function req(id: string, minutes: number, feature: string, messages: Msg[], extra: Record<string, unknown> = {}) {
  return { request_id: id, timestamp: at(minutes), feature, provider: 'openai', model: 'gpt-4o', messages, output: 'ok', status: 'ok', ...extra };
}

const alternating = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => ((from + k) % 2 === 1 ? user : assistant)(turn(from + k)));

const FIXTURE = [
  // repeated_system_prompt
  req('s1', 0, 'sys', [system(SYS_LONG), user('What is the refund policy?')]),
  req('s2', 10, 'sys', [system(SYS_LONG), user('Hello')]),
  req('s3', 20, 'sys', [system(SYS_LONG), user('Thanks.')], { usage: { cached_input_tokens: 1024 } }),
  req('s4', 200, 'sys', [system(SYS_LONG), user('ok')]),
  req('s5', 5, 'sys', [system(SYS_SHORT), user('Hello')]),
  req('s6', 6, 'sys', [system(SYS_SHORT), user('Thanks.')]),
  // history_overflow
  req('h1', 1, 'chat', [...alternating(1, 8), user('Hello')]),
  req('h2', 2, 'chat', [user(big('apple')), assistant(big('pear')), user(big('apple') + ' pear'), assistant('ok'), user('Hello')]),
  req('h3', 3, 'chat', [user(big('apple')), ...alternating(1, 5).map((m) => ({ ...m, role: 'assistant' })), assistant(big('pear')), user('Hello')]),
  // unused_retrieval
  req('k1', 30, 'kb', [user(`<document id="kb-7">${C1}</document>\n<document id="kb-8">${C2}</document>\n<document id="kb-9">${C3}</document>\n${QUESTION}`)], {
    output: 'Per [kb-7], coverage applies. Shipping to Norway takes between four and six working days.',
  }),
  req('k2', 31, 'kb', [user(`<document id="kb-4">${C4}</document>\n${QUESTION}`)], { output: 'How long does shipping to Norway take? It varies.' }),
  // duplicate_request and failed_request
  req('d1', 40, 'dup', [user('What is the refund policy?')], { params: { temperature: 0 } }),
  req('d2', 50, 'dup', [user('What is the refund policy?')], { params: { temperature: 0 } }),
  req('f1', 41, 'dup', [user('Hello')], { status: 'error', output: null, usage: { input_tokens: 9, output_tokens: 0 } }),
  req('f2', 45, 'dup', [user('Hello')]),
  req('f3', 46, 'dup', [user('Thanks.')], { output: '', usage: { input_tokens: 9, output_tokens: 0 } }),
  // verbose_output: outputs 10, 10, 10, 20, 50 tokens → median 10, budget 20
  ...[10, 10, 10, 20, 50].map((tokens, i) => req(`v${i + 1}`, 60 + i, 'sum', [user(turn(i + 1))], { output: 'summary', usage: { output_tokens: tokens } })),
];

async function audit(config: unknown = {}): Promise<AuditRun> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-waste-'));
  const file = join(dir, 'waste.jsonl');
  writeFileSync(file, FIXTURE.map((line) => JSON.stringify(line)).join('\n'));
  return runAudit({ files: findLogFiles([file]), config: parseAuditConfig(config), format: 'auto', threads: 2 });
}

async function wasteOf(run: AuditRun): Promise<Record<string, { category: string; tokens: number; costUsd: number }>> {
  const rows = await run.db.readSql<{ request_id: string; category: string; tokens: number; cost_usd: number }>(
    'select request_id, category, tokens, cost_usd from request_waste',
  );
  return Object.fromEntries(rows.map((r) => [r.request_id, { category: r.category, tokens: Number(r.tokens), costUsd: Number(r.cost_usd) }]));
}

describe('waste detectors', () => {
  let run: AuditRun;
  let waste: Awaited<ReturnType<typeof wasteOf>>;
  beforeAll(async () => {
    run = await audit();
    waste = await wasteOf(run);
  });
  afterAll(() => run.db.close());

  it('finds a cacheable system prompt re-sent uncached within the hour', () => {
    expect(waste.s2).toEqual({ category: 'repeated_system_prompt', tokens: 1206, costUsd: expect.closeTo(0.003015, 12) });
  });

  it('counts only the uncached part of a partly cached system prompt', () => {
    // 1,206 − 1,024 cached = 182 tokens × $2.50/MTok
    expect(waste.s3).toEqual({ category: 'repeated_system_prompt', tokens: 182, costUsd: expect.closeTo(0.000455, 12) });
  });

  it('ignores a repeat outside the cache window and a prompt under the cacheable minimum', () => {
    expect(waste.s1).toBeUndefined();
    expect(waste.s4).toBeUndefined();
    expect(waste.s5).toBeUndefined();
    expect(waste.s6).toBeUndefined();
  });

  it('wastes history beyond the newest six messages', () => {
    // m1 and m2, 8 tokens each
    expect(waste.h1).toEqual({ category: 'history_overflow', tokens: 16, costUsd: expect.closeTo(0.00004, 12) });
  });

  it('wastes history beyond 4,000 tokens, newest first', () => {
    // kept: "ok" (1) + "apple… pear" (2,501); wasted: pear (2,500) + apple (2,500)
    expect(waste.h2).toEqual({ category: 'history_overflow', tokens: 5000, costUsd: expect.closeTo(0.0125, 12) });
  });

  it('wastes history over both the message and the token limit once', () => {
    expect(waste.h3).toEqual({ category: 'history_overflow', tokens: 2500, costUsd: expect.closeTo(0.00625, 12) });
  });

  it('keeps a chunk cited by id though it shares no words, and one sharing 4-grams, and wastes the unused one', () => {
    expect(waste.k1).toEqual({ category: 'unused_retrieval', tokens: 14, costUsd: expect.closeTo(0.000035, 12) });
  });

  it('does not count 4-grams that the answer only echoes from the question', () => {
    expect(waste.k2).toEqual({ category: 'unused_retrieval', tokens: 12, costUsd: expect.closeTo(0.00003, 12) });
  });

  it('wastes the whole of an identical repeat of an ok request', () => {
    // 6 tokens + 4 chat overhead + 3 priming = 13 in, 1 out
    expect(waste.d2).toEqual({ category: 'duplicate_request', tokens: 14, costUsd: expect.closeTo(0.0000425, 12) });
    expect(waste.d1).toBeUndefined();
  });

  it('does not call the repeat of a failed request a duplicate', () => {
    expect(waste.f2).toBeUndefined();
  });

  it('wastes the whole of an error and of a billed empty answer', () => {
    expect(waste.f1).toEqual({ category: 'failed_request', tokens: 9, costUsd: expect.closeTo(0.0000225, 12) });
    expect(waste.f3).toEqual({ category: 'failed_request', tokens: 9, costUsd: expect.closeTo(0.0000225, 12) });
  });

  it('wastes output over twice the feature median, and nothing for an output exactly at budget', () => {
    expect(waste.v5).toEqual({ category: 'verbose_output', tokens: 30, costUsd: expect.closeTo(0.0003, 12) });
    expect(waste.v4).toBeUndefined();
  });

  it('gives each wasted request one category and ranks features by waste ratio', () => {
    const { features, totals, wasteByCategory } = run.summary;
    expect(wasteByCategory.history_overflow).toEqual({ tokens: 7516, costUsd: expect.closeTo(0.01879, 12), requests: 3 });
    expect(totals.wasteTokens).toBe(1206 + 182 + 16 + 5000 + 2500 + 14 + 12 + 14 + 9 + 9 + 30);
    const ratios = features.map((f) => f.wasteRatio);
    expect(ratios).toEqual([...ratios].sort((a, b) => b - a));
  });

  it('decides the same with every chunk text sent with its answers as with the pool given to each worker once', async () => {
    const decisions = () => run.db.readSql('select * from chunk_decisions order by all');
    const pooled = await decisions();
    expect(pooled.length).toBeGreaterThan(0);
    await run.db.run('delete from chunk_decisions');
    await detectUnusedRetrieval(run.db, parseAuditConfig({}).waste, 2, 0);
    expect(await decisions()).toEqual(pooled);
  });
});

describe('waste settings', () => {
  it('uses a configured output budget instead of the median', async () => {
    const run = await audit({ waste: { outputBudget: { features: { sum: 40 } } } });
    try {
      const waste = await wasteOf(run);
      expect(waste.v5).toEqual({ category: 'verbose_output', tokens: 10, costUsd: expect.closeTo(0.0001, 12) });
    } finally {
      run.db.close();
    }
  });

  it('uses a longer history window when configured', async () => {
    const run = await audit({ waste: { history: { maxMessages: 8, maxTokens: 100_000 } } });
    try {
      const waste = await wasteOf(run);
      expect(waste.h1).toBeUndefined();
      expect(waste.h2).toBeUndefined();
    } finally {
      run.db.close();
    }
  });
});
