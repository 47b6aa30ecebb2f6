// Each policy on a small fixture with the expected cost written out by hand. No usage is logged,
// so billed tokens are the exact recount: content + 4 per message + 3 for OpenAI models, content
// alone for Claude. gpt-4o: $2.50 in / $1.25 cached / $10 out per MTok; gpt-4o-mini: $0.15 /
// $0.075 / $0.60; claude-sonnet-4-5: $3 in / $15 out.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit, type AuditRun } from '../../src/audit.js';
import { ConfigError, parseAuditConfig } from '../../src/config/audit.js';
import { parseScenarioFile } from '../../src/config/scenarios.js';
import { findLogFiles } from '../../src/ingest/read.js';
import type { ScenarioSummary } from '../../src/report/summary.js';

const SYSTEM_1300 = 'House rules:' + ' rule'.repeat(1297); // 1,300 tokens
const T0 = Date.parse('2026-11-20T08:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
type Msg = { role: string; content: string };

function req(id: string, seconds: number, messages: Msg[], extra: Record<string, unknown> = {}) {
  return { request_id: id, timestamp: at(seconds), feature: 'f', provider: 'openai', model: 'gpt-4o', messages, output: 'ok', status: 'ok', ...extra };
}

async function simulate(lines: object[], scenarios: unknown[]): Promise<{ run: AuditRun; byName: Record<string, ScenarioSummary> }> {
  const file = join(mkdtempSync(join(tmpdir(), 'tokenaudit-sim-')), 'log.jsonl');
  writeFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n'));
  const run = await runAudit({ files: findLogFiles([file]), config: parseAuditConfig({}), scenarios: parseScenarioFile({ scenarios }), format: 'auto', threads: 2 });
  run.db.close();
  return { run, byName: Object.fromEntries(run.summary.scenarios.map((s) => [s.name, s])) };
}

describe('policies', () => {
  it('puts the baseline first and reproduces the billed cost exactly with an empty scenario', async () => {
    const { run, byName } = await simulate([req('a', 0, [{ role: 'user', content: 'Question one?' }]), req('b', 5, [{ role: 'user', content: 'Question two?' }])], [{ name: 'nothing' }]);
    expect(run.summary.scenarios.map((s) => s.name)).toEqual(['baseline', 'nothing']);
    expect(byName.baseline!.costUsd).toBe(run.summary.totals.costUsd);
    expect(byName.nothing!.costUsd).toBe(run.summary.totals.costUsd);
    expect(byName.nothing!.savingsUsd).toBe(0);
  });

  it('caches 1,280 tokens of a repeated 1,300-token prefix, OpenAI style', async () => {
    const lines = [req('p1', 0, [{ role: 'system', content: SYSTEM_1300 }, { role: 'user', content: 'Question one?' }]), req('p2', 60, [{ role: 'system', content: SYSTEM_1300 }, { role: 'user', content: 'Question two?' }])];
    const { byName } = await simulate(lines, [{ name: 'prefix', prefixCache: { style: 'openai' } }]);
    expect(byName.prefix!.prefixCachedTokens).toBe(1280);
    // 1,280 tokens at $1.25 instead of $2.50 per MTok
    expect(byName.prefix!.savingsUsd).toBeCloseTo(0.0016, 12);
  });

  it('caches nothing once the prefix has expired', async () => {
    const lines = [req('p1', 0, [{ role: 'system', content: SYSTEM_1300 }, { role: 'user', content: 'Question one?' }]), req('p2', 3600, [{ role: 'system', content: SYSTEM_1300 }, { role: 'user', content: 'Question two?' }])];
    const { byName } = await simulate(lines, [{ name: 'prefix', prefixCache: { style: 'openai', ttlSeconds: 600 } }]);
    expect(byName.prefix!.prefixCachedTokens).toBe(0);
    expect(byName.prefix!.savingsUsd).toBeCloseTo(0, 12);
  });

  it('writes then reads an Anthropic breakpoint after the system prompt', async () => {
    const claude = { provider: 'anthropic', model: 'claude-sonnet-4-5' };
    const lines = [req('c1', 0, [{ role: 'system', content: SYSTEM_1300 }, { role: 'user', content: 'Question one?' }], claude), req('c2', 120, [{ role: 'system', content: SYSTEM_1300 }, { role: 'user', content: 'Question two?' }], claude)];
    const { byName } = await simulate(lines, [{ name: 'anthropic', prefixCache: { style: 'anthropic' } }]);
    // baseline 2 × 1,300 × $3; scenario: 1,300 × $3.75 (write, 1.25×) + 1,300 × $0.30 (read, 0.1×)
    expect(byName.anthropic!.savingsUsd).toBeCloseTo(0.002535, 12);
    expect(byName.anthropic!.prefixCachedTokens).toBe(1300);
  });

  it('serves an exact repeat within the TTL from the response cache', async () => {
    const question = [{ role: 'user', content: 'What is the refund policy?' }];
    const { byName } = await simulate([req('r1', 0, question), req('r2', 3600, question), req('r3', 200_000, question)], [{ name: 'cache', responseCache: { ttlSeconds: 86_400, cacheLatencyMs: 20 } }]);
    // r2 costs nothing: 13 in × $2.50 + 1 out × $10 per MTok; r3 is past the day
    expect(byName.cache!.responseCacheHits).toBe(1);
    expect(byName.cache!.savingsUsd).toBeCloseTo(0.0000425, 12);
  });

  it('routes matching requests to the target model, recounted and repriced', async () => {
    const lines = [req('k1', 0, [{ role: 'user', content: 'What is the refund policy?' }], { feature: 'kb' }), req('k2', 1, [{ role: 'user', content: 'Question one?' }], { feature: 'chat' })];
    const { byName } = await simulate(lines, [{ name: 'mini', routing: [{ when: { feature: 'kb' }, to: { model: 'gpt-4o-mini' } }] }]);
    // k1: 13 in + 1 out: $0.0000425 on gpt-4o, 13 × $0.15 + 1 × $0.60 = $0.00000255 on gpt-4o-mini
    expect(byName.mini!.routedRequests).toBe(1);
    expect(byName.mini!.savingsUsd).toBeCloseTo(0.0000425 - 0.00000255, 12);
  });

  it('routes by input size, by the user message, and a stable sample', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => req(`s${i}`, i, [{ role: 'user', content: i % 2 ? 'Question one?' : 'What is the refund policy?' }]));
    const { byName } = await simulate(lines, [
      { name: 'short', routing: [{ when: { inputTokens: { max: 10 } }, to: { model: 'gpt-4o-mini' } }] },
      { name: 'refunds', routing: [{ when: { userMessageMatches: 'refund' }, to: { model: 'gpt-4o-mini' } }] },
      { name: 'canary', routing: [{ when: { sample: 0.25 }, to: { model: 'gpt-4o-mini' } }] },
    ]);
    // "Question one?" = 3 + 4 + 3 = 10 input tokens; the refund question 13
    expect(byName.short!.routedRequests).toBe(100);
    expect(byName.refunds!.routedRequests).toBe(100);
    expect(byName.canary!.routedRequests).toBeGreaterThan(30);
    expect(byName.canary!.routedRequests).toBeLessThan(70);
  });

  it('trims history, retrieval and output, and counts the answers it would have cut', async () => {
    const history = [
      { role: 'user', content: 'Old message.' },
      { role: 'assistant', content: 'Older message.' },
      { role: 'user', content: 'Newest message.' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: '<document id="a">Question one?</document><document id="b">Question two?</document> What is the refund policy?' },
    ];
    const { byName } = await simulate([req('t1', 0, history, { output: 'A long answer here.' })], [
      { name: 'history', trimming: { history: { maxMessages: 2 } } },
      { name: 'topk', trimming: { retrieval: { topK: 1 } } },
      { name: 'cap', trimming: { maxOutputTokens: 2 } },
    ]);
    // history: drops "Old message." and "Older message." (3 + 3 tokens) → 6 × $2.50 per MTok
    expect(byName.history!.savingsUsd).toBeCloseTo(0.000015, 12);
    // top-1: drops chunk b, "Question two?" (3 tokens)
    expect(byName.topk!.savingsUsd).toBeCloseTo(0.0000075, 12);
    // the answer had 5 tokens: 3 cut × $10 per MTok
    expect(byName.cap!.truncatedOutputs).toBe(1);
    expect(byName.cap!.savingsUsd).toBeCloseTo(0.00003, 12);
  });

  it('moves listed features to batch prices (half) and batch latency', async () => {
    const lines = [req('b1', 0, [{ role: 'user', content: 'Summarize this.' }], { feature: 'summarize', latency_ms: 900 }), req('b2', 1, [{ role: 'user', content: 'Question one?' }], { latency_ms: 900 })];
    const { byName } = await simulate(lines, [{ name: 'batch', batch: { features: ['summarize'], latencyMs: 600_000 } }]);
    // b1: (5 + 4 + 3) in × $2.50 + 1 out × $10 = $0.00004, halved
    expect(byName.batch!.savingsUsd).toBeCloseTo(0.00002, 12);
    expect(byName.batch!.latencyMs.p95).toBeGreaterThan(100_000);
  });

  it('blocks requests past a daily token cap and names the users', async () => {
    const ask = [{ role: 'user', content: 'Question one?' }]; // 10 in + 1 out = 11 tokens
    const lines = [req('u1', 0, ask, { user_id: 'alice' }), req('u2', 10, ask, { user_id: 'alice' }), req('u3', 20, ask, { user_id: 'alice' }), req('u4', 30, ask, { user_id: 'bob' })];
    const { byName } = await simulate(lines, [{ name: 'caps', userCaps: { dailyTokens: 25 } }]);
    expect(byName.caps!.blockedRequests).toBe(1);
    expect(byName.caps!.blockedUsers).toEqual([{ userId: 'alice', blockedRequests: 1 }]);
    // u3 blocked: 10 × $2.50 + 1 × $10 per MTok
    expect(byName.caps!.savingsUsd).toBeCloseTo(0.000035, 12);
  });
});

describe('scenario files', () => {
  it('refuses unknown keys, naming the path and the nearest key', () => {
    expect(() => parseScenarioFile({ scenarios: [{ name: 'x', responseCache: { ttlSecond: 5 } }] }, 'scenarios.yaml')).toThrow(
      /scenarios\.yaml: scenarios\[0\]\.responseCache\.ttlSecond: unknown key \(did you mean ttlSeconds\?\)/,
    );
  });

  it('refuses an unknown routing target and an unknown feature, suggesting the nearest', async () => {
    const line = req('a', 0, [{ role: 'user', content: 'Question one?' }], { feature: 'kb-answer' });
    await expect(simulate([line], [{ name: 'x', routing: [{ when: { feature: 'kb-answer' }, to: { model: 'gpt-4o-mnii' } }] }])).rejects.toThrow(
      /scenarios\[0\]\.routing\[0\]\.to\.model: unknown model "gpt-4o-mnii" \(did you mean gpt-4o-mini\?\)/,
    );
    await expect(simulate([line], [{ name: 'x', batch: { features: ['kb-answr'] } }])).rejects.toThrow(ConfigError);
    await expect(simulate([line], [{ name: 'x', batch: { features: ['kb-answr'] } }])).rejects.toThrow(/did you mean kb-answer\?/);
  });
});
