// Exact counts: the fast path equals OpenAI's tiktoken on real ground-truth vectors and equals
// js-tiktoken on 10,000 varied texts per encoding.
import { readFileSync } from 'node:fs';
import { getEncoding } from 'js-tiktoken';
import { describe, expect, it } from 'vitest';
import { countTokens, countTokensReference, splitAdditive } from '../../src/tokenize/count.js';
import type { EncodingName } from '../../src/tokenize/encodings.js';

interface Vector {
  encoding: EncodingName;
  text: string;
  token_ids: number[];
  token_count: number;
  source: string;
}

/** Vectors whose text holds special-token text were made with special tokens allowed. */
const SPECIAL_TOKEN_TEXT = /<\|(endoftext|fim_prefix|fim_middle|fim_suffix|endofprompt)\|>/;

const VECTORS: Vector[] = readFileSync(new URL('../fixtures/tokenizer-vectors/vectors.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'The quick brown fox', ' jumps over the lazy dog.', 'naïve café résumé', '東京都の天気は晴れです。', '中文分词测试',
  '한국어 텍스트', 'שלום עולם', 'مرحبا بالعالم', 'e\u0301\u0301 a\u0308\u0324', '👩‍👩‍👧‍👦🏳️‍🌈🇳🇴', '🙂🙃',
  'function add(a, b) {\n  return a + b;\n}\n', 'SELECT * FROM t WHERE x >= 10;', '    indented\n\n\n',
  '\t\t\ttabs', '   ', '\n', '\r\n', '1234567890123', '3.14159', '<|endoftext|>', '<|fim_prefix|>', '<|im_start|>user',
  '<|endoftext', 'Supercalifragilisticexpialidocious'.repeat(3), '!!!???...', '\n\n---\n\n', '//comment', 'http://example.com/a?b=c',
  "don't won't it's", 'ALLCAPS SHOUTING', '$1,000,000.00', '\u0000\u001f', '\uFFFD', 'x'.repeat(200),
];

function variedTexts(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const parts = 1 + Math.floor(random() * 12);
    let text = '';
    for (let i = 0; i < parts; i++) text += PIECES[Math.floor(random() * PIECES.length)]!;
    return text;
  });
}

describe('token counts', () => {
  it('matches every o200k_base and cl100k_base vector made with OpenAI tiktoken', () => {
    expect(VECTORS.filter((v) => v.encoding === 'o200k_base').length).toBe(70);
    expect(VECTORS.filter((v) => v.encoding === 'cl100k_base').length).toBe(146);
    // A few vectors were made with special tokens allowed (`<|endoftext|>` as one token).
    const special = (vector: Vector) => SPECIAL_TOKEN_TEXT.test(vector.text);
    for (const vector of VECTORS) {
      const mode = special(vector) ? 'as-special' : 'as-text';
      expect(countTokens(vector.text, vector.encoding, mode), `${vector.source}: ${JSON.stringify(vector.text.slice(0, 40))}`).toBe(vector.token_count);
      expect(vector.token_ids.length).toBe(vector.token_count);
    }
    expect(VECTORS.filter(special).length).toBe(17);
  });

  it('has a reference (js-tiktoken) that produces the vectors\' token ids exactly', () => {
    const encoders = { o200k_base: getEncoding('o200k_base'), cl100k_base: getEncoding('cl100k_base') };
    for (const vector of VECTORS) {
      const special = SPECIAL_TOKEN_TEXT.test(vector.text);
      expect(encoders[vector.encoding].encode(vector.text, special ? 'all' : [], [])).toEqual(vector.token_ids);
    }
  });

  it.each(['o200k_base', 'cl100k_base'] as const)('equals js-tiktoken on 10,000 varied texts (%s)', (encoding) => {
    const texts = variedTexts(10_000, encoding === 'o200k_base' ? 1 : 2);
    const mismatches = texts.filter((text) => countTokens(text, encoding) !== countTokensReference(text, encoding));
    expect(mismatches).toEqual([]);
  });

  it('counts special-token text as ordinary text instead of throwing', () => {
    expect(countTokens('<|endoftext|>', 'o200k_base')).toBe(countTokensReference('<|endoftext|>', 'o200k_base'));
    expect(countTokens('<|endoftext|>', 'o200k_base')).toBeGreaterThan(1);
  });

  it('splits texts only where counts add up exactly', () => {
    for (const text of variedTexts(2_000, 3)) {
      const pieces = splitAdditive(text);
      expect(pieces.join('')).toBe(text);
      const sum = pieces.reduce((total, piece) => total + countTokensReference(piece, 'o200k_base'), 0);
      expect(sum).toBe(countTokensReference(text, 'o200k_base'));
    }
  });

  it('counts the empty text as zero tokens', () => {
    expect(countTokens('', 'o200k_base')).toBe(0);
  });
});
