// The chunk-use decision of unused_retrieval: a citation of the chunk's id as a whole token, or
// enough shared word 4-grams that are not in the question.
import { describe, expect, it } from 'vitest';
import { citesId, decideChunkUse } from '../../src/waste/retrieval-use.js';

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
