// Single-core token counting speed: js-tiktoken, gpt-tokenizer and our countTokens on a few MB
// of mixed real text, each in a fresh process. Build first: `npx tsc -p tsconfig.build.json`.
// Usage: node bench/tokenizer-micro.mjs [--data DIR] [--encoding o200k_base|cl100k_base] [--write]
//   --data: JSON/JSONL files whose string values are the texts (default: /work/shared/data/real
//   when present, else test/fixtures); texts are deduplicated, as the token stage does.
//   --write: also put the table into bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machine, writeResults } from './report.mjs';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    encoding: { type: 'string', default: 'o200k_base' },
    only: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
});
const SHARED_DATA = '/work/shared/data/real';
const dataDir = values.data ?? (existsSync(SHARED_DATA) ? SHARED_DATA : fileURLToPath(new URL('../test/fixtures/', import.meta.url)));
const encoding = values.encoding;
const TOKENIZERS = ['js-tiktoken', 'gpt-tokenizer', 'countTokens'];

function jsonFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return /\.(json|jsonl)$/.test(name) ? [path] : [];
  });
}

/** Every distinct string value in the files (tool-call arguments also as their JSON). */
function loadTexts() {
  const texts = new Set();
  const visit = (value) => {
    if (typeof value === 'string') {
      if (value.length > 0) texts.add(value);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'tool_calls' || key === 'arguments') texts.add(JSON.stringify(inner));
        visit(inner);
      }
    }
  };
  for (const file of jsonFiles(dataDir).sort()) {
    const raw = readFileSync(file, 'utf8');
    try {
      if (file.endsWith('.jsonl')) raw.split('\n').filter(Boolean).forEach((line) => visit(JSON.parse(line)));
      else visit(JSON.parse(raw));
    } catch {
      // not JSON after all: skip the file
    }
  }
  return [...texts];
}

async function counter(name) {
  if (name === 'js-tiktoken') {
    const { getEncoding } = await import('js-tiktoken');
    const tiktoken = getEncoding(encoding);
    return (text) => tiktoken.encode(text, [], []).length;
  }
  if (name === 'gpt-tokenizer') {
    const { countTokens } = await import(`gpt-tokenizer/encoding/${encoding}`);
    const ordinary = { disallowedSpecial: new Set() };
    return (text) => countTokens(text, ordinary);
  }
  const { countTokens } = await import('../dist/src/tokenize/count.js');
  return (text) => countTokens(text, encoding);
}

const megabytes = (texts) => texts.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0) / 1e6;

function pass(count, texts) {
  const started = performance.now();
  let tokens = 0;
  for (const text of texts) tokens += count(text);
  return { mbPerSecond: megabytes(texts) / ((performance.now() - started) / 1000), tokens };
}

/**
 * One tokenizer, in this process: a first pass over half the texts (cold caches, cold JIT), a pass
 * over the other half (texts never seen, caches warm: the token stage's steady state), then
 * repeat passes over all of them (everything memoized: an upper bound).
 */
async function measure(name) {
  const texts = loadTexts();
  const [seen, unseen] = [texts.filter((_, i) => i % 2 === 0), texts.filter((_, i) => i % 2 === 1)];
  const loadStarted = performance.now();
  const count = await counter(name);
  count('load the vocabulary');
  const loadMs = performance.now() - loadStarted;
  const first = pass(count, seen);
  const steady = pass(count, unseen);
  const repeats = name === 'js-tiktoken' ? 1 : 3;
  const repeat = Math.max(...Array.from({ length: repeats }, () => pass(count, texts).mbPerSecond));
  return { name, loadMs, first: first.mbPerSecond, steady: steady.mbPerSecond, repeat, tokens: first.tokens + steady.tokens };
}

if (values.only) {
  process.stdout.write(JSON.stringify(await measure(values.only)));
} else {
  const texts = loadTexts();
  const lines = [
    `${texts.length} distinct texts, ${megabytes(texts).toFixed(2)} MB (UTF-8) from ${dataDir}; ${encoding}; one thread each, in a fresh process; ${machine()}`,
    '',
    '| tokenizer | load ms | first pass MB/s | unseen texts MB/s | repeat pass MB/s | tokens |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  console.log(lines.join('\n'));
  const script = fileURLToPath(import.meta.url);
  for (const name of TOKENIZERS) {
    const args = [script, '--only', name, '--encoding', encoding, '--data', dataDir];
    const r = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 }));
    lines.push(`| ${name} | ${r.loadMs.toFixed(0)} | ${r.first.toFixed(1)} | ${r.steady.toFixed(1)} | ${r.repeat.toFixed(1)} | ${r.tokens} |`);
    console.log(lines.at(-1));
  }
  if (values.write) writeResults(`Token counting, one core (${encoding})`, lines.join('\n'));
}
