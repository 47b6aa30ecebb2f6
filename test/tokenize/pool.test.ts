// The worker pool counts exactly what countTokens counts, spread over its threads, and keeps an
// exact tally of the texts and bytes it was handed.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens } from '../../src/tokenize/count.js';
import { cutBatches, TokenizerPool } from '../../src/tokenize/pool.js';

/** Real texts: the tokenizer vectors and every distinct message of 20 tau-bench conversations (~340 kB). */
function realTexts(): string[] {
  const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8').trim().split('\n');
  const vectors = fixture('tokenizer-vectors/vectors.jsonl').map((line) => (JSON.parse(line) as { text: string }).text);
  const messages = fixture('tau-bench/airline-20.jsonl').flatMap((line) =>
    (JSON.parse(line) as { messages: { content: unknown }[] }).messages.map((m) => m.content).filter((c): c is string => typeof c === 'string'),
  );
  return [...new Set([...vectors, ...messages])];
}

describe('the tokenizer pool', () => {
  let pool: TokenizerPool;
  beforeAll(() => {
    pool = TokenizerPool.create({ threads: 2 });
  });
  afterAll(() => pool.close());

  it('starts the number of threads asked for', () => {
    expect(pool.size).toBe(2);
  });

  it('returns the same counts as countTokens, in order, for texts spread over both workers', async () => {
    const texts = realTexts();
    expect(cutBatches(texts, 2).length).toBeGreaterThan(1);
    for (const encoding of ['o200k_base', 'cl100k_base'] as const) {
      expect(await pool.count(encoding, texts)).toEqual(texts.map((text) => countTokens(text, encoding)));
    }
  });

  it('counts every text and byte handed to it, repeats included, and nothing else', async () => {
    const before = { texts: pool.textsTokenized, bytes: pool.bytesTokenized };
    expect(await pool.count('o200k_base', ['héllo', '東京', 'héllo'])).toEqual([2, 1, 2]);
    expect(await pool.count('cl100k_base', [])).toEqual([]);
    expect(pool.textsTokenized - before.texts).toBe(3);
    expect(pool.bytesTokenized - before.bytes).toBe(6 + 6 + 6);
  });
});

describe('batches', () => {
  it('keeps small calls in one batch', () => {
    expect(cutBatches(['a', 'b', 'c'], 4)).toEqual([['a', 'b', 'c']]);
  });

  it('cuts a large call into consecutive batches of about 1/threads of it, at least 64 kB each', () => {
    const texts = Array.from({ length: 8 }, (_, i) => String(i).repeat(50_000));
    expect(cutBatches(texts, 2).map((batch) => batch.length)).toEqual([4, 4]);
    expect(cutBatches(texts, 4).map((batch) => batch.length)).toEqual([2, 2, 2, 2]);
    expect(cutBatches(texts, 64).map((batch) => batch.length)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(cutBatches(texts, 4).flat()).toEqual(texts);
  });
});
