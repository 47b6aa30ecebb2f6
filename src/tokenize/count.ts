// Exact token counts for o200k_base and cl100k_base: always equal to js-tiktoken's
// `encode(text, [], []).length` (tests hold it to that), 5-15× as fast on one core
// (bench/tokenizer-micro.mjs: 5-7× on texts not seen before, 14-15× on repeats).
//
// A text is cut into pre-tokens by a hand-compiled copy of the encoding's regex while it reads
// ASCII, and by the regex itself around anything else. A pre-token's count comes from a memo,
// else from the vocabulary (one token), else from tiktoken's byte-pair merge over gpt-tokenizer's
// rank tables. Special-token text (`<|endoftext|>`) is ordinary text: logs are data.
import { createRequire } from 'node:module';
import type { Tiktoken } from 'js-tiktoken/lite';
import type { EncodingName } from './encodings.js';

const require = createRequire(import.meta.url);

/** The number of tokens of `text`; never throws. Loads the encoding's vocabulary on first use. */
export function countTokens(text: string, encoding: EncodingName, specialTokens: 'as-text' | 'as-special' = 'as-text'): number {
  // Special-token text as the special token itself (tiktoken's allowed_special="all"): only
  // for checking vectors made that way, so the reference does it.
  if (specialTokens === 'as-special') return referenceEncoder(encoding).encode(text, 'all', []).length;
  return countRange(text, 0, text.length, vocabularyOf(encoding), encoding === 'o200k_base');
}

/**
 * Tokens of the pre-tokens of `text` from `start` (where one begins) to `stop`, or -1 when a
 * pre-token runs on past `stop`: it was no place where counts add up.
 */
export function countRange(text: string, start: number, stop: number, vocabulary: Vocabulary, o200k: boolean): number {
  let tokens = 0;
  while (start < stop) {
    let end = asciiPretokenEnd(text, start, o200k);
    const ascii = end >= 0;
    if (!ascii) {
      vocabulary.pretokenizer.lastIndex = start;
      end = start + vocabulary.pretokenizer.exec(text)![0].length;
    }
    if (end > stop) return -1;
    tokens += end - start === 1 && ascii ? 1 : pretokenCount(text, start, end, ascii, scannedHash, vocabulary);
    start = end;
  }
  return tokens;
}

/**
 * Split points where counts add up exactly: after a newline, before a character that is
 * neither white space nor "/". No pre-token of either encoding crosses one ("\n\n" is not such
 * a point: o200k runs punctuation on through the newlines and slashes after it), so the pieces'
 * counts add up to the text's. countTokensByLine cuts at the same points (nextAdditiveSplit)
 * without slicing the text.
 */
export function splitAdditive(text: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; ) {
    const end = nextAdditiveSplit(text, start);
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces.length > 0 ? pieces : [text];
}

/** JavaScript's \s (what the pre-token patterns mean by white space). */
export function isSpace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/** The next split point after `from` (see splitAdditive), or the text's length. */
function nextAdditiveSplit(text: string, from: number): number {
  for (let newline = text.indexOf('\n', from); newline >= 0; newline = text.indexOf('\n', newline + 1)) {
    const next = text.charCodeAt(newline + 1);
    if (newline + 1 < text.length && next !== 47 && !isSpace(next)) return newline + 1;
  }
  return text.length;
}

/** Texts this long or longer are counted a line (splitAdditive's cut) at a time, through the line memo. */
export const LINE_MEMO_MIN_CHARS = 256;

/**
 * countTokens for many texts that share lines (the token stage's): a long text's count is the
 * sum of its lines', each line counted once while the line memo holds it. Distinct texts still
 * share lines: the whole user message holds the chunks also counted on their own, and prompts
 * and documents repeat their boilerplate (a 200k-request log's distinct texts are 655 MB, their
 * distinct lines 392 MB). Always equal to countTokens.
 */
export function countTokensByLine(text: string, encoding: EncodingName): number {
  if (text.length < LINE_MEMO_MIN_CHARS) return countTokens(text, encoding);
  const vocabulary = vocabularyOf(encoding);
  const o200k = encoding === 'o200k_base';
  let tokens = 0;
  for (let start = 0; start < text.length; ) {
    const end = nextAdditiveSplit(text, start);
    const hash = lineHash(text, start, end);
    let lineTokens = vocabulary.lines.get(text, start, end, hash);
    if (lineTokens < 0) {
      lineTokens = countRange(text, start, end, vocabulary, o200k);
      // (never so far: the cuts are where no pre-token crosses, which the tests hold them to)
      if (lineTokens < 0) return countTokens(text, encoding);
      vocabulary.lines.set(copyOf(text.slice(start, end)), hash, lineTokens);
    }
    tokens += lineTokens;
    start = end;
  }
  return tokens;
}

export const FNV_OFFSET = 0x811c9dc5;
/** One step of FNV-1a. */
export const fnv = (hash: number, code: number) => Math.imul(hash ^ code, 0x01000193);

/**
 * A line's memo hash, from its length and at most 32 of its characters spread over it: hashing
 * every character cost more than it saved, and the memo compares a line whole anyway.
 */
function lineHash(text: string, start: number, end: number): number {
  const step = Math.max(1, (end - start) >>> 5);
  let hash = fnv(FNV_OFFSET, end - start);
  for (let i = start; i < end; i += step) hash = fnv(hash, text.charCodeAt(i));
  return hash | 1;
}

/** A slice of a text as a string of its own: a slice can keep its whole text alive. */
function copyOf(piece: string): string {
  return piece.length < 13 ? piece : (' ' + piece).slice(1);
}

/**
 * Tokens OpenAI's chat format adds to a gpt-3.5-turbo-0613+, gpt-4 or gpt-4o (and later)
 * prompt besides the texts: 3 per message ("every message follows <|start|>{role/name}\n
 * {content}<|end|>\n"), 1 more per message with a `name`, and 3 priming the reply
 * ("<|start|>assistant<|message|>"). The role and name strings are counted as text on top.
 * Source: OpenAI cookbook, "How to count tokens with tiktoken", num_tokens_from_messages
 * (github.com/openai/openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb);
 * gpt-3.5-turbo-0301's older format (4 per message, −1 per name) is not modelled.
 */
export function chatOverheadTokens(messageCount: number, nameCount: number): number {
  return 3 * messageCount + nameCount + 3;
}

// ---------------------------------------------------------------------------------------------
// Pre-tokens. The regexes are js-tiktoken's `pat_str` (a test checks they still are).

const CONTRACTION = "('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)";
const UPPER = '[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]';
const LOWER = '[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]';
const PREFIX = '[^\\r\\n\\p{L}\\p{N}]?';
export const PRETOKENIZER_PATTERNS: Record<EncodingName, string> = {
  o200k_base: `${PREFIX}${UPPER}*${LOWER}+${CONTRACTION}?|${PREFIX}${UPPER}+${LOWER}*${CONTRACTION}?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`,
  cl100k_base: `${CONTRACTION}|${PREFIX}\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`,
};

// Tests on UTF-16 codes. Past the end of the text charCodeAt gives NaN, which fails them all.
const isUpper = (code: number) => code >= 65 && code <= 90;
const isLower = (code: number) => code >= 97 && code <= 122;
const isLetter = (code: number) => isUpper(code) || isLower(code);
const isDigit = (code: number) => code >= 48 && code <= 57;
const isNewline = (code: number) => code === 10 || code === 13;
/** \t \v \f and space: JavaScript's \s within ASCII, newlines aside. */
const isBlank = (code: number) => code === 32 || (code >= 9 && code <= 12 && code !== 10);
/** Punctuation, symbols and control characters: ASCII that is not a letter, digit or space. */
const isOther = (code: number) => code < 128 && !isLetter(code) && !isDigit(code) && !isBlank(code) && !isNewline(code);
const isNonAscii = (code: number) => code >= 128;

/**
 * The FNV-1a hash (PretokenMemo.hash) of the word pre-token asciiPretokenEnd just found, taken
 * as it read the characters; 0 after any other kind of pre-token, and after one it could not
 * end (-1: the regex finds that one). Most pre-tokens are words, and reading them a second time
 * to hash them was a tenth of the counting.
 */
let scannedHash = 0;

/**
 * Where the pre-token starting at `start` ends, or -1 when a non-ASCII character could change
 * that. Tries the pattern's alternatives in order; in ASCII upper and lower case are disjoint,
 * so the regex never has a second way to match that backtracking could find.
 */
function asciiPretokenEnd(text: string, start: number, o200k: boolean): number {
  scannedHash = 0;
  const first = text.charCodeAt(start);
  if (isNonAscii(first)) return -1;
  if (!o200k && first === 39 && contractionEnd(text, start) > start) return contractionEnd(text, start);
  const lettersStart = isBlank(first) || isOther(first) ? start + 1 : start;
  const letter = text.charCodeAt(lettersStart);
  if (isLetter(letter)) return lettersEnd(text, start, lettersStart, o200k);
  if (isNonAscii(letter)) return -1;
  if (isDigit(first)) {
    let end = start + 1;
    while (end < start + 3 && isDigit(text.charCodeAt(end))) end++;
    return end < start + 3 && isNonAscii(text.charCodeAt(end)) ? -1 : end;
  }
  let end = first === 32 ? start + 1 : start;
  if (!isOther(text.charCodeAt(end))) return whitespaceEnd(text, start);
  while (isOther(text.charCodeAt(end))) end++;
  if (isNonAscii(text.charCodeAt(end))) return -1;
  for (let code = text.charCodeAt(end); isNewline(code) || (o200k && code === 47); code = text.charCodeAt(++end));
  return end;
}

/**
 * The end of the word pre-token at `start` whose letters begin at `lettersStart`: o200k, upper*
 * lower+ or upper+ lower*, then a contraction; cl100k, letters of any case. Sets scannedHash.
 */
function lettersEnd(text: string, start: number, lettersStart: number, o200k: boolean): number {
  let hash = lettersStart > start ? fnv(FNV_OFFSET, text.charCodeAt(start)) : FNV_OFFSET;
  let end = lettersStart;
  let code = text.charCodeAt(end);
  if (o200k) {
    for (; isUpper(code); code = text.charCodeAt(++end)) hash = fnv(hash, code);
    for (; isLower(code); code = text.charCodeAt(++end)) hash = fnv(hash, code);
  } else {
    for (; isLetter(code); code = text.charCodeAt(++end)) hash = fnv(hash, code);
  }
  if (isNonAscii(code)) return -1;
  const contraction = o200k ? contractionEnd(text, end) : end;
  for (; end < contraction; end++) hash = fnv(hash, text.charCodeAt(end));
  scannedHash = hash | 1;
  return end;
}

/** The end of `'s`, `'ll`, `'VE`… at `index`, or `index` when there is none. */
function contractionEnd(text: string, index: number): number {
  if (text.charCodeAt(index) !== 39) return index;
  const first = text.charCodeAt(index + 1) | 32;
  if (first === 115 || first === 116 || first === 109 || first === 100) return index + 2;
  const second = text.charCodeAt(index + 2) | 32;
  const pair = (first === 108 && second === 108) || (first === 118 && second === 101) || (first === 114 && second === 101);
  return pair ? index + 3 : index;
}

/** White space: through its last newline, else all but the last blank when a non-blank follows. */
function whitespaceEnd(text: string, start: number): number {
  let end = start;
  let newlineEnd = -1;
  for (let code = text.charCodeAt(end); isBlank(code) || isNewline(code); code = text.charCodeAt(++end)) {
    if (isNewline(code)) newlineEnd = end + 1;
  }
  if (isNonAscii(text.charCodeAt(end))) return -1;
  if (newlineEnd >= 0) return newlineEnd;
  return end === text.length || end - start === 1 ? end : end - 1;
}

// ---------------------------------------------------------------------------------------------
// Vocabularies, the memo and the byte-pair merge.

export interface Vocabulary {
  /** The rank of every token, keyed by its bytes as a latin1 string (one char per byte). */
  ranks: Map<string, number>;
  /** The rank of every two-byte token at (first byte << 8 | second byte); NO_MERGE elsewhere. */
  pairRanks: Int32Array;
  /** Sticky: matches the one pre-token at `lastIndex`. */
  pretokenizer: RegExp;
  memo: PretokenMemo;
  /** Counts of whole lines (countTokensByLine). */
  lines: PretokenMemo;
}

const NO_MERGE = 0x7fffffff;
const vocabularies = new Map<EncodingName, Vocabulary>();

export function vocabularyOf(encoding: EncodingName): Vocabulary {
  const loaded = vocabularies.get(encoding);
  if (loaded) return loaded;
  const path = require.resolve(`gpt-tokenizer/cjs/bpeRanks/${encoding}`);
  const table = (require(path) as { default: (string | number[])[] }).default;
  delete require.cache[path];
  const ranks = new Map<string, number>();
  const pairRanks = new Int32Array(1 << 16).fill(NO_MERGE);
  table.forEach((token, rank) => {
    const bytes = typeof token === 'string' ? latin1Bytes(token) : String.fromCharCode(...token);
    ranks.set(bytes, rank);
    if (bytes.length === 2) pairRanks[(bytes.charCodeAt(0) << 8) | bytes.charCodeAt(1)] = rank;
  });
  const vocabulary = { ranks, pairRanks, pretokenizer: new RegExp(PRETOKENIZER_PATTERNS[encoding], 'uy'), memo: new PretokenMemo(MEMO_MAX_ENTRIES, MEMO_MAX_CHARS), lines: new PretokenMemo(LINE_MEMO_MAX_ENTRIES, LINE_MEMO_MAX_CHARS) };
  vocabularies.set(encoding, vocabulary);
  return vocabulary;
}

/** UTF-8 bytes, one char each (ASCII text is its own byte string). */
function latin1Bytes(text: string): string {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 128) return Buffer.from(text, 'utf8').toString('latin1');
  return text;
}

/** The count of the pre-token text[start, end), whose memo hash is `scanned` unless that is 0. */
function pretokenCount(text: string, start: number, end: number, ascii: boolean, scanned: number, vocabulary: Vocabulary): number {
  const hash = scanned !== 0 ? scanned : PretokenMemo.hash(text, start, end);
  let tokens = vocabulary.memo.get(text, start, end, hash);
  if (tokens >= 0) return tokens;
  const piece = text.slice(start, end);
  tokens = bytePairCount(ascii ? piece : latin1Bytes(piece), vocabulary);
  vocabulary.memo.set(copyOf(piece), hash, tokens);
  return tokens;
}

/** The tokens of one pre-token, given as its UTF-8 bytes one char each: one when the vocabulary has it, else tiktoken's merge. */
export function bytePairCount(bytes: string, vocabulary: Vocabulary): number {
  if (vocabulary.ranks.has(bytes)) return 1;
  return bytes.length < LONG_PIECE_BYTES ? mergedTokenCount(bytes, vocabulary) : longMergedTokenCount(bytes, vocabulary.ranks);
}

const MEMO_MAX_ENTRIES = 200_000;
const MEMO_MAX_CHARS = 8_000_000;
const LINE_MEMO_MAX_ENTRIES = 500_000;
const LINE_MEMO_MAX_CHARS = 32_000_000;
const MEMO_INITIAL_SLOTS = 1 << 12;

/**
 * Counts of pre-tokens seen before, found by their place in the text, so a hit allocates
 * nothing (a Map would want each piece sliced out and hashed). Open addressing over (hash,
 * entry) pairs; emptied when full, since any count is cheap to make again.
 */
class PretokenMemo {
  private slots = new Int32Array(2 * MEMO_INITIAL_SLOTS);
  private keys: string[] = [];
  private counts: number[] = [];
  private chars = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  /** FNV-1a over UTF-16 codes, odd so that 0 can mark an empty slot. */
  static hash(text: string, start: number, end: number): number {
    let hash = FNV_OFFSET;
    for (let i = start; i < end; i++) hash = fnv(hash, text.charCodeAt(i));
    return hash | 1;
  }

  /** The count of text[start, end), or -1 when it has not been seen. */
  get(text: string, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    for (let slot = hash & mask; slots[2 * slot] !== 0; slot = (slot + 1) & mask) {
      if (slots[2 * slot] !== hash) continue;
      const entry = slots[2 * slot + 1]!;
      const key = this.keys[entry]!;
      if (key.length !== end - start) continue;
      let i = 0;
      while (i < key.length && key.charCodeAt(i) === text.charCodeAt(start + i)) i++;
      if (i === key.length) return this.counts[entry]!;
    }
    return -1;
  }

  set(key: string, hash: number, count: number): void {
    if (this.keys.length >= this.maxEntries || this.chars >= this.maxChars) this.resize(MEMO_INITIAL_SLOTS, true);
    else if (4 * this.keys.length >= this.slots.length) this.resize(this.slots.length, false);
    this.place(hash, this.keys.length);
    this.keys.push(key);
    this.counts.push(count);
    this.chars += key.length;
  }

  private place(hash: number, entry: number): void {
    const mask = (this.slots.length >>> 1) - 1;
    let slot = hash & mask;
    while (this.slots[2 * slot] !== 0) slot = (slot + 1) & mask;
    this.slots[2 * slot] = hash;
    this.slots[2 * slot + 1] = entry;
  }

  private resize(slotCount: number, empty: boolean): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * slotCount);
    if (empty) {
      this.keys = [];
      this.counts = [];
      this.chars = 0;
    } else {
      for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.place(old[i]!, old[i + 1]!);
    }
  }
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
  const rankAt = (i: number) => (i + 2 < boundaries ? (ranks.get(bytes.slice(starts[i]!, starts[i + 2]!)) ?? NO_MERGE) : NO_MERGE);
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
function longMergedTokenCount(bytes: string, ranks: Map<string, number>): number {
  const n = bytes.length;
  const next = Int32Array.from({ length: n + 1 }, (_, i) => i + 1);
  const prev = Int32Array.from({ length: n + 1 }, (_, i) => i - 1);
  const merged = new Uint8Array(n + 1);
  const heap = new PairHeap();
  const push = (start: number) => {
    if (start < 0 || next[start]! >= n) return;
    const end = next[next[start]!]!;
    const rank = ranks.get(bytes.slice(start, end));
    if (rank !== undefined) heap.push(rank * (n + 1) + start, end);
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
function referenceEncoder(encoding: EncodingName): Tiktoken {
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
