// The byte counter the token workers use equals js-tiktoken on the decoded text: on the varied
// texts, on long texts made of their lines (through the line memo), on texts that sit side by
// side in one buffer, and on long stretches of non-ASCII text with no place to cut them.
import { describe, expect, it } from 'vitest';
import { countTokensReference, splitAdditive } from '../../src/tokenize/count.js';
import { countUtf8ByLine } from '../../src/tokenize/count-utf8.js';
import { mulberry32 } from '../random.js';
import { variedTexts } from './varied-texts.js';

const ENCODINGS = ['o200k_base', 'cl100k_base'] as const;

/** The text as DuckDB hands it over: valid UTF-8 (a lone surrogate becomes U+FFFD). */
const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe.each(ENCODINGS)('token counts read from UTF-8 (%s)', (encoding) => {
  const texts = variedTexts(10_000, encoding === 'o200k_base' ? 5 : 6);
  const references = new Map<string, number>();
  const reference = (text: string) => references.get(text) ?? references.set(text, countTokensReference(utf8(text).toString('utf8'), encoding)).get(text)!;
  const mismatches = (list: string[]) => list.filter((text) => countUtf8ByLine(utf8(text), encoding) !== reference(text));

  it('counts 10,000 varied texts exactly as js-tiktoken does, and again from the memos', () => {
    expect(mismatches(texts)).toEqual([]);
    expect(mismatches(texts.toReversed())).toEqual([]);
  });

  it('counts long texts line by line through the line memo exactly as js-tiktoken does, lines seen in other texts and places included', () => {
    const random = mulberry32(12);
    const lines = texts.flatMap(splitAdditive);
    const joined = Array.from({ length: 2_000 }, () => Array.from({ length: 2 + Math.floor(random() * 12) }, () => lines[Math.floor(random() * lines.length)]).join(''));
    expect(joined.filter((text) => text.length >= 256).length).toBeGreaterThan(1_000);
    expect(mismatches(joined)).toEqual([]);
  });

  it('reads a text to its end and not on into the next one in the same buffer', () => {
    // each pair would be one pre-token, or a different one, read as one text
    const pairs = [['abc', 'def'], ['it', "'s"], ['12', '3'], ['   ', '  x'], ['a\n', '\nb'], ['!!', '!\n'], ['x ', ' '], ['café', 'é'], ['a ', 'b'], ['\n', '/']];
    const long = (text: string) => `${'word '.repeat(60)}${text}`;
    for (const [first, second] of [...pairs, ...pairs.map(([a, b]) => [long(a!), b!])]) {
      const buffer = utf8(first! + second!);
      const cut = utf8(first!).length;
      expect(countUtf8ByLine(buffer.subarray(0, cut), encoding), JSON.stringify(first)).toBe(countTokensReference(first!, encoding));
      expect(countUtf8ByLine(buffer.subarray(cut), encoding), JSON.stringify(second)).toBe(countTokensReference(second!, encoding));
    }
  });

  it('counts long non-ASCII text with few or no places to cut it', () => {
    const long = [
      '東京都の天気は晴れです。'.repeat(600), // CJK without spaces: one stretch of 21,600 bytes
      `${'Привет, мир! Как дела? '.repeat(300)}\n${'ἀρχὴ ἥμισυ παντός. '.repeat(200)}`,
      `${'naïve café résumé '.repeat(200)}x`,
      'word\u00a0'.repeat(1_500), // no-break spaces are white space, but not a place to cut
      `${'🙂👍🏽 '.repeat(500)}${'é'.repeat(600)}`,
      `${'a'.repeat(100)}${'ü'.repeat(600)}\n${'x '.repeat(100)}`,
      `${' '.repeat(300)}\u3000${'\u2028'.repeat(50)} 東京 ${'\n'.repeat(20)}`,
    ];
    expect(mismatches(long)).toEqual([]);
  });
});
