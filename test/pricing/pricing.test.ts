// Prices from @pydantic/genai-prices, checked against hand arithmetic on the catalogue's
// published rates, and the SQL path against the reference arithmetic and calcPrice itself.
import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/db.js';
import { inferProvider, priceUsage, resolveModelRates, type BilledUsage } from '../../src/pricing/catalogue.js';
import { loadModelRates } from '../../src/pricing/rates.js';

const AT = new Date('2026-11-20T12:00:00Z');
const usage = (inputTokens: number, outputTokens: number, cachedInputTokens = 0, cacheWriteTokens = 0, cacheWrite1hTokens = 0): BilledUsage => ({
  inputTokens,
  outputTokens,
  cachedInputTokens,
  cacheWriteTokens,
  cacheWrite1hTokens,
});
const cost = (provider: string, model: string, billed: BilledUsage, batch = false, at = AT) =>
  priceUsage(resolveModelRates({ provider, model, at }, []), billed, batch).totalUsd;

describe('pricing one request', () => {
  it('prices gpt-4o with a cache read: 476 × $2.50 + 1,024 × $1.25 + 300 × $10 per MTok', () => {
    expect(cost('openai', 'gpt-4o', usage(1500, 300, 1024))).toBeCloseTo(0.00547, 12);
  });

  it('prices gpt-4o-mini with a cache read: 976 × $0.15 + 1,024 × $0.075 + 100 × $0.60 per MTok', () => {
    expect(cost('openai', 'gpt-4o-mini', usage(2000, 100, 1024))).toBeCloseTo(0.0002832, 12);
  });

  it('prices claude-sonnet-4-5 with a cache read and a 5-minute write: 1,000 × $3 + 3,000 × $0.30 + 1,000 × $3.75 + 200 × $15', () => {
    expect(cost('anthropic', 'claude-sonnet-4-5', usage(5000, 200, 3000, 1000))).toBeCloseTo(0.01065, 12);
  });

  it('prices a 1-hour cache write at its own rate: 2,000 × $3 + 2,000 × $6 + 100 × $15', () => {
    expect(cost('anthropic', 'claude-sonnet-4-5', usage(4000, 100, 0, 2000, 2000))).toBeCloseTo(0.0195, 12);
  });

  it('prices every token of a request over 200k input at the long-context tier: 250,000 × $6 + 1,000 × $22.50', () => {
    expect(cost('anthropic', 'claude-sonnet-4-5', usage(250_000, 1000))).toBeCloseTo(1.5225, 12);
    expect(cost('anthropic', 'claude-sonnet-4-5', usage(200_000, 1000))).toBeCloseTo(0.615, 12);
  });

  it('halves a batch request: (1,000 × $2.50 + 500 × $10) / 2 per MTok', () => {
    expect(cost('openai', 'gpt-4o', usage(1000, 500), true)).toBeCloseTo(0.00375, 12);
  });

  it('prices a model from the overrides: 100 × $0.20 + 50 × $0.60 per MTok', () => {
    const rates = resolveModelRates({ provider: 'unknown', model: 'my-llama-70b', at: AT }, [{ model: 'my-llama-70b', inputPerMTok: 0.2, outputPerMTok: 0.6 }]);
    expect(rates).toMatchObject({ priced: true, source: 'override' });
    expect(priceUsage(rates, usage(100, 50), false).totalUsd).toBeCloseTo(0.00005, 12);
  });

  it('prices an unknown model at zero and says so', () => {
    const rates = resolveModelRates({ provider: 'unknown', model: 'my-llama-70b', at: AT }, []);
    expect(rates).toMatchObject({ priced: false, source: 'none' });
    expect(priceUsage(rates, usage(100, 50), false).totalUsd).toBe(0);
  });

  it('uses the rates in force on the request date (claude-opus-4-6 went flat on 2026-03-13)', () => {
    // before: 300,000 × $10 + 1,000 × $37.50 (long-context tier); after: 300,000 × $5 + 1,000 × $25
    expect(cost('anthropic', 'claude-opus-4-6', usage(300_000, 1000), false, new Date('2026-03-01T12:00:00Z'))).toBeCloseTo(3.0375, 12);
    expect(cost('anthropic', 'claude-opus-4-6', usage(300_000, 1000), false, new Date('2026-03-20T12:00:00Z'))).toBeCloseTo(1.525, 12);
  });

  it('infers the provider from the model name', () => {
    expect(inferProvider('gpt-4o')).toBe('openai');
    expect(inferProvider('claude-sonnet-4-5')).toBe('anthropic');
    expect(inferProvider('no-such-model-xyz')).toBe('unknown');
  });
});

describe('pricing in SQL', () => {
  let db: Database;
  beforeEach(async () => {
    db = await Database.open();
    await db.run('create table request_tokens (request_id varchar, input_tokens bigint, output_tokens bigint, cached_input_tokens bigint, cache_write_tokens bigint, cache_write_1h_tokens bigint)');
  });
  afterEach(() => db.close());

  async function insert(id: string, provider: string, model: string, at: Date, billed: BilledUsage, batch = false): Promise<void> {
    await db.run(
      `insert into stored_requests (request_id, ts, feature, provider, model, has_text, message_count, name_count, name_tokens, choice_count, status, batch, params_hash, format, source_file, source_line)
       values ($id, make_timestamp($us::bigint), 'f', $provider, $model, false, 0, 0, 0, 1, 'ok', $batch, 0, 'canonical', 'x', 1)`,
      { id, us: BigInt(at.getTime()) * 1000n, provider, model, batch },
    );
    await db.run('insert into request_tokens values ($id, $i, $o, $c, $w, $h)', {
      id,
      i: billed.inputTokens,
      o: billed.outputTokens,
      c: billed.cachedInputTokens,
      w: billed.cacheWriteTokens,
      h: billed.cacheWrite1hTokens,
    });
  }

  async function sqlCosts(): Promise<Record<string, { cost: number; priced: boolean }>> {
    await loadModelRates(db.connection, []);
    const rows = await db.readSql<{ request_id: string; cost_usd: number; priced: boolean }>('select request_id, cost_usd, priced from request_costs');
    return Object.fromEntries(rows.map((r) => [r.request_id, { cost: r.cost_usd, priced: r.priced }]));
  }

  it('gives the same cost as the reference arithmetic and as calcPrice on 300 random requests', async () => {
    const models = [['openai', 'gpt-4o'], ['openai', 'gpt-4o-mini'], ['openai', 'gpt-4.1'], ['anthropic', 'claude-sonnet-4-5'], ['anthropic', 'claude-haiku-4-5'], ['anthropic', 'claude-opus-4-6']] as const;
    let seed = 7;
    const random = (max: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % max);
    const cases: Array<{ id: string; provider: string; model: string; at: Date; billed: BilledUsage; batch: boolean }> = [];
    for (let i = 0; i < 300; i++) {
      const [provider, model] = models[i % models.length]!;
      const input = random(400_000);
      const cached = random(input + 1);
      const write = provider === 'anthropic' ? random(input - cached + 1) : 0;
      const at = new Date(Date.UTC(2026, random(11), 1 + random(28), random(24)));
      cases.push({ id: `q${i}`, provider, model, at, billed: usage(input, random(5000), cached, write), batch: random(5) === 0 });
    }
    for (const c of cases) await insert(c.id, c.provider, c.model, c.at, c.billed, c.batch);
    const fromSql = await sqlCosts();
    for (const c of cases) {
      const reference = priceUsage(resolveModelRates({ provider: c.provider, model: c.model, at: c.at }, []), c.billed, c.batch).totalUsd;
      const catalogue = calcPrice({ input_tokens: c.billed.inputTokens, cache_read_tokens: c.billed.cachedInputTokens, cache_write_tokens: c.billed.cacheWriteTokens, output_tokens: c.billed.outputTokens }, c.model, { providerId: c.provider, timestamp: c.at })!.total_price * (c.batch ? 0.5 : 1);
      expect(fromSql[c.id]!.cost, c.id).toBeCloseTo(reference, 12);
      expect(reference, c.id).toBeCloseTo(catalogue, 12);
    }
  });

  it('prices time-of-day rates at each request\'s minute (deepseek-chat)', async () => {
    const night = new Date('2026-11-20T01:00:00Z');
    const evening = new Date('2026-11-20T18:00:00Z');
    await insert('night', 'deepseek', 'deepseek-chat', night, usage(1_000_000, 0));
    await insert('evening', 'deepseek', 'deepseek-chat', evening, usage(1_000_000, 0));
    const costs = await sqlCosts();
    expect(costs.night!.cost).toBeCloseTo(calcPrice({ input_tokens: 1_000_000, output_tokens: 0 }, 'deepseek-chat', { providerId: 'deepseek', timestamp: night })!.total_price, 12);
    expect(costs.evening!.cost).toBeCloseTo(calcPrice({ input_tokens: 1_000_000, output_tokens: 0 }, 'deepseek-chat', { providerId: 'deepseek', timestamp: evening })!.total_price, 12);
    expect(costs.night!.cost).not.toBeCloseTo(costs.evening!.cost, 6);
  });

  it('keeps an unknown model, priced at zero', async () => {
    await insert('u', 'unknown', 'my-llama-70b', AT, usage(100, 50));
    expect(await sqlCosts()).toEqual({ u: { cost: 0, priced: false } });
  });
});
