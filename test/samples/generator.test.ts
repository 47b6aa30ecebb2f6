// The sample generator as its users rely on it: deterministic bytes, valid canonical lines,
// the promised traffic mix, usage a recount reproduces, planted waste in every category, and a
// heavy profile of the size and redundancy the benchmark expects.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSample, type SampleResult } from '../../samples/generator.js';

interface Line {
  request_id: string;
  timestamp: string;
  feature: string;
  provider: string;
  model: string;
  messages: { role: string; content: string }[];
  retrieval: { id: string; text: string }[];
  output: string;
  status: string;
  params: Record<string, number>;
  usage: { input_tokens: number; output_tokens: number; cached_input_tokens: number; cache_write_tokens: number };
}

interface CategoryTruth {
  tokens: number;
  requests: number;
  byRequest: { requestId: string; tokens: number }[];
}

const REQUIRED_KEYS = [
  'request_id', 'timestamp', 'feature', 'user_id', 'session_id', 'provider', 'model', 'messages', 'retrieval', 'output',
  'finish_reason', 'usage', 'latency_ms', 'ttft_ms', 'status', 'params', 'metadata',
];

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tokenaudit-sample-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const logFiles = (result: SampleResult): string[] => result.files.filter((file) => file.endsWith('.jsonl'));

async function readRawLines(result: SampleResult): Promise<string[][]> {
  return Promise.all(logFiles(result).map(async (file) => (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '')));
}

async function readLines(result: SampleResult): Promise<Line[]> {
  return (await readRawLines(result)).flat().map((line) => JSON.parse(line) as Line);
}

const o200k = getEncoding('o200k_base');
const count = (text: string): number => o200k.encode(text, [], []).length;
/** OpenAI's chat format (4 tokens per message with its role, 3 priming the reply); Anthropic: content alone. */
const chatFormatInput = (line: Line): number => {
  const content = line.messages.reduce((sum, message) => sum + count(message.content), 0);
  return line.provider === 'anthropic' ? content : content + 4 * line.messages.length + 3;
};
const sameRequest = (line: Line): string => JSON.stringify([line.model, line.messages, line.params]);

describe('determinism', () => {
  it('writes the same bytes for the same seed', async () => {
    const first = await writeSample({ outDir: join(root, 'same-a'), requests: 300, seed: 42, profile: 'default' });
    const second = await writeSample({ outDir: join(root, 'same-b'), requests: 300, seed: 42, profile: 'default' });
    expect(second.bytes).toBe(first.bytes);
    for (const [index, file] of first.files.entries()) {
      expect((await readFile(second.files[index]!)).equals(await readFile(file))).toBe(true);
    }
  });

  it('writes different logs for a different seed', async () => {
    const one = await writeSample({ outDir: join(root, 'seed-1'), requests: 300, seed: 1, profile: 'default' });
    const two = await writeSample({ outDir: join(root, 'seed-2'), requests: 300, seed: 2, profile: 'default' });
    expect((await readRawLines(one)).flat()[0]).not.toBe((await readRawLines(two)).flat()[0]);
  });
});

describe('a small fixed sample (40 requests, seed 11)', () => {
  let lines: Line[];

  beforeAll(async () => {
    lines = await readLines(await writeSample({ outDir: join(root, 'seed-11'), requests: 40, seed: 11, profile: 'default' }));
  });

  it('logs the usage of its first two requests as o200k_base chat-format counts', () => {
    expect(lines.slice(0, 2).map((line) => [line.request_id, line.feature, line.model, line.usage])).toEqual([
      ['msg_01a7jOVEgsZdNPBdCymd7TCd', 'kb-answer', 'claude-sonnet-4-5', { input_tokens: 1193, output_tokens: 237, cached_input_tokens: 0, cache_write_tokens: 0 }],
      ['msg_01QHufpSZJ1qGGbN2SYM6uaH', 'summarize', 'claude-haiku-4-5', { input_tokens: 2046, output_tokens: 260, cached_input_tokens: 0, cache_write_tokens: 0 }],
    ]);
    expect(chatFormatInput(lines[0]!)).toBe(1193);
    expect(count(lines[1]!.output)).toBe(260);
  });

  it('logs usage that js-tiktoken reproduces on every line', () => {
    for (const line of lines) {
      expect(line.usage.input_tokens, line.request_id).toBe(chatFormatInput(line));
      expect(line.usage.output_tokens, line.request_id).toBe(count(line.output));
    }
  });
});

describe('the default demo day (2000 requests, seed 7)', () => {
  let result: SampleResult;
  let lines: Line[];
  let truth: { ambiguities: Record<string, number>; categories: Record<string, CategoryTruth>; totals: { wasteTokens: number } };

  beforeAll(async () => {
    result = await writeSample({ outDir: join(root, 'demo'), requests: 2000, seed: 7, profile: 'default' });
    lines = await readLines(result);
    truth = JSON.parse(await readFile(join(root, 'demo', 'ground-truth.json'), 'utf8'));
  });

  it('writes one day of traffic in four 6-hour files, each in time order', async () => {
    expect(logFiles(result).map((file) => file.split('/').pop())).toEqual([
      '2026-11-20T00.jsonl', '2026-11-20T06.jsonl', '2026-11-20T12.jsonl', '2026-11-20T18.jsonl',
    ]);
    for (const file of await readRawLines(result)) {
      const times = file.map((line) => (JSON.parse(line) as Line).timestamp);
      expect(times).toEqual([...times].sort());
      expect(times.every((time) => time.startsWith('2026-11-20T'))).toBe(true);
    }
    expect(lines).toHaveLength(2000);
  });

  it('writes every line as compact canonical JSON with the documented fields in order', async () => {
    for (const raw of (await readRawLines(result)).flat()) {
      const line = JSON.parse(raw) as Line;
      expect(Object.keys(line)).toEqual(REQUIRED_KEYS);
      expect(JSON.stringify(line)).toBe(raw);
      expect(['ok', 'error']).toContain(line.status);
      expect(new Date(line.timestamp).toISOString()).toBe(line.timestamp);
      expect(Object.values(line.usage).every(Number.isInteger)).toBe(true);
    }
  });

  it('has every feature, every model, and the provider of each model', () => {
    expect(new Set(lines.map((line) => line.feature))).toEqual(new Set(['support-chat', 'kb-answer', 'classify', 'summarize']));
    expect(new Set(lines.map((line) => `${line.provider}/${line.model}`))).toEqual(
      new Set(['openai/gpt-4o', 'openai/gpt-4o-mini', 'anthropic/claude-sonnet-4-5', 'anthropic/claude-haiku-4-5']),
    );
  });

  it('has failed requests that still bill their input: errors and empty ok answers', () => {
    const errors = lines.filter((line) => line.status === 'error');
    const emptyOk = lines.filter((line) => line.status === 'ok' && line.output === '');
    expect(errors.length).toBeGreaterThan(20);
    expect(emptyOk.length).toBeGreaterThan(3);
    for (const line of [...errors, ...emptyOk]) {
      expect(line.output).toBe('');
      expect(line.usage.input_tokens).toBeGreaterThan(0);
    }
  });

  it('repeats earlier ok requests unchanged under new ids, and re-sends a failed one', () => {
    const earlier = new Map<string, Line>();
    let copiesOfOk = 0;
    let copiesOfFailed = 0;
    for (const line of lines) {
      const first = earlier.get(sameRequest(line));
      if (first && first.status === 'ok' && first.output !== '') copiesOfOk++;
      if (first && first.status === 'error') copiesOfFailed++;
      if (first) expect(line.request_id).not.toBe(first.request_id);
      earlier.set(sameRequest(line), line);
    }
    expect(copiesOfOk).toBeGreaterThan(10);
    expect(copiesOfFailed).toBeGreaterThan(0);
  });

  it('reports OpenAI cached tokens in 128-token steps from 1024, and Anthropic cache reads and writes', () => {
    const openAiCached = lines.filter((line) => line.provider === 'openai' && line.usage.cached_input_tokens > 0);
    expect(openAiCached.length).toBeGreaterThan(100);
    for (const line of openAiCached) {
      expect(line.usage.cached_input_tokens % 128).toBe(0);
      expect(line.usage.cached_input_tokens).toBeGreaterThanOrEqual(1024);
      expect(line.usage.cached_input_tokens).toBeLessThanOrEqual(line.usage.input_tokens);
    }
    const anthropic = lines.filter((line) => line.provider === 'anthropic');
    expect(anthropic.some((line) => line.usage.cached_input_tokens > 0)).toBe(true);
    expect(anthropic.some((line) => line.usage.cache_write_tokens > 0)).toBe(true);
  });

  it('logs usage that js-tiktoken reproduces, for a handful of lines of each feature', () => {
    for (const feature of ['support-chat', 'kb-answer', 'classify', 'summarize']) {
      for (const line of lines.filter((each) => each.feature === feature).slice(0, 5)) {
        expect(line.usage.input_tokens).toBe(chatFormatInput(line));
        expect(line.usage.output_tokens).toBe(count(line.output));
      }
    }
  });

  it('embeds the retrieval chunks in the last user message as <document> blocks', () => {
    const kb = lines.filter((line) => line.feature === 'kb-answer');
    for (const line of kb) {
      expect(line.retrieval.length).toBeGreaterThanOrEqual(3);
      expect(line.retrieval.length).toBeLessThanOrEqual(5);
      for (const chunk of line.retrieval) expect(line.messages.at(-1)!.content).toContain(`<document id="${chunk.id}">${chunk.text}</document>`);
    }
  });

  it('plants waste in every category, with no request whose category depends on how a rule is read', () => {
    for (const [category, found] of Object.entries(truth.categories)) {
      expect(found.tokens, category).toBeGreaterThan(0);
      expect(found.requests, category).toBe(found.byRequest.length);
    }
    expect(Object.keys(truth.categories)).toHaveLength(6);
    expect(Object.values(truth.ambiguities).every((count) => count === 0)).toBe(true);
  });

  it('plants exactly these waste totals (o200k_base tokens) on the seed-7 demo day', () => {
    expect(Object.fromEntries(Object.entries(truth.categories).map(([category, found]) => [category, [found.tokens, found.requests]]))).toEqual({
      duplicate_request: [68145, 34],
      failed_request: [93396, 58],
      repeated_system_prompt: [552740, 561],
      history_overflow: [210381, 259],
      unused_retrieval: [104417, 351],
      verbose_output: [43416, 51],
    });
    expect(truth.totals.wasteTokens).toBe(1072495);
  });

  it('never counts a duplicate or failed request in a second category', () => {
    const whole = new Set([...truth.categories.duplicate_request!.byRequest, ...truth.categories.failed_request!.byRequest].map((each) => each.requestId));
    for (const category of ['repeated_system_prompt', 'history_overflow', 'unused_retrieval', 'verbose_output']) {
      expect(truth.categories[category]!.byRequest.some((each) => whole.has(each.requestId)), category).toBe(false);
    }
  });

  it('does not count the re-send of a failed request as a duplicate', () => {
    const lastStatus = new Map<string, string>();
    const duplicates = new Set(truth.categories.duplicate_request!.byRequest.map((each) => each.requestId));
    const resends = lines.filter((line) => {
      const before = lastStatus.get(sameRequest(line));
      lastStatus.set(sameRequest(line), line.status);
      return before === 'error';
    });
    expect(resends.length).toBeGreaterThan(0);
    expect(resends.filter((line) => duplicates.has(line.request_id))).toEqual([]);
  });
});

describe('the heavy profile (2000 requests)', () => {
  let result: SampleResult;

  beforeAll(async () => {
    result = await writeSample({ outDir: join(root, 'heavy'), requests: 2000, seed: 3, profile: 'heavy' });
  });

  it('writes 14–20 KB of JSON per request', () => {
    expect(result.bytes / result.requests).toBeGreaterThan(14_000);
    expect(result.bytes / result.requests).toBeLessThan(20_000);
  });

  it('has between 8 % and 25 % distinct text bytes', () => {
    const ratio = result.distinctTextBytes / result.totalTextBytes;
    expect(ratio).toBeGreaterThan(0.08);
    expect(ratio).toBeLessThan(0.25);
  });

  it('logs usage that js-tiktoken reproduces', async () => {
    const lines = (await readLines(result)).filter((_, index) => index % 200 === 0);
    for (const line of lines) {
      expect(line.usage.input_tokens).toBe(chatFormatInput(line));
      expect(line.usage.output_tokens).toBe(count(line.output));
    }
  });

  it('says its ground truth was skipped', async () => {
    const truth = JSON.parse(await readFile(join(root, 'heavy', 'ground-truth.json'), 'utf8'));
    expect(truth.skipped).toMatch(/heavy profile/);
  });
});
