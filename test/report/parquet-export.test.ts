// --export-parquet: the partitioned export, and the summary rollups of queries/summary/ run
// unchanged over it in a fresh DuckDB give the numbers of the audit's own summary.json.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeSample } from '../../samples/generator.js';
import { auditCommand } from '../../src/cli/audit.js';
import { querySql } from '../../src/db.js';
import { attachExportViews } from '../../src/report/parquet-export.js';
import type { Summary } from '../../src/report/summary.js';

const FIXTURE = new URL('../fixtures/canonical/basic.jsonl', import.meta.url).pathname;
type Row = Record<string, unknown>;

async function audit(inputs: string[], out: string, extra: Record<string, string> = {}): Promise<Summary> {
  const code = await auditCommand(inputs, { format: 'auto', out, quiet: true, threads: '2', ...extra });
  expect(code).toBe(0);
  return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
}

/** A fresh in-memory DuckDB with only the views over the export. */
async function openExport(dir: string): Promise<{ connection: DuckDBConnection; rollup: (name: string) => Promise<Row[]>; close: () => void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await attachExportViews(connection, dir);
  return {
    connection,
    rollup: async (name) => (await connection.runAndReadAll(querySql(name))).getRowObjectsJson() as Row[],
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

const num = (value: unknown) => Number(value);

beforeAll(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterAll(() => {
  vi.restoreAllMocks();
});

describe('the Parquet export of a run with scenarios', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-export-'));
  const exportDir = join(dir, 'export');
  let summary: Summary;
  let views: Awaited<ReturnType<typeof openExport>>;

  beforeAll(async () => {
    await writeSample({ outDir: join(dir, 'sample'), requests: 300, seed: 5, profile: 'default' });
    const scenarios = join(dir, 'scenarios.yaml');
    writeFileSync(
      scenarios,
      'scenarios:\n  - name: kb-to-mini\n    routing:\n      - when: { feature: kb-answer }\n        to: { model: gpt-4o-mini }\n  - name: cache\n    responseCache: { ttlSeconds: 86400 }\n',
    );
    summary = await audit([join(dir, 'sample', 'logs'), FIXTURE], join(dir, 'out'), { exportParquet: exportDir, scenarios });
    views = await openExport(exportDir);
  });

  afterAll(() => views?.close());

  it('writes Hive partitions by UTC day and feature, and texts by hash bucket', () => {
    expect(readdirSync(join(exportDir, 'requests')).sort()).toEqual(['day=2025-11-20', 'day=2026-11-20']);
    expect(existsSync(join(exportDir, 'requests', 'day=2026-11-20', 'feature=kb-answer', 'data_0.parquet'))).toBe(true);
    expect(existsSync(join(exportDir, 'requests', 'day=2025-11-20', 'feature=internal', 'data_0.parquet'))).toBe(true);
    expect(readdirSync(join(exportDir, 'scenario_results')).sort()).toEqual(['day=2025-11-20', 'day=2026-11-20']);
    // r-4, the one request of 2025-11-20, has usage but no text and no waste
    expect(readdirSync(join(exportDir, 'segments'))).toEqual(['day=2026-11-20']);
    expect(readdirSync(join(exportDir, 'request_waste'))).toEqual(['day=2026-11-20']);
    for (const table of ['texts', 'text_tokens']) {
      expect(readdirSync(join(exportDir, table)).every((bucket) => /^hash_prefix=[0-9a-f]$/.test(bucket))).toBe(true);
    }
    expect(readdirSync(exportDir).filter((name) => name.startsWith('.staging'))).toEqual([]);
  });

  it('reproduces summary.json totals with queries/summary/totals.sql over the files', async () => {
    const [totals] = await views.rollup('summary/totals');
    expect(summary.totals.requests).toBe(305);
    expect(num(totals!.requests)).toBe(305);
    expect(num(totals!.input_tokens)).toBe(summary.totals.inputTokens);
    expect(num(totals!.output_tokens)).toBe(summary.totals.outputTokens);
    expect(num(totals!.cached_input_tokens)).toBe(summary.totals.cachedInputTokens);
    expect(num(totals!.cost_usd)).toBeCloseTo(summary.totals.costUsd, 12);
    expect(num(totals!.waste_tokens)).toBeCloseTo(summary.totals.wasteTokens, 6);
    expect(num(totals!.waste_cost_usd)).toBeCloseTo(summary.totals.wasteCostUsd, 12);
    // the sample day (300 requests, seed 5) and the five requests of the e2e fixture
    expect(num(totals!.input_tokens)).toBe(555_334);
    expect(num(totals!.output_tokens)).toBe(50_470);
    expect(num(totals!.cached_input_tokens)).toBe(129_000);
    expect(num(totals!.cost_usd)).toBeCloseTo(1.41286045, 8);
    expect(num(totals!.waste_cost_usd)).toBeCloseTo(0.5157139, 8);
  });

  it('reproduces features[], days[], models[] and wasteByCategory', async () => {
    const features = await views.rollup('summary/features');
    expect(features.map((f) => [f.feature, num(f.requests)])).toEqual([
      ['classify', 82],
      ['support-chat', 141],
      ['kb-answer', 52],
      ['summarize', 29],
      ['internal', 1],
    ]);
    expect(features.map((f) => f.feature)).toEqual(summary.features.map((f) => f.feature));
    features.forEach((row, i) => {
      const feature = summary.features[i]!;
      expect(num(row.requests)).toBe(feature.requests);
      expect(num(row.cost_usd)).toBeCloseTo(feature.costUsd, 12);
      expect(num(row.waste_cost_usd)).toBeCloseTo(feature.wasteCostUsd, 12);
    });
    const days = await views.rollup('summary/days');
    expect(days.map((d) => [d.date, num(d.requests)])).toEqual([
      ['2025-11-20', 1],
      ['2026-11-20', 304],
    ]);
    days.forEach((row, i) => {
      expect(num(row.cost_usd)).toBeCloseTo(summary.days[i]!.costUsd, 12);
      expect(num(row.waste_cost_usd)).toBeCloseTo(summary.days[i]!.wasteCostUsd, 12);
    });
    const models = await views.rollup('summary/models');
    expect(models.map((m) => [m.model, num(m.requests), m.priced])).toEqual(summary.models.map((m) => [m.model, m.requests, m.priced]));
    models.forEach((row, i) => expect(num(row.cost_usd)).toBeCloseTo(summary.models[i]!.costUsd, 12));
    const categories = (await views.rollup('summary/waste_by_category')).filter((c) => c.overall);
    for (const row of categories) {
      const expected = summary.wasteByCategory[row.category as keyof Summary['wasteByCategory']];
      expect(num(row.requests)).toBe(expected.requests);
      expect(num(row.cost_usd)).toBeCloseTo(expected.costUsd, 12);
    }
  });

  it('reproduces scenarios[] (cost, savings, latency percentiles, routed requests)', async () => {
    const rows = new Map((await views.rollup('summary/scenarios')).map((row) => [row.scenario, row]));
    expect(summary.scenarios.map((s) => s.name)).toEqual(['baseline', 'kb-to-mini', 'cache']);
    for (const scenario of summary.scenarios) {
      const row = rows.get(scenario.name)!;
      expect(num(row.cost_usd)).toBeCloseTo(scenario.costUsd, 12);
      expect(num(row.savings_usd)).toBeCloseTo(scenario.savingsUsd, 12);
      expect(num(row.p95)).toBeCloseTo(scenario.latencyMs.p95!, 6);
      expect(num(row.routed_requests)).toBe(scenario.routedRequests);
      expect(num(row.response_cache_hits)).toBe(scenario.responseCacheHits);
    }
    expect(num(rows.get('baseline')!.cost_usd)).toBeCloseTo(summary.totals.costUsd, 12);
    expect(num(rows.get('kb-to-mini')!.cost_usd)).toBeCloseTo(1.1883001, 8);
    expect(num(rows.get('kb-to-mini')!.routed_requests)).toBe(52);
    expect(num(rows.get('cache')!.response_cache_hits)).toBe(6);
  });

  it('keeps every segment joinable to its distinct text and token count', async () => {
    const sql = 'select count(*) as segments, count(texts.text_hash) as with_text, count(distinct segments.text_hash) as distinct_texts from segments left join texts using (text_hash)';
    const [row] = (await views.connection.runAndReadAll(sql)).getRowObjectsJson();
    expect(num(row!.with_text)).toBe(num(row!.segments));
    const [texts] = (await views.connection.runAndReadAll('select count(*) as n, count(distinct text_hash) as d from texts')).getRowObjectsJson();
    expect(num(texts!.n)).toBe(num(texts!.d));
  });
});

describe('exporting night after night into one folder', () => {
  it('adds a new day, and replaces a day audited again instead of counting it twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-export-'));
    const exportDir = join(dir, 'export');
    const lines = readFileSync(FIXTURE, 'utf8').split('\n');
    const night1 = join(dir, 'night1.jsonl');
    const night2 = join(dir, 'night2.jsonl');
    writeFileSync(night1, `${lines[3]}\n`); // r-4, 2025-11-20
    writeFileSync(night2, `${[lines[0], lines[1], lines[2], lines[5]].join('\n')}\n`); // r-1, r-2, r-3, r-6: 2026-11-20
    await audit([night1], join(dir, 'out'), { exportParquet: exportDir });
    await audit([night2], join(dir, 'out'), { exportParquet: exportDir });
    const again = await audit([night2], join(dir, 'out'), { exportParquet: exportDir });
    const views = await openExport(exportDir);
    try {
      const [totals] = await views.rollup('summary/totals');
      // the five requests of the e2e fixture: $0.016496 (test/e2e.test.ts works it out)
      expect(num(totals!.requests)).toBe(5);
      expect(num(totals!.input_tokens)).toBe(1500 + 2000 + 5000 + 100 + 16);
      expect(num(totals!.cost_usd)).toBeCloseTo(0.016496, 12);
      expect(num(totals!.cost_usd)).toBeCloseTo(again.totals.costUsd, 12);
      const days = await views.rollup('summary/days');
      expect(days.map((d) => [d.date, num(d.requests)])).toEqual([
        ['2025-11-20', 1],
        ['2026-11-20', 4],
      ]);
    } finally {
      views.close();
    }
  });
});
