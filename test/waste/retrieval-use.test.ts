// The chunk-use decision of unused_retrieval: a citation of the chunk's id as a whole token, or
// enough shared word 4-grams that are not in the question.
import { describe, expect, it } from 'vitest';
import { citesId, decideAnswerChunks, decideChunkUse } from '../../src/waste/retrieval-use.js';
import { WordNumbers, words } from '../../src/waste/word-grams.js';
import { mulberry32 } from '../random.js';

describe('citesId', () => {
  it('finds the id as a whole token', () => {
    expect(citesId('See [kb-12] for details.', 'kb-12')).toBe(true);
  });

  it('does not count the id inside a longer id or number', () => {
    expect(citesId('See kb-123 and xkb-12.', 'kb-12')).toBe(false);
  });

  it('finds a later whole-token occurrence after one inside a word', () => {
    expect(citesId('kb-12a, then kb-12.', 'kb-12')).toBe(true);
  });

  it('treats a letter outside the BMP before the id as part of the word', () => {
    expect(citesId('\u{1D400}kb-12', 'kb-12')).toBe(false);
  });

  it('treats an emoji before the id as a boundary', () => {
    expect(citesId('\u{1F600}kb-12', 'kb-12')).toBe(true);
  });

  it('never cites an empty id', () => {
    expect(citesId('anything', '')).toBe(false);
  });
});

describe('decideChunkUse', () => {
  const chunk = 'shipping to norway takes four to six working days';

  it('counts each shared 4-gram once, however often the chunk repeats it', () => {
    const use = decideChunkUse('d1', `${chunk}. ${chunk}.`, 'Shipping to Norway takes four days.', 'When?', 2);
    expect(use).toEqual({ used: true, cited: false, sharedNgrams: 2 });
  });

  it('does not count 4-grams the answer shares with the question', () => {
    const use = decideChunkUse('d1', chunk, 'Shipping to Norway takes four days.', 'Is shipping to Norway takes four days true?', 2);
    expect(use).toEqual({ used: false, cited: false, sharedNgrams: 0 });
  });
});

/** A text's distinct word 4-grams as the words joined with spaces. */
function wordNgrams(text: string): Set<string> {
  const list = words(text);
  return new Set(list.slice(3).map((_, i) => list.slice(i, i + 4).join(' ')));
}

/** The rule as DESIGN.md words it, on Sets of joined words: what the numbered 4-grams must equal. */
function referenceShared(chunk: string, output: string, question: string): number {
  const questionGrams = wordNgrams(question);
  const evidence = new Set([...wordNgrams(output)].filter((gram) => !questionGrams.has(gram)));
  return [...wordNgrams(chunk)].filter((gram) => evidence.has(gram)).length;
}

describe('decideAnswerChunks', () => {
  const random = mulberry32(7);
  const vocabulary = ['the', 'order', 'ships', 'in', 'four', 'days', 'Days', 'café', 'naïve', 'kb-1', "don't", 'dont', '😀', 'x'];
  const text = (length: number) =>
    Array.from({ length }, () => vocabulary[Math.floor(random() * vocabulary.length)]! + (random() < 0.2 ? [',', '.', '!', ''][Math.floor(random() * 4)]! : '')).join(random() < 0.5 ? ' ' : '\n');

  it('counts the same shared 4-grams as the rule on joined words', () => {
    for (let answer = 0; answer < 300; answer++) {
      const output = text(5 + Math.floor(random() * 60));
      const question = text(Math.floor(random() * 30));
      const chunks = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => {
        const chunk = text(Math.floor(random() * 80));
        return { chunkId: `c${i}`, chunk, chunkKey: `text:${chunk}` };
      });
      const uses = decideAnswerChunks(output, question, chunks, 2);
      expect(uses.map((use) => use.sharedNgrams)).toEqual(chunks.map(({ chunk }) => referenceShared(chunk, output, question)));
    }
  });

  it('reads words as the rule does around punctuation, symbols, Unicode white space and surrogates', () => {
    // pieces glued together with no separator between some of them, so punctuation falls inside words
    const pieces = ['İstanbul', 'ΟΔΟΣ', 'σ', '£12.50', 'a_b', 'x', 'kb-7', 'e\u0301', '\u0007', '«quote»', '1,234', '𝐀𝐁', '😀', '\ud800', '\udc00', 'ß', 'ǅ', '—'];
    const separators = [' ', '\n', '\t', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u2028', '', '', '.', '-'];
    const pick = <T,>(list: T[]) => list[Math.floor(random() * list.length)]!;
    const text = (length: number) => Array.from({ length }, () => pick(pieces) + pick(separators)).join('');
    for (let answer = 0; answer < 300; answer++) {
      const output = text(5 + Math.floor(random() * 60));
      const question = text(Math.floor(random() * 20));
      const chunks = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => {
        const chunk = random() < 0.3 ? output.slice(Math.floor(random() * output.length)) : text(Math.floor(random() * 60));
        return { chunkId: `c${i}`, chunk, chunkKey: `text:${chunk}` };
      });
      const uses = decideAnswerChunks(output, question, chunks, 2);
      expect(uses.map((use) => use.sharedNgrams)).toEqual(chunks.map(({ chunk }) => referenceShared(chunk, output, question)));
    }
  });

  it('still counts right once it has numbered more words than it keeps', () => {
    // over a million distinct words: the numbering starts over before the next answer
    const many = Array.from({ length: 1_050_000 }, (_, i) => `w${i}`).join(' ');
    const chunk = 'shipping to norway takes four to six working days';
    decideAnswerChunks(many, '', [{ chunkId: 'big', chunk: many, chunkKey: 'many' }], 2);
    const [use] = decideAnswerChunks('Shipping to Norway takes four to six days.', '', [{ chunkId: 'd1', chunk, chunkKey: 'norway' }], 2);
    expect(use!.sharedNgrams).toBe(referenceShared(chunk, 'Shipping to Norway takes four to six days.', ''));
    expect(use!.sharedNgrams).toBe(4);
  });
});

describe('WordNumbers', () => {
  it('gives words whose hashes collide numbers of their own, and the same number each time they come again', () => {
    // pairs with the same 32-bit FNV-1a hash, the table's
    const words = new WordNumbers();
    words.read('costarring liquid Costarring LIQUID declinate macallums altarage zinke');
    expect(Array.from(words.numbers.subarray(0, words.count))).toEqual([0, 1, 0, 1, 2, 3, 4, 5]);
    words.read('zinke altarage liquid');
    expect(Array.from(words.numbers.subarray(0, words.count))).toEqual([5, 4, 1]);
  });
});
