// Exact counts: the fast path equals OpenAI's tiktoken on real ground-truth vectors, equals
// js-tiktoken on 10,000 varied texts per encoding (served again from its memos, and as long texts
// made of their lines), on texts side by side in one buffer and on long non-ASCII texts, and
// stays fast on pathological input.
import { readFileSync } from 'node:fs';
import { getEncoding } from 'js-tiktoken';
import cl100kRanks from 'js-tiktoken/ranks/cl100k_base';
import o200kRanks from 'js-tiktoken/ranks/o200k_base';
import { beforeAll, describe, expect, it } from 'vitest';
import { chatOverheadTokens, countTokens, countTokensReference, countUtf8, PRETOKENIZER_PATTERNS, splitAdditive } from '../../src/tokenize/count.js';
import type { EncodingName } from '../../src/tokenize/encodings.js';
import { mulberry32 } from '../random.js';
import { variedTexts } from './varied-texts.js';

interface Vector {
  encoding: EncodingName;
  text: string;
  token_ids: number[];
  token_count: number;
  source: string;
}

const VECTORS: Vector[] = readFileSync(new URL('../fixtures/tokenizer-vectors/vectors.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));

/** Vectors whose text holds special-token text were made with special tokens allowed. */
const SPECIAL_TOKEN_TEXT = /<\|(endoftext|fim_prefix|fim_middle|fim_suffix|endofprompt)\|>/;
const ENCODINGS = ['o200k_base', 'cl100k_base'] as const;

describe('token counts on OpenAI tiktoken ground truth', () => {
  it('has the 70 o200k_base and 146 cl100k_base vectors of SharpToken and gotoken', () => {
    expect(VECTORS.filter((v) => v.encoding === 'o200k_base').length).toBe(70);
    expect(VECTORS.filter((v) => v.encoding === 'cl100k_base').length).toBe(146);
    expect(VECTORS.filter((v) => SPECIAL_TOKEN_TEXT.test(v.text)).length).toBe(17);
  });

  it('matches the token count of every vector', () => {
    for (const vector of VECTORS) {
      const mode = SPECIAL_TOKEN_TEXT.test(vector.text) ? 'as-special' : 'as-text';
      expect(countTokens(vector.text, vector.encoding, mode), `${vector.source}: ${JSON.stringify(vector.text.slice(0, 40))}`).toBe(vector.token_count);
      expect(vector.token_ids.length).toBe(vector.token_count);
    }
  });

  it("has a reference (js-tiktoken) that produces the vectors' token ids exactly", () => {
    const encoders = { o200k_base: getEncoding('o200k_base'), cl100k_base: getEncoding('cl100k_base') };
    for (const vector of VECTORS) {
      const allowedSpecial = SPECIAL_TOKEN_TEXT.test(vector.text) ? 'all' : [];
      expect(encoders[vector.encoding].encode(vector.text, allowedSpecial, [])).toEqual(vector.token_ids);
    }
  });

  it("pre-tokenizes with js-tiktoken's own patterns", () => {
    expect(PRETOKENIZER_PATTERNS.o200k_base).toBe(o200kRanks.pat_str);
    expect(PRETOKENIZER_PATTERNS.cl100k_base).toBe(cl100kRanks.pat_str);
  });
});

describe.each(ENCODINGS)('token counts equal to js-tiktoken (%s)', (encoding) => {
  const texts = variedTexts(10_000, encoding === 'o200k_base' ? 1 : 2);
  let reference: number[] = [];
  beforeAll(() => {
    reference = texts.map((text) => countTokensReference(text, encoding));
  });

  it('counts 10,000 varied texts exactly as js-tiktoken does, and again from the memos', () => {
    const mismatches = texts.filter((text, i) => countTokens(text, encoding) !== reference[i]);
    expect(mismatches).toEqual([]);
    const again = texts.toReversed().filter((text, i) => countTokens(text, encoding) !== reference[texts.length - 1 - i]);
    expect(again).toEqual([]);
  });

  it('counts them line by line through the line memo exactly as js-tiktoken does, lines seen in other texts and places included', () => {
    // long texts made of the varied texts' lines, shuffled: a line comes back first, last, in
    // the middle and after other lines, and the memo gives it the count it had elsewhere
    const random = mulberry32(11);
    const lines = texts.flatMap(splitAdditive);
    const joined = Array.from({ length: 2_000 }, () => Array.from({ length: 2 + Math.floor(random() * 12) }, () => lines[Math.floor(random() * lines.length)]).join(''));
    const long = [...texts, ...texts, ...joined].filter((text) => text.length >= 256);
    expect(long.length).toBeGreaterThan(2_000);
    const mismatches = long.filter((text) => countTokens(text, encoding) !== countTokensReference(text, encoding));
    expect(mismatches).toEqual([]);
  });

  it('reads a text to its end and not on into the next one in the same buffer', () => {
    // each pair would be one pre-token, or a different one, read as one text
    const pairs = [['abc', 'def'], ['it', "'s"], ['12', '3'], ['   ', '  x'], ['a\n', '\nb'], ['!!', '!\n'], ['x ', ' '], ['café', 'é'], ['a ', 'b'], ['\n', '/']];
    const long = (text: string) => `${'word '.repeat(60)}${text}`;
    for (const [first, second] of [...pairs, ...pairs.map(([a, b]) => [long(a!), b!])]) {
      const buffer = Buffer.from(first! + second!, 'utf8');
      const cut = Buffer.byteLength(first!, 'utf8');
      expect(countUtf8(buffer.subarray(0, cut), encoding), JSON.stringify(first)).toBe(countTokensReference(first!, encoding));
      expect(countUtf8(buffer.subarray(cut), encoding), JSON.stringify(second)).toBe(countTokensReference(second!, encoding));
    }
  });

  it('counts long non-ASCII texts, with few places or none to decode a short stretch up to', () => {
    const long = [
      '東京都の天気は晴れです。'.repeat(600), // Japanese without spaces: one line of 21,600 bytes
      `${'Привет, мир! Как дела? '.repeat(300)}\n${'ἀρχὴ ἥμισυ παντός. '.repeat(200)}`,
      `${'naïve café résumé '.repeat(200)}x`,
      'word\u00a0'.repeat(1_500), // no-break spaces are white space, but not a place to stop decoding
      `${'🙂👍🏽 '.repeat(500)}${'é'.repeat(600)}`,
      `${'a'.repeat(100)}${'ü'.repeat(600)}\n${'x '.repeat(100)}`,
      `${' '.repeat(300)}\u3000${'\u2028'.repeat(50)} 東京 ${'\n'.repeat(20)}`,
    ];
    expect(long.filter((text) => countTokens(text, encoding) !== countTokensReference(text, encoding))).toEqual([]);
  });

  it('counts dense mixes of the characters where ASCII scanning and the regex hand over, exactly as js-tiktoken does', () => {
    // spaces after letters, digits and marks of every script; white space that is not ASCII;
    // contractions beside accented letters; runs long enough to pass the 256 bytes decoded at once
    const alphabet = [' ', ' ', '  ', '\u00a0', '\u3000', '\u2028', '\t', '\n', '\r\n', '/', '.', "'", "'s", "'LL", 'a', 'Z', 'é', 'É', 'ǅ', 'ß', '1', '23', '١٢', '²', '東京', '😀', '👍🏽', '\u0301', '-', '$', '_'];
    const random = mulberry32(encoding === 'o200k_base' ? 21 : 22);
    const texts = Array.from({ length: 3_000 }, () => Array.from({ length: 1 + Math.floor(random() * 400) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
    expect(texts.filter((text) => countTokens(text, encoding) !== countTokensReference(text, encoding))).toEqual([]);
  });

  it('cuts those texts only where their counts add up exactly', () => {
    const notAdditive = texts.filter((text, i) => {
      const pieces = splitAdditive(text);
      // (the pieces are cut from the UTF-8, in which a lone surrogate is U+FFFD)
      return pieces.join('') !== Buffer.from(text, 'utf8').toString('utf8') || pieces.reduce((sum, piece) => sum + countTokensReference(piece, encoding), 0) !== reference[i];
    });
    expect(notAdditive).toEqual([]);
  });
});

describe('token counts of awkward texts', () => {
  it('counts the empty text as zero tokens', () => {
    expect(countTokens('', 'o200k_base')).toBe(0);
    expect(countTokens('', 'cl100k_base')).toBe(0);
  });

  // (values from tiktoken's o200k_base and cl100k_base; each text is counted twice, the second
  // time from the memo, whose word keys are hashed as the scanner reads them)
  it('counts contractions, capitals, punctuation prefixes and accented words the same when the memo has them', () => {
    const texts: Array<[string, number, number]> = [
      ["They're HELLO, world's DON'T: naïve café's résumé!", 13, 18],
      ["I'll say it's Tom's: They'VE gone", 10, 12],
    ];
    for (const [text, o200k, cl100k] of texts) {
      for (let time = 0; time < 2; time++) {
        expect(countTokens(text, 'o200k_base')).toBe(o200k);
        expect(countTokens(text, 'cl100k_base')).toBe(cl100k);
      }
    }
  });

  it('counts special-token text as the 7 ordinary tokens "<", "|", "endo", "ft", "ext", "|", ">" instead of throwing', () => {
    expect(countTokens('<|endoftext|>', 'cl100k_base')).toBe(7);
    expect(countTokensReference('<|endoftext|>', 'cl100k_base')).toBe(7);
  });

  it('counts a run of a million letters in about a second, not minutes: 125,000 tokens of "xxxxxxxx"', () => {
    const started = performance.now();
    expect(countTokens('x'.repeat(1_000_000), 'o200k_base')).toBe(125_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('merges long runs exactly as tiktoken does (runs of 260 to 1,200 characters from small alphabets)', () => {
    const random = mulberry32(3);
    const alphabets = ['a', 'ab', 'aeiou', ' ', '-=', 'é', '東京', 'ab ', '\n ', 'AbC'];
    for (let i = 0; i < 30; i++) {
      const letters = [...alphabets[i % alphabets.length]!];
      const run = Array.from({ length: 260 + Math.floor(random() * 940) }, () => letters[Math.floor(random() * letters.length)]).join('');
      for (const encoding of ENCODINGS) expect(countTokens(run, encoding), JSON.stringify(run.slice(0, 20))).toBe(countTokensReference(run, encoding));
    }
  });
});

describe('splitAdditive', () => {
  it('cuts after a newline before a character that is not white space or "/"', () => {
    expect(splitAdditive('a\nb\n\nc\n d\n/e')).toEqual(['a\n', 'b\n\n', 'c\n d\n/e']);
  });

  it('does not cut inside "\\n\\n": o200k reads ".\\n\\n" as one token, so "x.\\n" + "\\n- y" would count 5, not 4', () => {
    expect(countTokens('x.\n\n- y', 'o200k_base')).toBe(4);
    expect(countTokens('x.\n', 'o200k_base') + countTokens('\n- y', 'o200k_base')).toBe(5);
    expect(splitAdditive('x.\n\n- y')).toEqual(['x.\n\n', '- y']);
  });
});

describe('chat overhead', () => {
  it('adds 3 tokens per message, 1 per name and 3 priming the reply', () => {
    expect(chatOverheadTokens(0, 0)).toBe(3);
    expect(chatOverheadTokens(1, 0)).toBe(6);
    expect(chatOverheadTokens(2, 1)).toBe(10);
    expect(chatOverheadTokens(6, 4)).toBe(25);
  });

  it("reproduces the OpenAI cookbook's example: 129 prompt tokens on gpt-4-0613 (cl100k), 124 on gpt-4o (o200k)", () => {
    const [request] = readFileSync(new URL('../fixtures/canonical/chat-format.jsonl', import.meta.url), 'utf8').split('\n');
    const messages = (JSON.parse(request!) as { messages: { role: string; content: string; name?: string }[] }).messages;
    const promptTokens = (encoding: EncodingName) =>
      messages.reduce((sum, { role, content, name }) => sum + countTokens(role, encoding) + countTokens(content, encoding) + (name ? countTokens(name, encoding) : 0), 0) +
      chatOverheadTokens(messages.length, messages.filter((m) => m.name).length);
    expect(messages.length).toBe(6);
    expect(promptTokens('cl100k_base')).toBe(129);
    expect(promptTokens('o200k_base')).toBe(124);
  });
});
