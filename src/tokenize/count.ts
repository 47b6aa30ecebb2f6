// Exact token counts for o200k_base and cl100k_base: always equal to js-tiktoken's
// `encode(text, [], []).length` (tests hold it to that), several times as fast on one core
// (bench/tokenizer-micro.mjs).
//
// A text is counted as its UTF-8 bytes: the token workers get them straight from DuckDB, and
// reading bytes from a typed array is cheaper than reading the characters of the strings they
// would decode to. The text is cut into pre-tokens by a hand-compiled copy of the encoding's
// regex while it reads ASCII, and by the regex itself, on a short stretch of decoded text, around
// anything else. A pre-token's count comes from a memo, else from the vocabulary (one token),
// else from tiktoken's byte-pair merge (bpe.ts). A long text is counted a line at a time, cut
// only where no pre-token crosses, and a line seen before is counted from the line memo.
// Special-token text (`<|endoftext|>`) is ordinary text: logs are data.
import { bytePairCount, countTokensReference, PRETOKENIZER_PATTERNS, referenceEncoder, vocabularyOf, type Vocabulary } from './bpe.js';
import type { EncodingName } from './encodings.js';
import { FNV_OFFSET, fnv, KeyTable } from '../key-table.js';

export { countTokensReference, PRETOKENIZER_PATTERNS };

/** The number of tokens of `text`; never throws. Loads the encoding's vocabulary on first use. */
export function countTokens(text: string, encoding: EncodingName, specialTokens: 'as-text' | 'as-special' = 'as-text'): number {
  // Special-token text as the special token itself (tiktoken's allowed_special="all"): only
  // for checking vectors made that way, so the reference does it.
  if (specialTokens === 'as-special') return referenceEncoder(encoding).encode(text, 'all', []).length;
  return countUtf8(Buffer.from(text, 'utf8'), encoding);
}

/** Texts this long or longer are counted a line (splitAdditive's cut) at a time, through the line memo. */
const LINE_MEMO_MIN_BYTES = 256;

/**
 * The tokens of the text whose UTF-8 bytes are `bytes`, all of them (valid UTF-8, as DuckDB's
 * strings are; a string's lone surrogates become U+FFFD, as they do for js-tiktoken). A long
 * text's count is the sum of its lines', each line counted once while the line memo holds it:
 * distinct texts still share lines (the whole user message holds the chunks also counted on
 * their own; prompts repeat their boilerplate).
 */
export function countUtf8(bytes: Buffer, encoding: EncodingName): number {
  const counter = counterOf(encoding);
  const end = bytes.length;
  if (end < LINE_MEMO_MIN_BYTES) return counter.range(bytes, 0, end, end);
  let tokens = 0;
  for (let lineStart = 0; lineStart < end; ) {
    const lineEnd = nextAdditiveSplit(bytes, lineStart, end);
    const hash = lineHash(bytes, lineStart, lineEnd);
    let lineTokens = counter.lines.get(bytes, lineStart, lineEnd, hash);
    if (lineTokens < 0) {
      lineTokens = counter.range(bytes, lineStart, lineEnd, end);
      // (never so far: the cuts are where no pre-token crosses, which the tests hold them to)
      if (lineTokens < 0) return counter.range(bytes, 0, end, end);
      counter.lines.set(bytes, lineStart, lineEnd, hash, lineTokens);
    }
    tokens += lineTokens;
    lineStart = lineEnd;
  }
  return tokens;
}

/**
 * The text cut where counts add up exactly: after a newline, before a character that is neither
 * white space nor "/". No pre-token of either encoding crosses one ("\n\n" is not such a point:
 * o200k runs punctuation on through the newlines and slashes after it), so the pieces' counts add
 * up to the text's. countUtf8 cuts long texts there (nextAdditiveSplit).
 */
export function splitAdditive(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const pieces: string[] = [];
  for (let start = 0; start < bytes.length; ) {
    const end = nextAdditiveSplit(bytes, start, bytes.length);
    pieces.push(bytes.toString('utf8', start, end));
    start = end;
  }
  return pieces.length > 0 ? pieces : [text];
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
// Pre-tokens, read from bytes.

/** JavaScript's \s (what the pre-token patterns mean by white space). */
function isSpace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

const counters = new Map<EncodingName, Utf8Counter>();
const newBytes = (size: number): Uint8Array => new Uint8Array(size);

function counterOf(encoding: EncodingName): Utf8Counter {
  let counter = counters.get(encoding);
  if (!counter) counters.set(encoding, (counter = new Utf8Counter(vocabularyOf(encoding), encoding === 'o200k_base')));
  return counter;
}

/** The byte at `at`, or -1 past the text's end, which fails every test below. */
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
  /** Counts of pre-tokens seen before. */
  readonly memo = new KeyTable(newBytes, 200_000, 8_000_000);
  /** Counts of whole lines (countUtf8). */
  readonly lines = new KeyTable(newBytes, 500_000, 32_000_000);
  /**
   * The memo hash of the word pre-token lettersEnd just found, taken as it read the bytes; 0
   * after any other kind of pre-token. Most pre-tokens are words, and reading them a second time
   * to hash them was a tenth of the counting.
   */
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

  /**
   * Where the pre-token starting at `start` ends, or -1 when a non-ASCII character could change
   * that. Tries the pattern's alternatives in order; in ASCII upper and lower case are disjoint,
   * so the regex never has a second way to match that backtracking could find.
   */
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

  /**
   * The end of the word pre-token at `start` whose letters begin at `lettersStart`: o200k, upper*
   * lower+ or upper+ lower*, then a contraction; cl100k, letters of any case. Sets scannedHash.
   */
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
   * line (Chinese or Japanese without spaces), so the caller decodes the rest of the line once
   * (decodedRange).
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

  /**
   * The tokens from `start` to `stop` added to `tokens` (-1 as range), the pre-tokens found by
   * the regex alone on that stretch decoded once, with the character after `stop` that a
   * pre-token's end may depend on.
   */
  private decodedRange(bytes: Buffer, start: number, stop: number, end: number, tokens: number): number {
    this.scannedHash = 0;
    const text = bytes.toString('utf8', start, stop < end ? stop + utf8CharLength(bytes[stop]!) : stop);
    const pretokenizer = this.vocabulary.pretokenizer;
    for (let at = 0; start < stop; ) {
      pretokenizer.lastIndex = at;
      const units = pretokenizer.exec(text)![0].length;
      const pretokenEnd = start + utf8Length(bytes, start, units);
      if (pretokenEnd > stop) return -1;
      tokens += this.pretokenCount(bytes, start, pretokenEnd);
      start = pretokenEnd;
      at += units;
    }
    return tokens;
  }

  /** The tokens of the pre-token bytes[start, end). */
  private pretokenCount(bytes: Buffer, start: number, end: number): number {
    const hash = this.scannedHash !== 0 ? this.scannedHash : KeyTable.hash(bytes, start, end);
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

/** The next place after `from` where counts add up (see splitAdditive), or `end`. */
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

/**
 * A line's memo hash, from its length and at most 32 of its bytes spread over it: hashing every
 * byte cost more than it saved, and the memo compares a line whole anyway.
 */
function lineHash(bytes: Uint8Array, start: number, end: number): number {
  const step = Math.max(1, (end - start) >>> 5);
  let hash = fnv(FNV_OFFSET, end - start);
  for (let at = start; at < end; at += step) hash = fnv(hash, bytes[at]!);
  return hash | 1;
}
