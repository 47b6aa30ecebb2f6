// The generator's fast token counter gives exactly js-tiktoken's o200k_base counts, including
// on the texts where tiktoken's pre-split regex looks ahead (runs of spaces, newlines, digits).
import { getEncoding } from 'js-tiktoken';
import { describe, expect, it } from 'vitest';
import { TokenCounter } from '../../samples/generator/tokens.js';

const o200k = getEncoding('o200k_base');

describe('TokenCounter', () => {
  it('counts a plain sentence as o200k_base does', () => {
    expect(new TokenCounter().count('The parcel was delivered within five business days.')).toBe(9);
  });

  it('matches js-tiktoken where whitespace, digits, unicode and code meet words', () => {
    const counter = new TokenCounter();
    const texts = [
      'a  b', 'x\n word', 'foo \n\n Bar', '  leading', 'trail  ', 'x\t word', ' 42 apples', "don't Stop", 'Zürich → Łódź costs €1,240.50',
      '<document id="kb-0001">The cache.</document>\nQuestion: why?', '```ts\nconst a = 1;\n```\n\nThen run it', 'sk-proj-AbC123 and ops.7@example.com',
    ];
    for (const text of texts) expect(counter.count(text), JSON.stringify(text)).toBe(o200k.encode(text, [], []).length);
  });

  it('gives the same count the second time, from its memo', () => {
    const counter = new TokenCounter();
    const text = 'Escalate to dispatch when a pallet has been overdue for more than 48 hours.';
    expect(counter.count(text)).toBe(counter.count(text));
    expect(counter.count(text)).toBe(o200k.encode(text, [], []).length);
  });
});
