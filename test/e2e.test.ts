// End to end: the built CLI on committed fixtures, asserting summary.json numbers written out
// by hand from the catalogue's rates.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/src/cli/index.js');
const FIXTURE = join(ROOT, 'test/fixtures/canonical/basic.jsonl');

function tokenaudit(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
}

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
});

describe('tokenaudit audit', () => {
  it('writes summary.json with totals computed by hand', () => {
    const out = mkdtempSync(join(tmpdir(), 'tokenaudit-e2e-'));
    const run = tokenaudit(['audit', FIXTURE, '--out', out, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(join(out, 'report.html'));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.schemaVersion).toBe(1);
    expect(summary.input).toEqual({
      rowsRead: 12,
      rowsLoaded: 5,
      rowsQuarantined: 6,
      rowsAlreadyLoaded: 1,
      quarantineByReason: { 'invalid json': 1, 'not an object': 1, 'missing field': 1, 'negative token count': 1, 'invalid timestamp': 1, 'invalid field': 1 },
      rowsByFormat: { canonical: 6 },
      recordsMerged: 0,
      recordsSkipped: 0,
    });
    // r-1 gpt-4o: 476 uncached × $2.50 + 1,024 cached × $1.25 + 300 out × $10 per MTok = $0.005470
    // r-2 gpt-4o-mini: 2,000 × $0.15 + 10 × $0.60 per MTok = $0.000306
    // r-3 claude-sonnet-4-5: 1,000 uncached × $3 + 3,000 read × $0.30 + 1,000 write × $3.75 + 200 out × $15 = $0.010650
    // r-4 my-llama-70b: unknown to the catalogue, $0
    // r-6 gpt-4o, no usage: recounted 4 + 1 tokens + 4×2 chat format + 3 priming = 16 in, 3 out → $0.000070
    expect(summary.totals.requests).toBe(5);
    expect(summary.totals.inputTokens).toBe(1500 + 2000 + 5000 + 100 + 16);
    expect(summary.totals.outputTokens).toBe(300 + 10 + 200 + 50 + 3);
    expect(summary.totals.cachedInputTokens).toBe(1024 + 3000);
    expect(summary.totals.costUsd).toBeCloseTo(0.016496, 12);
    const byModel = Object.fromEntries(summary.models.map((m: { model: string }) => [m.model, m]));
    expect(byModel['my-llama-70b']).toMatchObject({ priced: false, requests: 1, inputTokens: 100, outputTokens: 50, costUsd: 0 });
    expect(byModel['gpt-4o']).toMatchObject({ priced: true, provider: 'openai', requests: 2 });
    expect(summary.days).toEqual([
      { date: '2025-11-20', requests: 1, costUsd: 0, wasteCostUsd: expect.any(Number), wasteRatio: 0 },
      { date: '2026-11-20', requests: 4, costUsd: expect.closeTo(0.016496, 12), wasteCostUsd: expect.any(Number), wasteRatio: expect.any(Number) },
    ]);
    expect(summary.features.map((f: { feature: string }) => f.feature).sort()).toEqual(['classify', 'internal', 'kb-answer', 'support-chat']);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(readFileSync(join(out, 'features.csv'), 'utf8').split('\n')[0]).toBe(
      'feature,requests,cost_usd,waste_tokens,waste_cost_usd,waste_ratio,duplicate_request_usd,failed_request_usd,repeated_system_prompt_usd,history_overflow_usd,unused_retrieval_usd,verbose_output_usd',
    );
    expect(existsSync(join(out, 'requests.parquet'))).toBe(true);
  });

  it('prints summary.json to stdout with --json', () => {
    const out = mkdtempSync(join(tmpdir(), 'tokenaudit-e2e-'));
    const run = tokenaudit(['audit', FIXTURE, '--out', out, '--json', '--quiet']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).totals.requests).toBe(5);
  });

  it('exits 4 with --strict when rows were quarantined, and still writes the report', () => {
    const out = mkdtempSync(join(tmpdir(), 'tokenaudit-e2e-'));
    expect(tokenaudit(['audit', FIXTURE, '--out', out, '--strict', '--quiet']).status).toBe(4);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  });

  it('exits 2 naming a path that cannot be read', () => {
    const run = tokenaudit(['audit', join(ROOT, 'no/such/file.jsonl'), '--quiet']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no/such/file.jsonl: cannot read');
  });

  it('exits 1 on a bad flag and on a bad config, naming the path and value', () => {
    expect(tokenaudit(['audit', FIXTURE, '--no-such-flag']).status).toBe(1);
    expect(tokenaudit(['audit', FIXTURE, '--threads', 'many']).status).toBe(1);
    const config = join(mkdtempSync(join(tmpdir(), 'tokenaudit-e2e-')), 'audit.yaml');
    writeFileSync(config, 'waste:\n  history:\n    maxMessages: six\n');
    const run = tokenaudit(['audit', FIXTURE, '--config', config, '--quiet']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('waste.history.maxMessages');
    expect(run.stderr).toContain('"six"');
  });

  it('prices a model added with pricing.overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-e2e-'));
    const config = join(dir, 'audit.yaml');
    writeFileSync(config, 'pricing:\n  overrides:\n    - { model: my-llama-70b, inputPerMTok: 0.2, outputPerMTok: 0.6 }\n');
    const run = tokenaudit(['audit', FIXTURE, '--config', config, '--out', dir, '--json', '--quiet']);
    const summary = JSON.parse(run.stdout);
    const llama = summary.models.find((m: { model: string }) => m.model === 'my-llama-70b');
    // 100 × $0.20 + 50 × $0.60 per MTok = $0.000050
    expect(llama).toMatchObject({ priced: true });
    expect(llama.costUsd).toBeCloseTo(0.00005, 12);
  });

  it('keeps loaded requests in --db across runs: the same file again changes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-e2e-'));
    const db = join(dir, 'audit.duckdb');
    const first = JSON.parse(tokenaudit(['audit', FIXTURE, '--db', db, '--out', dir, '--json', '--quiet']).stdout);
    const second = JSON.parse(tokenaudit(['audit', FIXTURE, '--db', db, '--out', dir, '--json', '--quiet']).stdout);
    expect(second.input).toMatchObject({ rowsRead: 12, rowsLoaded: 0, rowsAlreadyLoaded: 6, rowsQuarantined: 6 });
    expect(second.totals).toEqual(first.totals);
  });

  it('simulates scenarios and prints the scenario table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-e2e-'));
    const scenarios = join(dir, 'scenarios.yaml');
    writeFileSync(scenarios, 'scenarios:\n  - name: mini\n    routing:\n      - when: { model: gpt-4o }\n        to: { model: gpt-4o-mini }\n');
    const run = tokenaudit(['simulate', FIXTURE, '--scenarios', scenarios, '--out', dir, '--quiet']);
    expect(run.status).toBe(0);
    const [header, , baseline, mini] = run.stdout.trim().split('\n');
    expect(header).toMatch(/^scenario\s+cost\s+savings\s+savings %\s+p50\s+p95\s+cache hits\s+routed\s+truncated\s+blocked$/);
    expect(baseline).toMatch(/^baseline\s+\$0\.02\s+\$0\.00\s+0\.0%/);
    // r-1 and r-6 move from gpt-4o to gpt-4o-mini
    expect(mini).toMatch(/^mini\s.*\s2\s+0\s+0$/);
    expect(tokenaudit(['simulate', FIXTURE, '--out', dir, '--quiet']).status).toBe(1);
  });

  it('exits 3 on a breached budget, still writes the report, and lists every budget', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-e2e-'));
    const config = join(dir, 'audit.yaml');
    writeFileSync(config, 'budgets:\n  maxCostUsd: 0.01\n  maxWasteRatio: 0.99\n  features:\n    kb-answer: { maxInputTokensPerRequest: 1000, maxCostUsd: 1 }\n');
    const run = tokenaudit(['audit', FIXTURE, '--config', config, '--out', dir, '--json', '--quiet']);
    expect(run.status).toBe(3);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('Budgets — 2 exceeded');
    const { budgets } = JSON.parse(run.stdout);
    expect(budgets).toEqual([
      { name: 'maxCostUsd', limit: 0.01, actual: expect.closeTo(0.016496, 12), breached: true },
      { name: 'maxWasteRatio', limit: 0.99, actual: expect.any(Number), breached: false },
      { name: 'features.kb-answer.maxCostUsd', limit: 1, actual: expect.closeTo(0.00554, 12), breached: false },
      // r-1 billed 1,500 input tokens; r-6 16
      { name: 'features.kb-answer.maxInputTokensPerRequest', limit: 1000, actual: 1500, breached: true, requestsOver: 1, requestIdsOver: ['r-1'] },
    ]);
  });

  it('exits 0 within budget', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-e2e-'));
    const config = join(dir, 'audit.yaml');
    writeFileSync(config, 'budgets: { maxCostUsd: 1, features: { support-chat: { maxP95LatencyMs: 100000 } } }\n');
    expect(tokenaudit(['audit', FIXTURE, '--config', config, '--out', dir, '--quiet']).status).toBe(0);
  });

  it('writes the headline numbers for Prometheus with --metrics', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-e2e-'));
    const metrics = join(dir, 'tokenaudit.prom');
    expect(tokenaudit(['audit', FIXTURE, '--out', dir, '--metrics', metrics, '--quiet']).status).toBe(0);
    const text = readFileSync(metrics, 'utf8');
    expect(text).toContain('# TYPE tokenaudit_total_cost_usd gauge\ntokenaudit_total_cost_usd ');
    expect(Number(text.match(/^tokenaudit_total_cost_usd (\S+)$/m)?.[1])).toBeCloseTo(0.016496, 12);
    expect(text).toContain('tokenaudit_requests{feature="kb-answer"} 2');
    expect(text).toContain('tokenaudit_input_tokens{model="my-llama-70b",provider="unknown"} 100');
    expect(text).toMatch(/tokenaudit_latency_p95_ms\{feature="kb-answer"\} 1840/);
  });

  it('narrows the report with --since (inclusive) and --until (exclusive)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-e2e-'));
    const since = JSON.parse(tokenaudit(['audit', FIXTURE, '--since', '2026-01-01', '--out', dir, '--json', '--quiet']).stdout);
    // r-4 (2025-11-20) is left out: 1,500 + 2,000 + 5,000 + 16 input tokens
    expect(since.totals).toMatchObject({ requests: 4, inputTokens: 8516 });
    const until = JSON.parse(tokenaudit(['audit', FIXTURE, '--until', '2026-11-20T09:00:00Z', '--out', dir, '--json', '--quiet']).stdout);
    // r-1 (08:00:05), r-2 (08:01) and r-4; not r-3 (09:30) nor r-6 (10:00)
    expect(until.totals).toMatchObject({ requests: 3, inputTokens: 3600 });
    expect(tokenaudit(['audit', FIXTURE, '--since', 'last tuesday', '--quiet']).status).toBe(1);
  });

  it('appends a new day to --db: the totals are exactly the sum of both days', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-e2e-'));
    const lines = readFileSync(FIXTURE, 'utf8').split('\n');
    const day1 = join(dir, 'day1.jsonl');
    const day2 = join(dir, 'day2.jsonl');
    writeFileSync(day1, [lines[0], lines[1]].join('\n'));
    writeFileSync(day2, [lines[2], lines[5]].join('\n'));
    const alone = (file: string) => JSON.parse(tokenaudit(['audit', file, '--out', dir, '--json', '--quiet']).stdout).totals;
    const [one, two] = [alone(day1), alone(day2)];
    const db = join(dir, 'audit.duckdb');
    tokenaudit(['audit', day1, '--db', db, '--out', dir, '--quiet']);
    const both = JSON.parse(tokenaudit(['audit', day2, '--db', db, '--out', dir, '--json', '--quiet']).stdout);
    expect(both.input).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsAlreadyLoaded: 0 });
    expect(both.totals.requests).toBe(one.requests + two.requests);
    expect(both.totals.inputTokens).toBe(one.inputTokens + two.inputTokens);
    expect(both.totals.costUsd).toBeCloseTo(one.costUsd + two.costUsd, 12);
  });

  it('forgets stored requests older than --retain-days before the newest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-e2e-'));
    const db = join(dir, 'audit.duckdb');
    tokenaudit(['audit', FIXTURE, '--db', db, '--out', dir, '--quiet']);
    const kept = JSON.parse(tokenaudit(['audit', FIXTURE, '--db', db, '--retain-days', '30', '--out', dir, '--json', '--quiet']).stdout);
    // r-4 is a year older than the rest
    expect(kept.totals.requests).toBe(4);
  });
});
