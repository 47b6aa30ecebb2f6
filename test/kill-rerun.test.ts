// Each file loads in one transaction: a run killed (SIGKILL) in the middle of a file leaves none
// of that file behind, and the next run completes the load with nothing counted twice.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database } from '../src/db.js';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = [join(ROOT, 'src/cli/index.ts')];

function lines(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({ request_id: `${prefix}-${i}`, timestamp: 1763625600 + i, feature: prefix, model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${i} ${'padding '.repeat(50)}` }], output: `answer ${i}`, usage: { input_tokens: 100, output_tokens: 5 } }),
  ).join('\n');
}

async function requestsByFeature(path: string): Promise<Record<string, number>> {
  const db = await Database.open({ path });
  try {
    const rows = await db.readSql<{ feature: string; n: string }>('select feature, count(*) as n from requests group by feature');
    return Object.fromEntries(rows.map((r) => [r.feature, Number(r.n)]));
  } finally {
    db.close();
  }
}

describe('a run killed mid-load', () => {
  it('leaves no partial file, and the re-run loads the rest once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-kill-'));
    writeFileSync(join(dir, 'a-small.jsonl'), lines('small', 50));
    writeFileSync(join(dir, 'b-large.jsonl'), lines('large', 150_000));
    const db = join(dir, 'audit.duckdb');
    const run = spawn(process.execPath, ['--import', 'tsx', ...CLI, 'audit', dir, '--db', db, '--out', join(dir, 'out')], { cwd: ROOT });
    // Kill as soon as the first file is committed and the second is being read.
    await new Promise<void>((resolve) => {
      run.stderr.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('[load] 1/2 files')) setTimeout(() => resolve(), 300);
      });
    });
    run.kill('SIGKILL');
    await new Promise((resolve) => run.on('exit', resolve));
    expect(await requestsByFeature(db)).toEqual({ small: 50 });

    const rerun = spawn(process.execPath, ['--import', 'tsx', ...CLI, 'audit', dir, '--db', db, '--out', join(dir, 'out'), '--json', '--quiet'], { cwd: ROOT });
    let stdout = '';
    rerun.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise((resolve) => rerun.on('exit', resolve));
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.input).toMatchObject({ rowsRead: 150_050, rowsLoaded: 150_000, rowsAlreadyLoaded: 50, rowsQuarantined: 0 });
    expect(summary.totals.requests).toBe(150_050);
    expect(await requestsByFeature(db)).toEqual({ small: 50, large: 150_000 });
  }, 300_000);
});
