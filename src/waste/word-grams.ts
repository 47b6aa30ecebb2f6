// Words and word 4-grams as numbers, for the unused_retrieval rule (retrieval-use.ts): `words`
// says what a word is; WordNumbers reads the same words out of a text without making their
// strings, and GramSet holds 4-grams of word numbers, compared exactly.

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

/** Int32s per slot of WordNumbers' table: the word's hash, its number, where its characters start, its length. */
const SLOT = 4;

/**
 * Numbers for words, each as it is first seen: an open-addressing table over a word's
 * characters, gathered as they are read (punctuation inside the word left out), so a word seen
 * before is numbered without being made a string of its own. The words' characters are kept one
 * after another in one array, and each slot says where its word's are: comparing a word reads
 * the slot and that array, both small and close, where a string per word was a read from
 * anywhere in the heap (numbering took twice as long), and a word with punctuation inside was
 * cut out and cleaned with a regex. Numbers start over (a new generation) between answers once
 * MAX_WORDS are held.
 */
export class WordNumbers {
  private slots = new Int32Array(SLOT << 15);
  /** Every word numbered so far, its characters one after another. */
  private chars = new Uint16Array(1 << 16);
  private charsUsed = 0;
  private wordCount = 0;
  /** The word being read, as it is kept. */
  private word = new Uint16Array(256);
  /** Bumped when the numbering starts over: numbers given before then mean nothing now. */
  generation = 0;
  /** The word numbers of the last text read (the first `count` of them). */
  numbers = new Int32Array(1024);
  count = 0;

  /** Before an answer's texts: the numbering starts over here if it is full, never within an answer. */
  startAnswer(): void {
    if (this.wordCount <= MAX_WORDS) return;
    this.slots = new Int32Array(SLOT << 15);
    this.charsUsed = 0;
    this.wordCount = 0;
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
    let hash = 0x811c9dc5;
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
        hash = Math.imul(hash ^ unit, 0x01000193);
        if (low >= 0) {
          word[length++] = low;
          hash = Math.imul(hash ^ low, 0x01000193);
        }
      } else if (kind === CharClass.Space && length > 0) {
        this.push(this.number(length, hash | 1));
        length = 0;
        hash = 0x811c9dc5;
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
    const { slots, word } = this;
    const mask = slots.length / SLOT - 1;
    let slot = hash & mask;
    for (; slots[SLOT * slot] !== 0; slot = (slot + 1) & mask) {
      const at = SLOT * slot;
      if (slots[at] !== hash || slots[at + 3] !== length) continue;
      const from = slots[at + 2]!;
      let i = 0;
      while (i < length && this.chars[from + i] === word[i]) i++;
      if (i === length) return slots[at + 1]!;
    }
    if (this.charsUsed + length > this.chars.length) this.chars = growUnits(this.chars, this.charsUsed + length);
    this.chars.set(word.subarray(0, length), this.charsUsed);
    const number = this.wordCount++;
    const at = SLOT * slot;
    slots[at] = hash;
    slots[at + 1] = number;
    slots[at + 2] = this.charsUsed;
    slots[at + 3] = length;
    this.charsUsed += length;
    if (2 * this.wordCount * SLOT >= slots.length) this.grow();
    return number;
  }

  /** Twice the slots, at most half of them full. */
  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    const mask = this.slots.length / SLOT - 1;
    for (let i = 0; i < old.length; i += SLOT) {
      if (old[i] === 0) continue;
      let slot = old[i]! & mask;
      while (this.slots[SLOT * slot] !== 0) slot = (slot + 1) & mask;
      this.slots.set(old.subarray(i, i + SLOT), SLOT * slot);
    }
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
