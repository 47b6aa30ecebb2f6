// `npm run bench:repeat`: the full audit twice on the same heavy sample, each into a database of
// its own, on every thread; then whether the two runs' tables and summary.json agree to the last
// bit. Threads hand DuckDB's aggregates their rows in no fixed order, and a sum of doubles
// depends on it: this is what caught the rollups that moved in their last bits. Exit code 1 when
// anything differs. Usage: node bench/repeat.mjs [--requests 200000]
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSample } from '../dist/samples/generator.js';
import { runAudit } from '../dist/src/audit.js';
import { parseAuditConfig } from '../dist/src/config/audit.js';
import { loadScenarioFile } from '../dist/src/config/scenarios.js';
import { findLogFiles } from '../dist/src/ingest/read.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '200000' } } });
const requests = Number(values.requests);
const dir = new URL(`./data/heavy-${requests}/`, import.meta.url).pathname;
if (!existsSync(join(dir, 'logs'))) {
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`generating ${requests} heavy requests in ${dir}…\n`);
  await writeSample({ outDir: dir, requests, seed: 1, profile: 'heavy' });
}

/** Each table's row count and the sum of a hash of every row. */
const TABLES = ['request_waste', 'scenario_results', 'request_tokens', 'request_costs', 'segment_billing', 'chunk_decisions', 'text_tokens'];

const runs = [];
for (const run of [1, 2]) {
  const dbPath = join(tmpdir(), `tokenaudit-repeat-${process.pid}-${run}.duckdb`);
  const audit = await runAudit({
    files: findLogFiles([join(dir, 'logs')]),
    config: parseAuditConfig({}),
    scenarios: loadScenarioFile(new URL('./scenarios.yaml', import.meta.url).pathname),
    format: 'canonical',
    dbPath,
    threads: availableParallelism(),
  });
  const tables = {};
  for (const table of TABLES) tables[table] = (await audit.db.readSql(`select count(*)::varchar as n, sum(hash(columns(*)))::varchar as h from ${table}`))[0];
  runs.push({ tables, summary: audit.summary });
  audit.db.close();
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
  process.stderr.write(`run ${run} done\n`);
}

let differences = 0;
for (const table of TABLES) {
  const same = JSON.stringify(runs[0].tables[table]) === JSON.stringify(runs[1].tables[table]);
  if (!same) differences++;
  process.stdout.write(`${table.padEnd(18)} ${same ? 'the same' : `DIFFERENT: ${JSON.stringify(runs[0].tables[table])} against ${JSON.stringify(runs[1].tables[table])}`}\n`);
}
const numbers = [];
const compare = (a, b, path) => {
  if (typeof a === 'number' || typeof b === 'number') {
    if (!Object.is(a, b)) numbers.push(`${path}: ${a} against ${b}`);
  } else if (a && b && typeof a === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) if (key !== 'timings') compare(a[key], b[key], `${path}.${key}`);
  }
};
compare(runs[0].summary, runs[1].summary, 'summary');
differences += numbers.length;
process.stdout.write(`summary.json numbers that differ (timings aside): ${numbers.length}\n${numbers.slice(0, 20).map((line) => `  ${line}\n`).join('')}`);
process.exitCode = differences > 0 ? 1 : 0;
