// `npm run bench`: the full audit (load, tokenize, six waste rules, three scenarios, report) on
// `tokenaudit sample --profile heavy` logs, against a plain DuckDB scan of the same files in the
// same run. Writes wall time per stage, rows/s, MB/s, peak RSS and database size to bench/RESULTS.md.
// Usage: node bench/full.mjs [--requests 200000] [--threads N] [--memory-limit 2.5GB]
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeSample } from '../dist/samples/generator.js';
import { runAudit } from '../dist/src/audit.js';
import { parseAuditConfig } from '../dist/src/config/audit.js';
import { loadScenarioFile } from '../dist/src/config/scenarios.js';
import { findLogFiles } from '../dist/src/ingest/read.js';
import { writeReport } from '../dist/src/report/render.js';
import { writeOutputs } from '../dist/src/report/outputs.js';
import { machine, mb, writeResults } from './report.mjs';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '200000' }, threads: { type: 'string' }, 'memory-limit': { type: 'string', default: '2.5GB' } } });
const requests = Number(values.requests);
const threads = values.threads ? Number(values.threads) : availableParallelism();
const dir = new URL(`./data/heavy-${requests}/`, import.meta.url).pathname;
const logs = join(dir, 'logs');

if (!existsSync(logs)) {
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`generating ${requests} heavy requests…\n`);
  const sample = await writeSample({ outDir: dir, requests, seed: 1, profile: 'heavy' });
  writeFileSync(join(dir, 'distinct.json'), JSON.stringify({ distinctTextBytes: sample.distinctTextBytes, totalTextBytes: sample.totalTextBytes }));
}
const bytes = readdirSync(logs).reduce((sum, file) => sum + statSync(join(logs, file)).size, 0);

/** The floor: DuckDB reading the same JSON and unnesting every message, nothing else. */
async function plainScan() {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  const started = performance.now();
  await connection.runAndReadAll(`select count(*), sum(length(m.content)) from read_json('${logs}/*.jsonl', format = 'newline_delimited', columns = {messages: 'STRUCT(role VARCHAR, content VARCHAR)[]'}), unnest(messages) as u(m)`);
  const seconds = (performance.now() - started) / 1000;
  connection.closeSync();
  instance.closeSync();
  return seconds;
}

process.stderr.write('plain DuckDB scan…\n');
// Twice: the first read may come from disk, the second from the page cache, as the audit's will.
const coldScanSeconds = await plainScan();
const scanSeconds = Math.min(coldScanSeconds, await plainScan());
const dbPath = join(dir, 'bench.duckdb');
rmSync(dbPath, { force: true });
rmSync(`${dbPath}.wal`, { force: true });
process.stderr.write('full audit…\n');
const started = performance.now();
const rssAfter = {};
const run = await runAudit({
  files: findLogFiles([logs]),
  config: parseAuditConfig({}),
  scenarios: loadScenarioFile(new URL('./scenarios.yaml', import.meta.url).pathname),
  format: 'canonical',
  dbPath,
  threads,
  memoryLimit: values['memory-limit'],
  progress: {
    start: (stage) => process.stderr.write(`[${stage}] started\n`),
    advance() {},
    finish: (stage, detail) => {
      // the peak so far, at the end of each stage: where the run's peak was reached
      rssAfter[stage] = process.resourceUsage().maxRSS * 1024;
      process.stderr.write(`[${stage}] ${detail}\n`);
    },
  },
});
const outDir = join(dir, 'out');
mkdirSync(outDir, { recursive: true });
const reportStarted = performance.now();
await writeOutputs(run.db, run.summary, outDir);
await writeReport(run.db, run.summary, parseAuditConfig({}).report, join(outDir, 'report.html'));
run.timings.report = (performance.now() - reportStarted) / 1000;
// Closing writes what the write-ahead log still holds into the database file (a checkpoint): the
// command does it before it exits, so the run is not over until then.
const closeStarted = performance.now();
run.db.close();
run.timings.close = (performance.now() - closeStarted) / 1000;
const totalSeconds = (performance.now() - started) / 1000;
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
const dbBytes = statSync(dbPath).size;
const distinct = existsSync(join(dir, 'distinct.json')) ? JSON.parse((await import('node:fs')).readFileSync(join(dir, 'distinct.json'), 'utf8')) : null;
const scenarios = 3;

const lines = [
  `Machine: ${machine()}; ${threads} threads, DuckDB memory limit ${values['memory-limit']}.`,
  `Input: ${requests.toLocaleString('en-US')} requests from \`tokenaudit sample --profile heavy --seed 1\`, ${mb(bytes)} of JSONL` +
    (distinct ? `, ${((distinct.distinctTextBytes / distinct.totalTextBytes) * 100).toFixed(1)} % distinct text bytes.` : '.'),
  '',
  '| stage | seconds | peak RSS so far |',
  '|---|---:|---:|',
  ...Object.entries(run.timings).map(([stage, seconds]) => `| ${stage} | ${Number(seconds).toFixed(1)} | ${rssAfter[stage] ? mb(rssAfter[stage]) : '–'} |`),
  `| **total** | **${totalSeconds.toFixed(1)}** | ${mb(peakRssBytes)} |`,
  '',
  `- ${Math.round(requests / totalSeconds).toLocaleString('en-US')} requests/s, ${(bytes / 1e6 / totalSeconds).toFixed(1)} MB/s end to end; peak RSS ${mb(peakRssBytes)}; database ${mb(dbBytes)}` +
    (distinct ? ` = ${(dbBytes / distinct.distinctTextBytes).toFixed(2)}× the ${mb(distinct.distinctTextBytes)} of distinct text.` : '.'),
  `- Plain DuckDB scan of the same files (read + unnest every message) in the same run: ${scanSeconds.toFixed(1)} s warm (${coldScanSeconds.toFixed(1)} s the first time); the full audit took ${(totalSeconds / scanSeconds).toFixed(1)}× the warm scan.`,
  `- Replay: ${scenarios} scenarios + baseline over ${requests.toLocaleString('en-US')} requests in ${Number(run.timings.simulate).toFixed(1)} s = ${Math.round(requests / Number(run.timings.simulate)).toLocaleString('en-US')} requests/s through all ${scenarios + 1} (${Math.round(((scenarios + 1) * requests) / Number(run.timings.simulate)).toLocaleString('en-US')} request-replays/s).`,
];
process.stdout.write(`${lines.join('\n')}\n`);
writeResults(`Full audit, ${requests.toLocaleString('en-US')} requests (\`npm run bench\`)`, lines.join('\n'));
