// The sample generator plants waste of every category and writes its ground truth, computed
// from the DESIGN.md rules on the written logs; the audit must recover each within 2 %.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSample } from '../samples/generator.js';
import { runAudit, type AuditRun } from '../src/audit.js';
import { parseAuditConfig } from '../src/config/audit.js';
import { findLogFiles } from '../src/ingest/read.js';
import { WASTE_CATEGORIES } from '../src/report/summary.js';

interface GroundTruth {
  categories: Record<string, { tokens: number; requests: number }>;
}

describe('recovering the planted waste of the demo day', () => {
  let run: AuditRun;
  let truth: GroundTruth;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-recovery-'));
    await writeSample({ outDir: dir, requests: 2000, seed: 7, profile: 'default' });
    truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8'));
    run = await runAudit({ files: findLogFiles([join(dir, 'logs')]), config: parseAuditConfig({}), format: 'auto', threads: 2 });
  });
  afterAll(() => run.db.close());

  it.each(WASTE_CATEGORIES)('recovers %s within 2 %', (category) => {
    const found = run.summary.wasteByCategory[category];
    const planted = truth.categories[category]!;
    expect(planted.tokens).toBeGreaterThan(0);
    expect(Math.abs(found.tokens / planted.tokens - 1)).toBeLessThanOrEqual(0.02);
    expect(found.requests).toBe(planted.requests);
  });

  it('recounts the logged usage of every model exactly (zero drift)', () => {
    for (const model of run.summary.models) expect(model.tokenDrift).toBe(0);
  });

  it('loads every line and prices every model', () => {
    expect(run.summary.input).toMatchObject({ rowsRead: 2000, rowsLoaded: 2000, rowsQuarantined: 0 });
    expect(run.summary.models.every((model) => model.priced)).toBe(true);
  });
});
