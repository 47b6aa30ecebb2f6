// Properties of the replay on a realistic sample day: caches never cost more, no saving exceeds
// the baseline, and the same replay gives the same numbers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSample } from '../../samples/generator.js';
import { runAudit, type AuditRun } from '../../src/audit.js';
import { parseAuditConfig } from '../../src/config/audit.js';
import { loadScenarioFile } from '../../src/config/scenarios.js';
import { findLogFiles } from '../../src/ingest/read.js';

const SCENARIOS = new URL('../../samples/scenarios.yaml', import.meta.url).pathname;

describe('replay properties on the sample day', () => {
  let logs: string;
  let first: AuditRun;
  let perRequest: Array<{ request_id: string; scenario: string; cost_usd: number; baseline_usd: number }>;
  const audit = () => runAudit({ files: findLogFiles([logs]), config: parseAuditConfig({}), scenarios: loadScenarioFile(SCENARIOS), format: 'auto', threads: 2 });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-props-'));
    await writeSample({ outDir: dir, requests: 600, seed: 3, profile: 'default' });
    logs = join(dir, 'logs');
    first = await audit();
    perRequest = await first.db.readSql(
      "select s.request_id, s.scenario, s.cost_usd, b.cost_usd as baseline_usd from scenario_results s join scenario_results b on b.request_id = s.request_id and b.scenario = 'baseline' where s.scenario <> 'baseline'",
    );
    first.db.close();
  });

  it('replays the baseline at exactly the billed cost', () => {
    expect(first.summary.scenarios[0]!.name).toBe('baseline');
    expect(first.summary.scenarios[0]!.costUsd).toBe(first.summary.totals.costUsd);
  });

  it('never charges more for a request under the response cache', () => {
    const cached = perRequest.filter((r) => r.scenario === 'response-cache-24h');
    expect(cached.length).toBe(600);
    for (const r of cached) expect(r.cost_usd).toBeLessThanOrEqual(r.baseline_usd + 1e-15);
  });

  it('costs no more than the baseline under the prefix cache', () => {
    const prefix = first.summary.scenarios.find((s) => s.name === 'prefix-cache')!;
    expect(prefix.savingsUsd).toBeGreaterThanOrEqual(0);
  });

  it('never saves more than the baseline cost', () => {
    for (const scenario of first.summary.scenarios) {
      expect(scenario.savingsUsd).toBeLessThanOrEqual(first.summary.totals.costUsd);
      expect(scenario.costUsd).toBeGreaterThanOrEqual(0);
    }
  });

  it('gives identical numbers when replayed twice', async () => {
    const second = await audit();
    second.db.close();
    expect(second.summary.scenarios).toEqual(first.summary.scenarios);
  });
});
