// The table of typed-array keys behind the token counter's memos and the word numbers: a key is
// found by its elements wherever they sit, keys whose hashes agree stay apart, and a table past
// its limits starts empty.
import { describe, expect, it } from 'vitest';
import { KeyTable } from '../src/key-table.js';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const newBytes = (size: number): Uint8Array => new Uint8Array(size);

describe('KeyTable', () => {
  it('finds a key by its elements at any place in the array read', () => {
    const table = new KeyTable(newBytes);
    const first = bytes('xxhelloxx');
    table.set(first, 2, 7, KeyTable.hash(first, 2, 7), 42);
    const second = bytes('hello world');
    expect(table.get(second, 0, 5, KeyTable.hash(second, 0, 5))).toBe(42);
    expect(table.get(second, 0, 4, KeyTable.hash(second, 0, 4))).toBe(-1);
    expect(table.get(second, 6, 11, KeyTable.hash(second, 6, 11))).toBe(-1);
  });

  it('keeps keys apart whose hashes are the same, through growing', () => {
    const table = new KeyTable(newBytes);
    const keys = Array.from({ length: 20_000 }, (_, i) => bytes(`key-${i}`));
    // every key under one hash: only the comparison of elements tells them apart
    keys.slice(0, 50).forEach((key, i) => table.set(key, 0, key.length, 7, i));
    keys.slice(50).forEach((key, i) => table.set(key, 0, key.length, KeyTable.hash(key, 0, key.length), 50 + i));
    expect(table.size).toBe(20_000);
    expect(table.get(keys[0]!, 0, keys[0]!.length, 7)).toBe(0);
    expect(table.get(keys[49]!, 0, keys[49]!.length, 7)).toBe(49);
    expect(table.get(keys[19_999]!, 0, keys[19_999]!.length, KeyTable.hash(keys[19_999]!, 0, keys[19_999]!.length))).toBe(19_999);
  });

  it('starts empty when a key would take it past its entries or its key elements', () => {
    const byEntries = new KeyTable(newBytes, 2);
    const abc = bytes('abc');
    for (let i = 0; i < 3; i++) byEntries.set(abc, i, i + 1, KeyTable.hash(abc, i, i + 1), i);
    expect(byEntries.size).toBe(1);
    expect(byEntries.get(abc, 0, 1, KeyTable.hash(abc, 0, 1))).toBe(-1);
    expect(byEntries.get(abc, 2, 3, KeyTable.hash(abc, 2, 3))).toBe(2);

    const byElements = new KeyTable(newBytes, Infinity, 5);
    const text = bytes('abcdef');
    byElements.set(text, 0, 3, KeyTable.hash(text, 0, 3), 1);
    byElements.set(text, 3, 6, KeyTable.hash(text, 3, 6), 2);
    expect(byElements.size).toBe(1);
    expect(byElements.get(text, 3, 6, KeyTable.hash(text, 3, 6))).toBe(2);
  });
});
