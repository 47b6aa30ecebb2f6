// A database kept with --db holds what earlier runs worked out (rates, encodings, chunk
// decisions). A run under another config must report what a fresh database would under it:
// nothing an earlier run's settings decided may leak into its numbers.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSample } from '../samples/generator.js';
import { runAudit } from '../src/audit.js';
import { querySql } from '../src/db.js';
import { parseAuditConfig, type AuditConfig } from '../src/config/audit.js';
import { loadScenarioFile } from '../src/config/scenarios.js';
import { findLogFiles } from '../src/ingest/read.js';
import { writeReport } from '../src/report/render.js';
import type { Summary } from '../src/report/summary.js';

/** Every setting whose result an earlier run stores in the database, changed. */
const CHANGED = parseAuditConfig({
  waste: { retrieval: { minSharedNgrams: 5 } },
  encodings: { 'gpt-4o': 'cl100k_base', 'claude-sonnet-4-5': 'o200k_base' },
  pricing: { overrides: [{ model: 'gpt-4o', inputPerMTok: 1, outputPerMTok: 3 }] },
});

/** The summary's numbers: what was loaded this time, how long it took and the warnings about it differ by design. */
function numbers(summary: Summary): Omit<Summary, 'input' | 'timings' | 'warnings'> {
  const { input: _input, timings: _timings, warnings: _warnings, ...rest } = summary;
  return JSON.parse(JSON.stringify(rest, (_key, value: unknown) => (typeof value === 'number' ? Number(value.toPrecision(12)) : value)));
}

/** Runs `test` in a new temporary folder, removed after. */
async function inTempDir(prefix: string, test: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await test(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SCENARIOS = join(import.meta.dirname, '..', 'samples', 'scenarios.yaml');

interface Run {
  config?: AuditConfig;
  dbPath?: string;
  threads?: number;
  since?: Date;
}

/** The summary of one audit of `inputs` with the sample scenarios (its database closed after). */
async function auditSummary(inputs: string[], { config = parseAuditConfig({}), dbPath, threads = 2, since }: Run = {}): Promise<Summary> {
  const run = await runAudit({ files: findLogFiles(inputs), config, scenarios: loadScenarioFile(SCENARIOS), format: 'auto', dbPath, threads, since });
  run.db.close();
  return run.summary;
}

describe('a kept database audited again under another config', () => {
  let dir: string;
  const warnings: string[][] = [];
  const audit = async (config: AuditConfig, dbPath?: string) => {
    const summary = await auditSummary([join(dir, 'logs')], { config, dbPath });
    warnings.push(summary.warnings);
    return summary;
  };
  let defaults: Summary;
  let fresh: Summary;
  let rerun: Summary;
  let back: Summary;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tokenaudit-rerun-'));
    await writeSample({ outDir: dir, requests: 600, seed: 11, profile: 'default' });
    const kept = join(dir, 'kept.duckdb');
    defaults = await audit(parseAuditConfig({}), kept);
    rerun = await audit(CHANGED, kept);
    back = await audit(parseAuditConfig({}), kept);
    fresh = await audit(CHANGED);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names every changed reading setting (fields, defaults, the retrieval regex)', async () => {
    const kept = join(dir, 'reading.duckdb');
    await audit(parseAuditConfig({}), kept);
    const config = parseAuditConfig({ fields: { feature: 'metadata.feature' }, defaults: { user_id: 'nobody' }, waste: { retrieval: { extract: '<doc>(?<text>[\\s\\S]*?)</doc>' } } });
    const run = await runAudit({ files: findLogFiles([join(dir, 'logs')]), config, format: 'auto', dbPath: kept, threads: 2 });
    try {
      expect(run.summary.warnings).toEqual([
        expect.stringMatching(
          /^the config's fields, defaults, waste\.retrieval\.extract changed .* \(the feature, user and other fields found at the old paths; the old default values; the retrieved chunks cut out by the old regex\)/,
        ),
      ]);
      // the report says it too, in its data-quality section
      const report = join(dir, 'report.html');
      await writeReport(run.db, run.summary, config.report, report);
      expect(readFileSync(report, 'utf8')).toContain('<strong>Warning:</strong> the config&#x27;s fields, defaults, waste.retrieval.extract changed');
    } finally {
      run.db.close();
    }
  });

  it('the changed settings change the numbers (else this test proves nothing)', () => {
    expect(fresh.totals.costUsd).not.toBeCloseTo(defaults.totals.costUsd, 3);
    expect(fresh.wasteByCategory.unused_retrieval.tokens).not.toBe(defaults.wasteByCategory.unused_retrieval.tokens);
    expect(fresh.models.find((m) => m.model === 'gpt-4o')!.tokenDrift).not.toBe(defaults.models.find((m) => m.model === 'gpt-4o')!.tokenDrift);
  });

  it('reports what a fresh database reports under the new config', () => {
    expect(rerun.input.rowsAlreadyLoaded).toBe(rerun.input.rowsRead);
    // the override's price, not the catalogue's: 182,268 input tokens at $1/MTok and 25,807
    // output tokens at $3/MTok
    const gpt4o = rerun.models.find((m) => m.model === 'gpt-4o')!;
    expect([gpt4o.requests, gpt4o.inputTokens, gpt4o.outputTokens]).toEqual([141, 182268, 25807]);
    expect(gpt4o.costUsd).toBeCloseTo(0.182268 + 0.077421, 9);
    expect(numbers(rerun)).toEqual(numbers(fresh));
  });

  it('and what it reported first once the config is changed back', () => {
    expect(numbers(back)).toEqual(numbers(defaults));
  });

  it('warns that requests already loaded keep how they were read, when the settings that read them change', () => {
    // the first run, the rerun and the run back changed no reading setting but encodings, and
    // loaded nothing after the first: the record stays the first run's settings
    expect(warnings[0]).toEqual([]);
    expect(warnings[1]).toEqual([
      "the config's encodings changed since requests were last loaded into this database: requests already in it keep what they were read as then (the tokens of message names, counted in the old encoding); audit into a new --db file to read every request under the new settings",
    ]);
    expect(warnings[2]).toEqual([]);
    expect(warnings[3]).toEqual([]);
  });
});

describe('a kept database fed night by night', () => {
  it('reports what one run over all the files reports, whatever the threads and parts', async () => {
    await inTempDir('tokenaudit-nightly-', async (dir) => {
      await writeSample({ outDir: dir, requests: 600, seed: 5, profile: 'default' });
      const files = findLogFiles([join(dir, 'logs')]).map((file) => file.path);
      expect(files.length).toBeGreaterThanOrEqual(3);
      const once = await auditSummary(files);
      const dbPath = join(dir, 'kept.duckdb');
      await auditSummary(files.slice(0, 1), { dbPath, threads: 1 });
      // a night that overlaps the one before (the second file again), on more threads
      await auditSummary(files.slice(1, 2), { dbPath, threads: 3 });
      const last = await auditSummary(files.slice(1), { dbPath });
      expect(last.input.rowsAlreadyLoaded).toBeGreaterThan(0);
      expect(numbers(last)).toEqual(numbers({ ...once, settings: { ...once.settings, threads: 2 } }));
    });
  }, 120_000);
});

describe('--retain-days on a kept database', () => {
  it('forgets the old requests and everything only they referred to, chunk decisions included', async () => {
    await inTempDir('tokenaudit-retain-', async (dir) => {
      await writeSample({ outDir: dir, requests: 400, seed: 3, profile: 'default' });
      const run = await runAudit({ files: findLogFiles([join(dir, 'logs')]), config: parseAuditConfig({}), format: 'auto', threads: 2 });
      const { db } = run;
      try {
        const count = async (sql: string) => Number((await db.readSql<{ n: bigint }>(`select count(*) as n from (${sql})`))[0]!.n);
        const decisions = await count('select * from chunk_decisions');
        // half the requests a year older than the rest
        await db.run("update stored_requests set ts = ts - interval 365 day where hash(request_id) % 2 = 0");
        await db.run(querySql('retain_days').replaceAll('$days', '30'));
        const orphans = {
          segments: await count('select * from segments anti join stored_requests using (request_id)'),
          texts: await count(
            'select text_hash from texts except select text_hash from segments except select user_message_hash from stored_requests',
          ),
          counts: await count('select * from text_tokens anti join texts using (text_hash)'),
          decisions: await count(
            'select * from chunk_decisions where chunk_hash not in (select text_hash from texts) or output_hash not in (select text_hash from texts)',
          ),
        };
        expect(orphans).toEqual({ segments: 0, texts: 0, counts: 0, decisions: 0 });
        const kept = await count('select * from chunk_decisions');
        expect(kept).toBeGreaterThan(0);
        expect(kept).toBeLessThan(decisions);
      } finally {
        db.close();
      }
    });
  }, 60_000);
});

describe('a kept database narrowed to one day with --since', () => {
  it('reports what a fresh database holding only that day reports', async () => {
    await inTempDir('tokenaudit-scope-', async (dir) => {
      await writeSample({ outDir: join(dir, 'first'), requests: 400, seed: 5, profile: 'default' });
      await writeSample({ outDir: join(dir, 'second'), requests: 400, seed: 6, profile: 'default' });
      // the second sample a day later, under ids of its own
      const day2 = join(dir, 'day2');
      mkdirSync(day2);
      for (const file of readdirSync(join(dir, 'second', 'logs'))) {
        const lines = readFileSync(join(dir, 'second', 'logs', file), 'utf8').split('\n').filter((line) => line !== '');
        const shifted = lines.map((line) => {
          const record = JSON.parse(line) as { timestamp: string; request_id: string };
          return JSON.stringify({ ...record, timestamp: new Date(Date.parse(record.timestamp) + 86_400_000).toISOString(), request_id: `day2-${record.request_id}` });
        });
        writeFileSync(join(day2, file), `${shifted.join('\n')}\n`);
      }
      const dbPath = join(dir, 'kept.duckdb');
      await auditSummary([join(dir, 'first', 'logs')], { dbPath });
      const scoped = await auditSummary([day2], { dbPath, since: new Date('2026-11-21T00:00:00Z') });
      const fresh = await auditSummary([day2]);
      expect(scoped.totals.requests).toBe(400);
      expect(numbers({ ...scoped, settings: {} })).toEqual(numbers({ ...fresh, settings: {} }));
    });
  }, 120_000);
});
