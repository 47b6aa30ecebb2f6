// Words and word 4-grams as numbers, for the unused_retrieval rule (retrieval-use.ts): `words`
// says what a word is; WordNumbers reads the same words out of a text without making their
// strings, and GramSet holds 4-grams of word numbers, compared exactly.
import { FNV_OFFSET, fnv, KeyTable } from '../key-table.js';

export const NGRAM = 4;

/** Lower-cased words with punctuation stripped. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, '')
    .split(/\s+/)
    .filter((word) => word !== '');
}

/** Words seen most recently by this process, past which the numbering starts over. */
const MAX_WORDS = 1 << 20;

/** What a character does in `words`: part of a word, a separator (\s), or dropped (\p{P}, \p{S}). */
const enum CharClass {
  Unknown = 0,
  Word = 1,
  Space = 2,
  Dropped = 3,
}

const DROPPED = /^[\p{P}\p{S}]$/u;
const SPACE = /^\s$/;
/** Classes of the BMP code units, looked up with the regexes `words` uses on first sight. */
const unitClasses = new Uint8Array(0x10000);

function classOfUnit(unit: number): CharClass {
  let found = unitClasses[unit]! as CharClass;
  if (found === CharClass.Unknown) {
    // a lone surrogate is a code point of its own to the /u regex: neither punctuation nor space
    const char = String.fromCharCode(unit);
    found = DROPPED.test(char) ? CharClass.Dropped : SPACE.test(char) ? CharClass.Space : CharClass.Word;
    unitClasses[unit] = found;
  }
  return found;
}

export const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
export const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** A copy of `units` with room for at least `size`. */
function growUnits(units: Uint16Array, size: number): Uint16Array<ArrayBuffer> {
  const grown = new Uint16Array(Math.max(2 * units.length, size));
  grown.set(units);
  return grown;
}

/**
 * Numbers for words, each as it is first seen: a word's kept characters (punctuation inside it
 * left out) are gathered into a small buffer as they are read, and looked up in a KeyTable,
 * which keeps every word's characters one after another in one array. So a word seen before is
 * numbered without being made a string of its own: a string per word, read from anywhere in the
 * heap, and a regex to clean a word with punctuation inside, made numbering twice as slow.
 * Numbers start over (a new generation) between answers once MAX_WORDS are held.
 */
export class WordNumbers {
  private readonly table = new KeyTable((size): Uint16Array => new Uint16Array(size));
  /** The word being read, as it is kept. */
  private word = new Uint16Array(256);
  /** Bumped when the numbering starts over: numbers given before then mean nothing now. */
  generation = 0;
  /** The word numbers of the last text read (the first `count` of them). */
  numbers = new Int32Array(1024);
  count = 0;

  /** Before an answer's texts: the numbering starts over here if it is full, never within an answer. */
  startAnswer(): void {
    if (this.table.size <= MAX_WORDS) return;
    this.table.empty();
    this.generation++;
  }

  /**
   * Reads the words of `text` into `numbers`: the text lower-cased, \p{P} and \p{S} dropped, cut
   * at white space (what `words` gives, without making its strings).
   */
  read(text: string): void {
    const lower = text.toLowerCase();
    const end = lower.length;
    this.count = 0;
    // the word's kept units (punctuation and symbols inside it left out), gathered as it is read
    let word = this.word;
    let length = 0;
    let hash = FNV_OFFSET;
    for (let i = 0; i < end; i++) {
      const unit = lower.charCodeAt(i);
      let kind = unitClasses[unit]! as CharClass;
      let low = -1;
      if (isHighSurrogate(unit) && i + 1 < end && isLowSurrogate(lower.charCodeAt(i + 1))) {
        low = lower.charCodeAt(++i);
        kind = DROPPED.test(String.fromCharCode(unit, low)) ? CharClass.Dropped : CharClass.Word;
      } else if (kind === CharClass.Unknown) kind = classOfUnit(unit);
      if (kind === CharClass.Word) {
        if (length + 2 > word.length) word = this.word = growUnits(word, length + 2);
        word[length++] = unit;
        hash = fnv(hash, unit);
        if (low >= 0) {
          word[length++] = low;
          hash = fnv(hash, low);
        }
      } else if (kind === CharClass.Space && length > 0) {
        this.push(this.number(length, hash | 1));
        length = 0;
        hash = FNV_OFFSET;
      }
    }
    if (length > 0) this.push(this.number(length, hash | 1));
  }

  private push(number: number): void {
    if (this.count === this.numbers.length) {
      const grown = new Int32Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    this.numbers[this.count++] = number;
  }

  /** The number of the word held in word[0, length), given one if it has none. */
  private number(length: number, hash: number): number {
    const found = this.table.get(this.word, 0, length, hash);
    if (found >= 0) return found;
    const number = this.table.size;
    this.table.set(this.word, 0, length, hash, number);
    return number;
  }
}

/**
 * A set of word 4-grams, each the four word numbers, compared exactly: open addressing over an
 * Int32Array, emptied for reuse by bumping a stamp rather than clearing it.
 */
export class GramSet {
  private grams = new Int32Array(4 * 1024);
  private stamps = new Int32Array(1024);
  private stamp = 1;
  size = 0;

  /** Empties the set, with room for `expected` 4-grams. */
  clear(expected: number): void {
    this.size = 0;
    if (2 * expected > this.stamps.length) {
      let slots = this.stamps.length;
      while (2 * expected > slots) slots *= 2;
      this.grams = new Int32Array(4 * slots);
      this.stamps = new Int32Array(slots);
      this.stamp = 1;
    } else if (++this.stamp === 0x7fffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
  }

  /** The slot of the 4-gram at numbers[at], or of the empty slot where it would go. */
  private slotOf(numbers: Int32Array, at: number): number {
    const a = numbers[at]!;
    const b = numbers[at + 1]!;
    const c = numbers[at + 2]!;
    const d = numbers[at + 3]!;
    const mask = this.stamps.length - 1;
    const hash = Math.imul(Math.imul(Math.imul(a, 0x9e3779b1) ^ b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35) ^ d, 0x27d4eb2f);
    let slot = (hash ^ (hash >>> 15)) & mask;
    for (; this.stamps[slot] === this.stamp; slot = (slot + 1) & mask) {
      const g = 4 * slot;
      if (this.grams[g] === a && this.grams[g + 1] === b && this.grams[g + 2] === c && this.grams[g + 3] === d) return slot;
    }
    return slot;
  }

  has(numbers: Int32Array, at: number): boolean {
    return this.stamps[this.slotOf(numbers, at)] === this.stamp;
  }

  /** Adds the 4-gram at numbers[at]; false when it was there. */
  add(numbers: Int32Array, at: number): boolean {
    const slot = this.slotOf(numbers, at);
    if (this.stamps[slot] === this.stamp) return false;
    this.stamps[slot] = this.stamp;
    const g = 4 * slot;
    this.grams[g] = numbers[at]!;
    this.grams[g + 1] = numbers[at + 1]!;
    this.grams[g + 2] = numbers[at + 2]!;
    this.grams[g + 3] = numbers[at + 3]!;
    this.size++;
    return true;
  }
}
