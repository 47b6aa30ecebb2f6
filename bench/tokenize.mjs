// `npm run bench:tokenize`: the token stage against the naive way (js-tiktoken `encode` on every
// message of every request, one thread), in one process, on logs from `tokenaudit sample
// --profile heavy`. Prints the figures and writes them into bench/RESULTS.md.
// Usage: node bench/tokenize.mjs [--requests 200000] [--slice 20000] [--threads N]
import { createReadStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getEncoding } from 'js-tiktoken';
import { writeSample } from '../dist/samples/generator.js';
import { Database } from '../dist/src/db.js';
import { loadLogFiles } from '../dist/src/ingest/load.js';
import { findLogFiles } from '../dist/src/ingest/read.js';
import { runTokenStage } from '../dist/src/tokenize/stage.js';
import { DEFAULT_RETRIEVAL_EXTRACT } from '../dist/src/config/audit.js';
import { machine, mb, writeResults } from './report.mjs';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '200000' }, slice: { type: 'string', default: '20000' }, threads: { type: 'string' } } });
const requests = Number(values.requests);
const sliceRequests = Number(values.slice);
const threads = values.threads ? Number(values.threads) : undefined;
const dataDir = new URL('./data/', import.meta.url).pathname;

async function sample(name, count) {
  const dir = join(dataDir, name);
  if (!existsSync(join(dir, 'logs'))) {
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`generating ${count} heavy requests in ${dir}…\n`);
    await writeSample({ outDir: dir, requests: count, seed: 1, profile: 'heavy' });
  }
  const logs = join(dir, 'logs');
  const bytes = readdirSync(logs).reduce((sum, file) => sum + statSync(join(logs, file)).size, 0);
  return { logs, bytes };
}

/** The naive way: every message and output of every request through js-tiktoken, one thread. */
async function naive(logs) {
  const encoder = getEncoding('o200k_base');
  let tokens = 0;
  let textBytes = 0;
  const started = performance.now();
  for (const file of readdirSync(logs).sort()) {
    for await (const line of createInterface({ input: createReadStream(join(logs, file)) })) {
      if (!line) continue;
      const request = JSON.parse(line);
      for (const text of [...request.messages.map((m) => m.content), request.output]) {
        if (typeof text !== 'string') continue;
        textBytes += Buffer.byteLength(text);
        tokens += encoder.encode(text, [], []).length;
      }
    }
  }
  return { seconds: (performance.now() - started) / 1000, tokens, textBytes };
}

async function ours(logs) {
  const db = await Database.open();
  try {
    const started = performance.now();
    const load = await loadLogFiles(db, findLogFiles([logs]), {
      threads: threads ?? (await import('node:os')).availableParallelism(),
      settings: { format: 'canonical', fieldPaths: {}, extract: DEFAULT_RETRIEVAL_EXTRACT, encodings: {} },
    });
    const loadSeconds = (performance.now() - started) / 1000;
    const stage = await runTokenStage(db, {}, threads ?? (await import('node:os')).availableParallelism());
    const [totals] = await db.readSql('select sum(t.tokens)::double as tokens, (select sum(bytes) from texts)::double as distinct_bytes from segments s join text_tokens t using (text_hash)');
    return { load, loadSeconds, stage, tokens: totals.tokens, distinctBytes: totals.distinct_bytes };
  } finally {
    db.close();
  }
}

const slice = await sample(`heavy-${sliceRequests}`, sliceRequests);
process.stderr.write(`naive way on ${sliceRequests} requests…\n`);
const naiveRun = await naive(slice.logs);
process.stderr.write(`token stage on ${sliceRequests} requests…\n`);
const oursSlice = await ours(slice.logs);
const full = await sample(`heavy-${requests}`, requests);
process.stderr.write(`token stage on ${requests} requests…\n`);
const oursFull = await ours(full.logs);

const lines = [
  `Machine: ${machine()}. Logs from \`tokenaudit sample --profile heavy --seed 1\`.`,
  '',
  '| run | requests | log size | text bytes (all) | distinct text bytes | seconds | MB/s of distinct text | tokens/s |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  `| naive: js-tiktoken on every message, 1 thread | ${sliceRequests} | ${mb(slice.bytes)} | ${mb(naiveRun.textBytes)} | – | ${naiveRun.seconds.toFixed(1)} | – | ${Math.round(naiveRun.tokens / naiveRun.seconds).toLocaleString('en-US')} |`,
  `| token stage (distinct texts on ${oursSlice.stage.textsTokenized ? 'the worker pool' : '-'}) | ${sliceRequests} | ${mb(slice.bytes)} | ${mb(naiveRun.textBytes)} | ${mb(oursSlice.stage.distinctBytes)} | ${oursSlice.stage.seconds.toFixed(1)} | ${(oursSlice.stage.distinctBytes / 1e6 / oursSlice.stage.seconds).toFixed(1)} | ${Math.round(oursSlice.tokens / oursSlice.stage.seconds).toLocaleString('en-US')} |`,
  `| token stage | ${requests} | ${mb(full.bytes)} | – | ${mb(oursFull.stage.distinctBytes)} | ${oursFull.stage.seconds.toFixed(1)} | ${(oursFull.stage.distinctBytes / 1e6 / oursFull.stage.seconds).toFixed(1)} | ${Math.round(oursFull.tokens / oursFull.stage.seconds).toLocaleString('en-US')} |`,
  '',
  `- Distinct text: ${((oursSlice.stage.distinctBytes / naiveRun.textBytes) * 100).toFixed(1)} % of the ${sliceRequests}-request slice's text bytes.`,
  `- Speed-up of the token stage over the naive way on the same ${sliceRequests} requests: ${(naiveRun.seconds / oursSlice.stage.seconds).toFixed(1)}× (load + token stage together: ${(naiveRun.seconds / (oursSlice.stage.seconds + oursSlice.loadSeconds)).toFixed(1)}×).`,
  `- Both counted the same tokens on the slice: naive ${naiveRun.tokens.toLocaleString('en-US')}, token stage ${oursSlice.tokens.toLocaleString('en-US')} (sum over segments; they differ only where retrieval chunks are cut out of a message).`,
  `- Load (parse, validate, dedupe, stage into DuckDB) of ${requests} requests: ${oursFull.loadSeconds.toFixed(1)} s (${mb(full.bytes / oursFull.loadSeconds)}/s).`,
];
process.stdout.write(`${lines.join('\n')}\n`);
writeResults('Token stage (`npm run bench:tokenize`)', lines.join('\n'));
