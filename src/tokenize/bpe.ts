// The encodings' vocabularies and tiktoken's byte-pair merge, over gpt-tokenizer's rank tables,
// and js-tiktoken as the reference the counter (count.ts) is tested and benchmarked against.
import { createRequire } from 'node:module';
import type { Tiktoken } from 'js-tiktoken/lite';
import type { EncodingName } from './encodings.js';
import { loadRankTable, rankOf, type RankTable } from './vocabulary.js';

const require = createRequire(import.meta.url);

// The regexes are js-tiktoken's `pat_str` (a test checks they still are).
const CONTRACTION = "('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)";
const UPPER = '[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]';
const LOWER = '[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]';
const PREFIX = '[^\\r\\n\\p{L}\\p{N}]?';
export const PRETOKENIZER_PATTERNS: Record<EncodingName, string> = {
  o200k_base: `${PREFIX}${UPPER}*${LOWER}+${CONTRACTION}?|${PREFIX}${UPPER}+${LOWER}*${CONTRACTION}?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`,
  cl100k_base: `${CONTRACTION}|${PREFIX}\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`,
};

export interface Vocabulary {
  /** The rank of every token (vocabulary.ts). */
  ranks: RankTable;
  /** The rank of every two-byte token at (first byte << 8 | second byte); NO_MERGE elsewhere. */
  pairRanks: Int32Array;
  /** Sticky: matches the one pre-token at `lastIndex`. */
  pretokenizer: RegExp;
}

const NO_MERGE = 0x7fffffff;
const vocabularies = new Map<EncodingName, Vocabulary>();

/** The encoding's vocabulary, loaded on first use. */
export function vocabularyOf(encoding: EncodingName): Vocabulary {
  const loaded = vocabularies.get(encoding);
  if (loaded) return loaded;
  const ranks = loadRankTable(encoding);
  const pairRanks = new Int32Array(1 << 16).fill(NO_MERGE);
  const { tokenBytes, tokenStarts } = ranks;
  for (let rank = 0; rank + 1 < tokenStarts.length; rank++) {
    const at = tokenStarts[rank]!;
    if (tokenStarts[rank + 1]! - at === 2) pairRanks[(tokenBytes[at]! << 8) | tokenBytes[at + 1]!] = rank;
  }
  const vocabulary = { ranks, pairRanks, pretokenizer: new RegExp(PRETOKENIZER_PATTERNS[encoding], 'uy') };
  vocabularies.set(encoding, vocabulary);
  return vocabulary;
}

/** The tokens of one pre-token, given as its UTF-8 bytes one char each: one when the vocabulary has it, else tiktoken's merge. */
export function bytePairCount(bytes: string, vocabulary: Vocabulary): number {
  if (rankOf(vocabulary.ranks, bytes, 0, bytes.length) >= 0) return 1;
  return bytes.length < LONG_PIECE_BYTES ? mergedTokenCount(bytes, vocabulary) : longMergedTokenCount(bytes, vocabulary.ranks);
}

/** Pieces this long or longer merge through a heap: the scan below is quadratic in the length. */
const LONG_PIECE_BYTES = 256;
const partStarts = new Int32Array(LONG_PIECE_BYTES + 1);
const partRanks = new Int32Array(LONG_PIECE_BYTES + 1);

/** tiktoken's byte_pair_merge, counting the parts it ends with: lowest rank first, then leftmost. */
function mergedTokenCount(bytes: string, { ranks, pairRanks: twoByteRanks }: Vocabulary): number {
  const starts = partStarts;
  const pairRanks = partRanks;
  let boundaries = bytes.length + 1;
  const rankAt = (i: number) => {
    if (i + 2 >= boundaries) return NO_MERGE;
    const rank = rankOf(ranks, bytes, starts[i]!, starts[i + 2]!);
    return rank < 0 ? NO_MERGE : rank;
  };
  for (let i = 0; i < boundaries; i++) {
    starts[i] = i;
    pairRanks[i] = i + 2 < boundaries ? twoByteRanks[(bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1)]! : NO_MERGE;
  }
  for (;;) {
    let at = -1;
    for (let i = 0, lowest = NO_MERGE; i + 2 < boundaries; i++) {
      if (pairRanks[i]! < lowest) {
        lowest = pairRanks[i]!;
        at = i;
      }
    }
    if (at < 0) return boundaries - 1;
    starts.copyWithin(at + 1, at + 2, boundaries);
    pairRanks.copyWithin(at + 1, at + 2, boundaries);
    boundaries--;
    pairRanks[at] = rankAt(at);
    if (at > 0) pairRanks[at - 1] = rankAt(at - 1);
  }
}

/**
 * The same merges in O(n log n) for long pieces (a 100,000-space run takes seconds the other
 * way): boundaries in a linked list, pairs in a min-heap keyed rank × (n + 1) + start, so ties
 * still go to the leftmost pair; pairs that a neighbouring merge changed are skipped.
 */
function longMergedTokenCount(bytes: string, ranks: RankTable): number {
  const n = bytes.length;
  const next = Int32Array.from({ length: n + 1 }, (_, i) => i + 1);
  const prev = Int32Array.from({ length: n + 1 }, (_, i) => i - 1);
  const merged = new Uint8Array(n + 1);
  const heap = new PairHeap();
  const push = (start: number) => {
    if (start < 0 || next[start]! >= n) return;
    const end = next[next[start]!]!;
    const rank = rankOf(ranks, bytes, start, end);
    if (rank >= 0) heap.push(rank * (n + 1) + start, end);
  };
  for (let i = 0; i + 1 < n; i++) push(i);
  let parts = n;
  while (heap.size > 0) {
    const end = heap.topEnd;
    const start = heap.pop() % (n + 1);
    const middle = next[start]!;
    if (merged[start] || middle >= n || next[middle] !== end) continue;
    merged[middle] = 1;
    next[start] = next[middle]!;
    prev[next[middle]!] = start;
    parts--;
    push(start);
    push(prev[start]!);
  }
  return parts;
}

/** A binary min-heap of pair keys, each with the end of its pair. */
class PairHeap {
  private keys: number[] = [];
  private ends: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  get topEnd(): number {
    return this.ends[0]!;
  }

  push(key: number, end: number): void {
    let i = this.keys.length;
    for (let parent = (i - 1) >> 1; i > 0 && this.keys[parent]! > key; i = parent, parent = (i - 1) >> 1) this.move(parent, i);
    this.keys[i] = key;
    this.ends[i] = end;
  }

  pop(): number {
    const top = this.keys[0]!;
    const key = this.keys.pop()!;
    const end = this.ends.pop()!;
    const size = this.keys.length;
    if (size === 0) return top;
    let i = 0;
    for (let child = 1; child < size; i = child, child = 2 * i + 1) {
      if (child + 1 < size && this.keys[child + 1]! < this.keys[child]!) child++;
      if (this.keys[child]! >= key) break;
      this.move(child, i);
    }
    this.keys[i] = key;
    this.ends[i] = end;
    return top;
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from]!;
    this.ends[to] = this.ends[from]!;
  }
}

// ---------------------------------------------------------------------------------------------

const references = new Map<EncodingName, Tiktoken>();

/** js-tiktoken, loaded on first use: the reference the fast path is tested and benchmarked against. */
export function referenceEncoder(encoding: EncodingName): Tiktoken {
  let tiktoken = references.get(encoding);
  if (!tiktoken) {
    const { Tiktoken } = require('js-tiktoken/lite') as typeof import('js-tiktoken/lite');
    references.set(encoding, (tiktoken = new Tiktoken(require(`js-tiktoken/ranks/${encoding}`))));
  }
  return tiktoken;
}

export function countTokensReference(text: string, encoding: EncodingName): number {
  return referenceEncoder(encoding).encode(text, [], []).length;
}
