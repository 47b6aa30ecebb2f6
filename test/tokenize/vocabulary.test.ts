// The vocabularies as typed tables: every token of gpt-tokenizer's ranks is found at its rank,
// nothing else is found, and a table written to a file reads back the same, unless the file is of
// another encoding, another gpt-tokenizer or damaged, when it is not used at all.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRankTable, rankOf, rankTableOf, readRankTableFile, writeRankTableFile } from '../../src/tokenize/vocabulary.js';

const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-vocabulary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** gpt-tokenizer's table of an encoding as byte strings (one char per byte), in rank order. */
function tokensOf(encoding: 'o200k_base' | 'cl100k_base'): string[] {
  const table = (require(`gpt-tokenizer/cjs/bpeRanks/${encoding}`) as { default: (string | number[])[] }).default;
  return table.map((token) => (typeof token === 'string' ? Buffer.from(token, 'utf8') : Buffer.from(token)).toString('latin1'));
}

describe('rank tables', () => {
  for (const [encoding, size] of [
    ['o200k_base', 199_998],
    ['cl100k_base', 100_256],
  ] as const) {
    it(`finds each of the ${size.toLocaleString('en-US')} tokens of ${encoding} at its rank`, () => {
      const tokens = tokensOf(encoding);
      expect(tokens.length).toBe(size);
      const table = buildRankTable(encoding);
      tokens.forEach((token, rank) => {
        if (rankOf(table, token, 0, token.length) !== rank) expect.fail(`${JSON.stringify(token)} is not at rank ${rank}`);
      });
    });
  }

  it('finds no rank for bytes that are not a token, nor for a token with a byte more or less', () => {
    const table = buildRankTable('o200k_base');
    expect(rankOf(table, 'hello', 0, 5)).toBe(24912);
    expect(rankOf(table, ' hello', 0, 6)).toBe(40617);
    expect(rankOf(table, 'xhellox', 1, 6)).toBe(24912);
    expect(rankOf(table, 'qzxqzxqzxqzx', 0, 12)).toBe(-1);
    expect(rankOf(table, 'hello', 0, 0)).toBe(-1);
  });

  it('keeps the later rank of bytes given twice, as a Map would', () => {
    const table = rankTableOf([Buffer.from('ab'), Buffer.from('c'), Buffer.from('ab')]);
    expect(rankOf(table, 'ab', 0, 2)).toBe(2);
    expect(rankOf(table, 'c', 0, 1)).toBe(1);
  });
});

describe('vocabulary files', () => {
  const path = join(dir, 'cl100k_base.bin');
  const built = buildRankTable('cl100k_base');
  writeRankTableFile(path, 'cl100k_base', built);

  it('read back as the table that was written', () => {
    const read = readRankTableFile(path, 'cl100k_base')!;
    expect(read).not.toBeNull();
    expect(Buffer.from(read.tokenBytes).equals(Buffer.from(built.tokenBytes))).toBe(true);
    expect(Array.from(read.tokenStarts)).toEqual(Array.from(built.tokenStarts));
    expect(Array.from(read.slots)).toEqual(Array.from(built.slots));
  });

  it('are not used for another encoding', () => {
    expect(readRankTableFile(path, 'o200k_base')).toBeNull();
  });

  it('are not used when made from another gpt-tokenizer version', () => {
    const file = readFileSync(path);
    const other = join(dir, 'other-version.bin');
    writeFileSync(other, Buffer.from(file.toString('latin1').replace(/"source":"gpt-tokenizer [^"]*"/, (source) => source.replace(/\d/, '9')), 'latin1'));
    expect(readRankTableFile(other, 'cl100k_base')).toBeNull();
  });

  it('are not used when a byte of the table has changed, or when missing', () => {
    const file = Buffer.from(readFileSync(path));
    file.writeUInt8(file.readUInt8(file.length - 1000) ^ 1, file.length - 1000);
    const damaged = join(dir, 'damaged.bin');
    writeFileSync(damaged, file);
    expect(readRankTableFile(damaged, 'cl100k_base')).toBeNull();
    expect(readRankTableFile(join(dir, 'missing.bin'), 'cl100k_base')).toBeNull();
  });
});
