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
const DROPPED_RUNS = /[\p{P}\p{S}]+/gu;
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

/**
 * Numbers for words, each as it is first seen: an open-addressing table over a word's
 * characters, found by its place in the text, so a word seen before is numbered without being
 * cut out of the text as a string of its own. Numbers start over (a new generation) between
 * answers once MAX_WORDS are held.
 */
export class WordNumbers {
  private slots = new Int32Array(1 << 16);
  private words: string[] = [];
  /** Bumped when the numbering starts over: numbers given before then mean nothing now. */
  generation = 0;
  /** The word numbers of the last text read (the first `count` of them). */
  numbers = new Int32Array(1024);
  count = 0;

  /** Before an answer's texts: the numbering starts over here if it is full, never within an answer. */
  startAnswer(): void {
    if (this.words.length <= MAX_WORDS) return;
    this.slots = new Int32Array(1 << 16);
    this.words = [];
    this.generation++;
  }

  /**
   * Reads the words of `text` into `numbers`: the text lower-cased, \p{P} and \p{S} dropped, cut
   * at white space (what `words` gives, without making its strings).
   */
  read(text: string): void {
    const lower = text.toLowerCase();
    this.count = 0;
    let start = -1;
    let end = -1;
    let hash = 0x811c9dc5;
    let contiguous = true;
    let droppedSinceKept = false;
    for (let i = 0; i <= lower.length; ) {
      const unit = lower.charCodeAt(i);
      let width = 1;
      let kind: CharClass;
      if (i === lower.length) kind = CharClass.Space;
      else if (isHighSurrogate(unit) && isLowSurrogate(lower.charCodeAt(i + 1))) {
        width = 2;
        kind = DROPPED.test(lower.slice(i, i + 2)) ? CharClass.Dropped : CharClass.Word;
      } else kind = classOfUnit(unit);
      if (kind === CharClass.Word) {
        if (start < 0) start = i;
        else if (droppedSinceKept) contiguous = false;
        droppedSinceKept = false;
        hash = Math.imul(hash ^ unit, 0x01000193);
        if (width === 2) hash = Math.imul(hash ^ lower.charCodeAt(i + 1), 0x01000193);
        end = i + width;
      } else if (kind === CharClass.Dropped) {
        droppedSinceKept = start >= 0;
      } else {
        if (start >= 0) {
          const word = contiguous ? null : lower.slice(start, end).replace(DROPPED_RUNS, '');
          this.push(word === null ? this.number(lower, start, end, hash | 1) : this.number(word, 0, word.length, hash | 1));
        }
        start = -1;
        hash = 0x811c9dc5;
        contiguous = true;
        droppedSinceKept = false;
      }
      i += width;
    }
  }

  private push(number: number): void {
    if (this.count === this.numbers.length) {
      const grown = new Int32Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    this.numbers[this.count++] = number;
  }

  /** The number of the word text[start, end), given one if it has none. */
  private number(text: string, start: number, end: number, hash: number): number {
    const mask = (this.slots.length >>> 1) - 1;
    let slot = hash & mask;
    for (; this.slots[2 * slot] !== 0; slot = (slot + 1) & mask) {
      if (this.slots[2 * slot] !== hash) continue;
      const number = this.slots[2 * slot + 1]!;
      const word = this.words[number]!;
      if (word.length !== end - start) continue;
      let i = 0;
      while (i < word.length && word.charCodeAt(i) === text.charCodeAt(start + i)) i++;
      if (i === word.length) return number;
    }
    const number = this.words.length;
    this.words.push(text.slice(start, end));
    this.slots[2 * slot] = hash;
    this.slots[2 * slot + 1] = number;
    if (4 * this.words.length >= this.slots.length) this.grow();
    return number;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    const mask = (this.slots.length >>> 1) - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === 0) continue;
      let slot = old[i]! & mask;
      while (this.slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      this.slots[2 * slot] = old[i]!;
      this.slots[2 * slot + 1] = old[i + 1]!;
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
