// An encoding's tokens and their ranks as three typed arrays: the token bytes one after another,
// where each token starts, and a hash table over them. Built from gpt-tokenizer's rank tables, a
// vocabulary takes about a quarter of a second to make (o200k_base: 200,000 tokens), in each
// worker that counts; `npm run build` writes it to a file once, and reading that back takes a few
// milliseconds. A file is used only when it was made from the gpt-tokenizer installed and its
// checksum holds; else the vocabulary is built from the table as before.
import { hash as digest } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EncodingName } from './encodings.js';
import { FNV_OFFSET, fnv } from '../key-table.js';

const require = createRequire(import.meta.url);

export interface RankTable {
  /** Every token's UTF-8 bytes, in rank order. */
  tokenBytes: Uint8Array;
  /** Token r is tokenBytes[tokenStarts[r], tokenStarts[r + 1]). */
  tokenStarts: Uint32Array;
  /** Open addressing by FNV-1a of a token's bytes: its rank + 1, or 0 where no token is. */
  slots: Int32Array;
}

/**
 * The rank of the token whose bytes are key[start, end) (a byte string: one char per byte), or
 * -1 when no token has those bytes.
 */
export function rankOf({ tokenBytes, tokenStarts, slots }: RankTable, key: string, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) hash = fnv(hash, key.charCodeAt(i));
  const mask = slots.length - 1;
  const length = end - start;
  for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
    const entry = slots[slot]!;
    if (entry === 0) return -1;
    const rank = entry - 1;
    const at = tokenStarts[rank]!;
    if (tokenStarts[rank + 1]! - at !== length) continue;
    let i = 0;
    while (i < length && tokenBytes[at + i] === key.charCodeAt(start + i)) i++;
    if (i === length) return rank;
  }
}

/** The table of tokens given as their bytes in rank order (a token seen twice keeps its later rank, as a Map would). */
export function rankTableOf(tokens: Uint8Array[]): RankTable {
  const tokenStarts = new Uint32Array(tokens.length + 1);
  let size = 0;
  tokens.forEach((token, rank) => {
    tokenStarts[rank] = size;
    size += token.length;
  });
  tokenStarts[tokens.length] = size;
  const tokenBytes = new Uint8Array(size);
  tokens.forEach((token, rank) => tokenBytes.set(token, tokenStarts[rank]!));
  // at most 40 % full: a miss (most lookups while merging) ends at an empty slot soon
  let slotCount = 1;
  while (slotCount * 2 < tokens.length * 5) slotCount *= 2;
  const slots = new Int32Array(slotCount);
  const mask = slotCount - 1;
  tokens.forEach((token, rank) => {
    let hash = FNV_OFFSET;
    for (const byte of token) hash = fnv(hash, byte);
    let slot = hash & mask;
    for (; slots[slot] !== 0; slot = (slot + 1) & mask) {
      const other = slots[slot]! - 1;
      if (sameBytes(tokenBytes, tokenStarts[other]!, tokenStarts[other + 1]!, token)) break;
    }
    slots[slot] = rank + 1;
  });
  return { tokenBytes, tokenStarts, slots };
}

function sameBytes(bytes: Uint8Array, start: number, end: number, token: Uint8Array): boolean {
  if (end - start !== token.length) return false;
  for (let i = 0; i < token.length; i++) if (bytes[start + i] !== token[i]) return false;
  return true;
}

/** The gpt-tokenizer version installed: a vocabulary file records the one it was made from. */
function sourceVersion(): string {
  const entry = require.resolve('gpt-tokenizer/cjs/bpeRanks/o200k_base');
  // …/gpt-tokenizer/cjs/bpeRanks/x.js: the package's own package.json is two folders up
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', '..', 'package.json'), 'utf8')) as { version: string };
  return `gpt-tokenizer ${manifest.version}`;
}

/** The encoding's table built from gpt-tokenizer's ranks (tokens as text, or as bytes where they are not UTF-8). */
export function buildRankTable(encoding: EncodingName): RankTable {
  const path = require.resolve(`gpt-tokenizer/cjs/bpeRanks/${encoding}`);
  const table = (require(path) as { default: (string | number[])[] }).default;
  delete require.cache[path];
  return rankTableOf(table.map((token) => (typeof token === 'string' ? Buffer.from(token, 'utf8') : Uint8Array.from(token))));
}

/** Where `npm run build` writes the vocabulary files, beside the built modules (dist/vocabularies). */
export function vocabularyDir(): string {
  return fileURLToPath(new URL('../../vocabularies/', import.meta.url));
}

const FILE_FORMAT = 'tokenaudit vocabulary 1';

interface FileHeader {
  format: string;
  encoding: EncodingName;
  source: string;
  tokens: number;
  bytes: number;
  slots: number;
  /** md5 of everything after the header. */
  md5: string;
}

/**
 * A table as a file: a JSON header line, padded with spaces to a multiple of 8 bytes, then the
 * starts, the slots and the bytes.
 */
export function writeRankTableFile(path: string, encoding: EncodingName, table: RankTable): void {
  const payload = Buffer.concat([u8(table.tokenStarts), u8(table.slots), table.tokenBytes]);
  const header: FileHeader = {
    format: FILE_FORMAT,
    encoding,
    source: sourceVersion(),
    tokens: table.tokenStarts.length - 1,
    bytes: table.tokenBytes.length,
    slots: table.slots.length,
    md5: digest('md5', payload, 'hex'),
  };
  let line = JSON.stringify(header);
  line += ' '.repeat(7 - ((line.length + 1 + 7) % 8)) + '\n';
  writeFileSync(path, Buffer.concat([Buffer.from(line, 'latin1'), payload]));
}

const u8 = (array: Uint32Array | Int32Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/** The table in the file, or null when there is none, or it is of another encoding or gpt-tokenizer, or damaged. */
export function readRankTableFile(path: string, encoding: EncodingName): RankTable | null {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return null;
  }
  const newline = file.indexOf(0x0a);
  if (newline < 0 || (newline + 1) % 8 !== 0) return null;
  let header: FileHeader;
  try {
    header = JSON.parse(file.toString('latin1', 0, newline)) as FileHeader;
  } catch {
    return null;
  }
  if (header.format !== FILE_FORMAT || header.encoding !== encoding || header.source !== sourceVersion()) return null;
  // a copy, aligned for the typed arrays whatever the Buffer's offset in its pool
  const payload = new Uint8Array(file.subarray(newline + 1));
  if (payload.length !== 4 * (header.tokens + 1) + 4 * header.slots + header.bytes) return null;
  if (digest('md5', payload, 'hex') !== header.md5) return null;
  const tokenStarts = new Uint32Array(payload.buffer, 0, header.tokens + 1);
  const slots = new Int32Array(payload.buffer, tokenStarts.byteLength, header.slots);
  const tokenBytes = new Uint8Array(payload.buffer, tokenStarts.byteLength + slots.byteLength, header.bytes);
  return { tokenBytes, tokenStarts, slots };
}

/** The encoding's table: from its file when a good one was built, else from gpt-tokenizer's ranks. */
export function loadRankTable(encoding: EncodingName): RankTable {
  return readRankTableFile(join(vocabularyDir(), `${encoding}.bin`), encoding) ?? buildRankTable(encoding);
}
