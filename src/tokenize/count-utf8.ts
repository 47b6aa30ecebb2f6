// Exact token counts read straight from UTF-8 bytes: the same counts as countTokensByLine on the
// decoded text (tests hold both to js-tiktoken), without decoding the texts into strings. The
// token stage hands its workers texts as UTF-8 (pool.ts), and reading those bytes from a typed
// array is cheaper than reading the characters of the strings they decode to, besides sparing
// the decoding and the strings' garbage.
//
// The scanner is count.ts's hand-compiled pre-tokenizer over byte values: ASCII pre-tokens are
// found byte by byte, and a pre-token that a non-ASCII character starts or may extend is found
// by the encoding's own regex on that stretch of text decoded (regexPretokenEnd). Pre-tokens and
// lines are remembered by their bytes.
import { bytePairCount, countRange, countTokens, fnv, FNV_OFFSET, isSpace, LINE_MEMO_MIN_CHARS, vocabularyOf, type Vocabulary } from './count.js';
import type { EncodingName } from './encodings.js';

/**
 * The tokens of the text whose UTF-8 bytes are `bytes`, all of them (valid UTF-8, as DuckDB's
 * strings are); equal to countTokensByLine of the decoded text.
 */
export function countUtf8ByLine(bytes: Buffer, encoding: EncodingName): number {
  const counter = counterOf(encoding);
  const start = 0;
  const end = bytes.length;
  if (end < LINE_MEMO_MIN_CHARS) return counter.range(bytes, start, end, end);
  let tokens = 0;
  for (let lineStart = start; lineStart < end; ) {
    const lineEnd = nextAdditiveSplit(bytes, lineStart, end);
    const hash = lineHash(bytes, lineStart, lineEnd);
    let lineTokens = counter.lines.get(bytes, lineStart, lineEnd, hash);
    if (lineTokens < 0) {
      lineTokens = counter.range(bytes, lineStart, lineEnd, end);
      // (never so far: the cuts are where no pre-token crosses, which the tests hold them to)
      if (lineTokens < 0) return countTokens(bytes.toString('utf8', start, end), encoding);
      counter.lines.set(bytes, lineStart, lineEnd, hash, lineTokens);
    }
    tokens += lineTokens;
    lineStart = lineEnd;
  }
  return tokens;
}

const counters = new Map<EncodingName, Utf8Counter>();

function counterOf(encoding: EncodingName): Utf8Counter {
  let counter = counters.get(encoding);
  if (!counter) counters.set(encoding, (counter = new Utf8Counter(vocabularyOf(encoding), encoding === 'o200k_base')));
  return counter;
}

/** The byte after `at`, or -1 past the text's end (which fails every test below, as NaN does in count.ts). */
const byteAt = (bytes: Uint8Array, at: number, end: number) => (at < end ? bytes[at]! : -1);

const isUpper = (code: number) => code >= 65 && code <= 90;
const isLower = (code: number) => code >= 97 && code <= 122;
const isLetter = (code: number) => isUpper(code) || isLower(code);
const isDigit = (code: number) => code >= 48 && code <= 57;
const isNewline = (code: number) => code === 10 || code === 13;
/** \t \v \f and space: JavaScript's \s within ASCII, newlines aside. */
const isBlank = (code: number) => code === 32 || (code >= 9 && code <= 12 && code !== 10);
/** Punctuation, symbols and control characters: ASCII that is not a letter, digit or space. */
const isOther = (code: number) => code >= 0 && code < 128 && !isLetter(code) && !isDigit(code) && !isBlank(code) && !isNewline(code);
/** A byte of a non-ASCII character (a lead byte or a continuation byte). */
const isNonAscii = (code: number) => code >= 128;

class Utf8Counter {
  readonly memo = new ByteMemo(200_000, 8_000_000);
  readonly lines = new ByteMemo(500_000, 32_000_000);
  /** The memo hash of the word pre-token lettersEnd just read (as count.ts's scannedHash); 0 otherwise. */
  private scannedHash = 0;

  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly o200k: boolean,
  ) {}

  /**
   * Tokens of the pre-tokens from `start` (where one begins) to `stop`, or -1 when a pre-token
   * runs on past `stop`. The text ends at `end` (≥ stop): a pre-token's end may depend on the
   * character after it.
   */
  range(bytes: Buffer, start: number, stop: number, end: number): number {
    let tokens = 0;
    while (start < stop) {
      let pretokenEnd = this.asciiPretokenEnd(bytes, start, end);
      const ascii = pretokenEnd >= 0;
      if (!ascii) {
        pretokenEnd = this.regexPretokenEnd(bytes, start, stop);
        // the rest of the line, decoded, when no short stretch of it could be (regexPretokenEnd)
        if (pretokenEnd < 0) return this.decodedRange(bytes, start, stop, end, tokens);
      }
      if (pretokenEnd > stop) return -1;
      tokens += pretokenEnd - start === 1 && ascii ? 1 : this.pretokenCount(bytes, start, pretokenEnd);
      start = pretokenEnd;
    }
    return tokens;
  }

  /** count.ts's asciiPretokenEnd over bytes: where the pre-token at `start` ends, or -1 when a non-ASCII character could change that. */
  private asciiPretokenEnd(bytes: Uint8Array, start: number, end: number): number {
    this.scannedHash = 0;
    const first = byteAt(bytes, start, end);
    if (isNonAscii(first)) return -1;
    if (!this.o200k && first === 39 && contractionEnd(bytes, start, end) > start) return contractionEnd(bytes, start, end);
    const lettersStart = isBlank(first) || isOther(first) ? start + 1 : start;
    const letter = byteAt(bytes, lettersStart, end);
    if (isLetter(letter)) return this.lettersEnd(bytes, start, lettersStart, end);
    if (isNonAscii(letter)) return -1;
    if (isDigit(first)) {
      let at = start + 1;
      while (at < start + 3 && isDigit(byteAt(bytes, at, end))) at++;
      return at < start + 3 && isNonAscii(byteAt(bytes, at, end)) ? -1 : at;
    }
    let at = first === 32 ? start + 1 : start;
    if (!isOther(byteAt(bytes, at, end))) return whitespaceEnd(bytes, start, end);
    while (isOther(byteAt(bytes, at, end))) at++;
    if (isNonAscii(byteAt(bytes, at, end))) return -1;
    for (let code = byteAt(bytes, at, end); isNewline(code) || (this.o200k && code === 47); code = byteAt(bytes, ++at, end));
    return at;
  }

  /** count.ts's lettersEnd over bytes; sets scannedHash. */
  private lettersEnd(bytes: Uint8Array, start: number, lettersStart: number, end: number): number {
    let hash = lettersStart > start ? fnv(FNV_OFFSET, bytes[start]!) : FNV_OFFSET;
    let at = lettersStart;
    let code = byteAt(bytes, at, end);
    if (this.o200k) {
      for (; isUpper(code); code = byteAt(bytes, ++at, end)) hash = fnv(hash, code);
      for (; isLower(code); code = byteAt(bytes, ++at, end)) hash = fnv(hash, code);
    } else {
      for (; isLetter(code); code = byteAt(bytes, ++at, end)) hash = fnv(hash, code);
    }
    if (isNonAscii(code)) return -1;
    const contraction = this.o200k ? contractionEnd(bytes, at, end) : at;
    for (; at < contraction; at++) hash = fnv(hash, bytes[at]!);
    this.scannedHash = hash | 1;
    return at;
  }

  /**
   * Where the pre-token at `start` ends by the encoding's regex, run on the text decoded from
   * `start` through the next place where no pre-token can cross nor look past: an ASCII space
   * after an ASCII character that is not white space (a pre-token reaching it would have to hold
   * both, and none can). -1 when there is no such place within MAX_STRETCH bytes before `stop`:
   * decoding on to a place further off for every pre-token would take time quadratic in the
   * line (Chinese or Japanese without spaces), so the caller counts the rest of the line as text.
   */
  private regexPretokenEnd(bytes: Buffer, start: number, stop: number): number {
    const limit = Math.min(stop, start + MAX_STRETCH);
    for (let at = start + 1; at < limit; at++) {
      if (bytes[at] !== 32) continue;
      const before = bytes[at - 1]!;
      if (before >= 128 || isBlank(before) || isNewline(before)) continue;
      const text = bytes.toString('utf8', start, at + 1);
      const pretokenizer = this.vocabulary.pretokenizer;
      pretokenizer.lastIndex = 0;
      return start + utf8Length(bytes, start, pretokenizer.exec(text)![0].length);
    }
    return -1;
  }

  /** The tokens from `start` to `stop` counted on the decoded text (count.ts), added to `tokens`; -1 as range. */
  private decodedRange(bytes: Buffer, start: number, stop: number, end: number, tokens: number): number {
    const text = bytes.toString('utf8', start, stop);
    // with the character after `stop`, which a pre-token's end may depend on
    const following = stop < end ? bytes.toString('utf8', stop, stop + utf8CharLength(bytes[stop]!)) : '';
    const rest = countRange(text + following, 0, text.length, this.vocabulary, this.o200k);
    return rest < 0 ? -1 : tokens + rest;
  }

  /** The tokens of the pre-token bytes[start, end). */
  private pretokenCount(bytes: Buffer, start: number, end: number): number {
    const hash = this.scannedHash !== 0 ? this.scannedHash : ByteMemo.hash(bytes, start, end);
    let tokens = this.memo.get(bytes, start, end, hash);
    if (tokens < 0) {
      tokens = bytePairCount(bytes.toString('latin1', start, end), this.vocabulary);
      this.memo.set(bytes, start, end, hash, tokens);
    }
    return tokens;
  }
}

/** At most the bytes decoded for one pre-token the regex has to find. */
const MAX_STRETCH = 256;

/** The UTF-8 bytes from `start` that hold `units` UTF-16 code units. */
function utf8Length(bytes: Uint8Array, start: number, units: number): number {
  let at = start;
  for (let unit = 0; unit < units; ) {
    const lead = bytes[at]!;
    at += utf8CharLength(lead);
    unit += lead >= 0xf0 ? 2 : 1;
  }
  return at - start;
}

function utf8CharLength(lead: number): number {
  return lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

/** The end of `'s`, `'ll`, `'VE`… at `index`, or `index` when there is none. */
function contractionEnd(bytes: Uint8Array, index: number, end: number): number {
  if (byteAt(bytes, index, end) !== 39) return index;
  const first = byteAt(bytes, index + 1, end) | 32;
  if (first === 115 || first === 116 || first === 109 || first === 100) return index + 2;
  const second = byteAt(bytes, index + 2, end) | 32;
  const pair = (first === 108 && second === 108) || (first === 118 && second === 101) || (first === 114 && second === 101);
  return pair ? index + 3 : index;
}

/** White space: through its last newline, else all but the last blank when a non-blank follows. */
function whitespaceEnd(bytes: Uint8Array, start: number, end: number): number {
  let at = start;
  let newlineEnd = -1;
  for (let code = byteAt(bytes, at, end); isBlank(code) || isNewline(code); code = byteAt(bytes, ++at, end)) {
    if (isNewline(code)) newlineEnd = at + 1;
  }
  if (isNonAscii(byteAt(bytes, at, end))) return -1;
  if (newlineEnd >= 0) return newlineEnd;
  return at === end || at - start === 1 ? at : at - 1;
}

/** count.ts's nextAdditiveSplit over bytes (the whole text): after a newline, before a character that is neither white space nor "/". */
function nextAdditiveSplit(bytes: Buffer, from: number, end: number): number {
  for (let at = bytes.indexOf(10, from); at >= 0 && at + 1 < end; at = bytes.indexOf(10, at + 1)) {
    const next = bytes[at + 1]!;
    if (next < 128 ? next !== 47 && !isSpace(next) : !isSpace(codePointAt(bytes, at + 1))) return at + 1;
  }
  return end;
}

/** The code point of the UTF-8 character at `at` (a four-byte one as any astral code point: none is white space). */
function codePointAt(bytes: Uint8Array, at: number): number {
  const lead = bytes[at]!;
  if (lead < 0xe0) return ((lead & 0x1f) << 6) | (bytes[at + 1]! & 0x3f);
  if (lead < 0xf0) return ((lead & 0x0f) << 12) | ((bytes[at + 1]! & 0x3f) << 6) | (bytes[at + 2]! & 0x3f);
  return 0x10000;
}

/** count.ts's lineHash over bytes: the length and at most 32 bytes spread over the line. */
function lineHash(bytes: Uint8Array, start: number, end: number): number {
  const step = Math.max(1, (end - start) >>> 5);
  let hash = fnv(FNV_OFFSET, end - start);
  for (let at = start; at < end; at += step) hash = fnv(hash, bytes[at]!);
  return hash | 1;
}

const INITIAL_SLOTS = 1 << 12;

/**
 * Counts of byte strings seen before (pre-tokens, lines), found by their place in the bytes
 * being read, so a hit allocates nothing. Open addressing over slots of four numbers (hash, the
 * key's start in `keys`, its length, its count), so a probe reads one place; the keys' bytes are
 * kept one after another in one buffer. Emptied when full: any count is cheap to make again.
 */
class ByteMemo {
  private slots = new Int32Array(4 * INITIAL_SLOTS);
  private keys = new Uint8Array(64 * 1024);
  private keysUsed = 0;
  private size = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  /** FNV-1a over the bytes, odd so that 0 can mark an empty slot. */
  static hash(bytes: Uint8Array, start: number, end: number): number {
    let hash = FNV_OFFSET;
    for (let at = start; at < end; at++) hash = fnv(hash, bytes[at]!);
    return hash | 1;
  }

  /** The count of bytes[start, end), or -1 when they have not been seen. */
  get(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const keys = this.keys;
    const mask = (slots.length >>> 2) - 1;
    const length = end - start;
    for (let slot = 4 * (hash & mask); slots[slot] !== 0; slot = 4 * (((slot >>> 2) + 1) & mask)) {
      if (slots[slot] !== hash || slots[slot + 2] !== length) continue;
      const keyStart = slots[slot + 1]!;
      let i = 0;
      while (i < length && keys[keyStart + i] === bytes[start + i]) i++;
      if (i === length) return slots[slot + 3]!;
    }
    return -1;
  }

  set(bytes: Uint8Array, start: number, end: number, hash: number, count: number): void {
    const length = end - start;
    if (this.size >= this.maxEntries || this.keysUsed + length > this.maxBytes) this.empty();
    else if (4 * this.size >= this.slots.length >>> 2) this.grow();
    if (this.keysUsed + length > this.keys.length) {
      const grown = new Uint8Array(Math.max(2 * this.keys.length, this.keysUsed + length));
      grown.set(this.keys.subarray(0, this.keysUsed));
      this.keys = grown;
    }
    this.keys.set(bytes.subarray(start, end), this.keysUsed);
    this.place(this.slots, hash, this.keysUsed, length, count);
    this.keysUsed += length;
    this.size++;
  }

  private place(slots: Int32Array, hash: number, keyStart: number, length: number, count: number): void {
    const mask = (slots.length >>> 2) - 1;
    let slot = 4 * (hash & mask);
    while (slots[slot] !== 0) slot = 4 * (((slot >>> 2) + 1) & mask);
    slots[slot] = hash;
    slots[slot + 1] = keyStart;
    slots[slot + 2] = length;
    slots[slot + 3] = count;
  }

  /** Twice the slots, the entries placed again. */
  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * old.length);
    for (let i = 0; i < old.length; i += 4) if (old[i] !== 0) this.place(this.slots, old[i]!, old[i + 1]!, old[i + 2]!, old[i + 3]!);
  }

  private empty(): void {
    this.slots = new Int32Array(4 * INITIAL_SLOTS);
    this.keysUsed = 0;
    this.size = 0;
  }
}
