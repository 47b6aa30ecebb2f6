// Mutates valid log lines at random (truncation, type swaps, huge strings, deep nesting, byte
// garbage) and checks that loading never crashes and the accounting always adds up.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRIEVAL_EXTRACT } from '../../src/config/audit.js';
import { Database } from '../../src/db.js';
import { loadLogFiles } from '../../src/ingest/load.js';
import { findLogFiles } from '../../src/ingest/read.js';
import { mulberry32 } from '../random.js';

const SOURCE = new URL('../fixtures/canonical/basic.jsonl', import.meta.url).pathname;
const VALID = readFileSync(SOURCE, 'utf8').split('\n').slice(0, 6);

const SWAPS: unknown[] = [null, 42, -1, 1e308, 'text', true, [], {}, [1, 'a'], { role: 'user' }];

function mutateValue(record: Record<string, unknown>, random: () => number): void {
  const keys = Object.keys(record);
  const key = keys[Math.floor(random() * keys.length)]!;
  const value = record[key];
  if (value && typeof value === 'object' && random() < 0.5) {
    mutateValue(value as Record<string, unknown>, random);
    return;
  }
  record[key] = structuredClone(SWAPS[Math.floor(random() * SWAPS.length)]);
}

function mutate(line: string, random: () => number, index: number): string {
  const pick = random();
  if (pick < 0.15) return line.slice(0, Math.floor(random() * line.length));
  if (pick < 0.25) return `{"nested":${'['.repeat(5000 + index)}${']'.repeat(5000 + index)},"model":"gpt-4o","timestamp":1}`;
  if (pick < 0.3) return line.replace(/"output":"[^"]*"/, `"output":"${'x'.repeat(200_000)}"`);
  if (pick < 0.35) return Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))).toString('latin1').replace(/\n/g, ' ');
  const record = JSON.parse(line) as Record<string, unknown>;
  record.request_id = `fuzz-${index}`;
  const rounds = 1 + Math.floor(random() * 3);
  for (let i = 0; i < rounds; i++) mutateValue(record, random);
  return JSON.stringify(record);
}

describe('fuzzed input', () => {
  it.each([1, 2, 3])('never crashes and rows read = loaded + quarantined + already loaded (seed %i)', async (seed) => {
    const random = mulberry32(seed);
    const lines = Array.from({ length: 400 }, (_, i) => mutate(VALID[i % VALID.length]!, random, i));
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-fuzz-'));
    const file = join(dir, 'fuzz.jsonl');
    writeFileSync(file, lines.join('\n'));
    const db = await Database.open();
    try {
      const stats = await loadLogFiles(db, findLogFiles([file]), { settings: { format: 'auto', fieldPaths: {}, extract: DEFAULT_RETRIEVAL_EXTRACT, encodings: {} }, threads: 2 });
      expect(stats.rowsRead).toBe(lines.filter((line) => line.trim() !== '').length);
      expect(stats.rowsLoaded + stats.rowsQuarantined + stats.rowsAlreadyLoaded).toBe(stats.rowsRead);
      const [counts] = await db.readSql<{ requests: string; quarantined: string }>(
        'select (select count(*) from requests) as requests, (select count(*) from quarantine) as quarantined',
      );
      expect(Number(counts?.requests)).toBe(stats.rowsLoaded);
      expect(Number(counts?.quarantined)).toBe(stats.rowsQuarantined);
      expect(stats.rowsQuarantined).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});
