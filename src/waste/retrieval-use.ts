// Decides whether an answer used a retrieved chunk (DESIGN.md unused_retrieval): it cites the
// chunk's id, or shares at least N word 4-grams with it that are not in the user's question.

const NGRAM = 4;

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

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * Numbers for words, each as it is first seen: an open-addressing table over a word's
 * characters, found by its place in the text, so a word seen before is numbered without being
 * cut out of the text as a string of its own. Numbers start over (a new generation) between
 * answers once MAX_WORDS are held.
 */
class WordNumbers {
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
const wordNumbers = new WordNumbers();
const DROPPED_RUNS = /[\p{P}\p{S}]+/gu;

/**
 * A set of word 4-grams, each the four word numbers, compared exactly: open addressing over an
 * Int32Array, emptied for reuse by bumping a stamp rather than clearing it.
 */
class GramSet {
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

const WORD_CHAR = /^[\p{L}\p{N}_]$/u;
const isWordChar = (codePoint: number | undefined) => codePoint !== undefined && WORD_CHAR.test(String.fromCodePoint(codePoint));
/** The code point that ends just before `at` (a surrogate pair read as one). */
function codePointBefore(text: string, at: number): number | undefined {
  if (at <= 0) return undefined;
  if (at >= 2 && isLowSurrogate(text.charCodeAt(at - 1)) && isHighSurrogate(text.charCodeAt(at - 2))) return text.codePointAt(at - 2);
  return text.codePointAt(at - 1);
}

/** The output mentions the id as a whole token (not inside a longer word or number). */
export function citesId(output: string, chunkId: string): boolean {
  if (chunkId === '') return false;
  if (/[\uD800-\uDFFF]/.test(chunkId)) {
    // surrogates in the id itself: leave the code-point rules of a /u regex to the engine
    const escaped = chunkId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'u').test(output);
  }
  // The same test as that regex, by hand at each verbatim occurrence: compiling a Unicode
  // look-behind regex per chunk was most of this rule's time.
  for (let at = output.indexOf(chunkId); at >= 0; at = output.indexOf(chunkId, at + 1)) {
    if (!isWordChar(codePointBefore(output, at)) && !isWordChar(output.codePointAt(at + chunkId.length))) return true;
  }
  return false;
}

export interface ChunkUse {
  used: boolean;
  cited: boolean;
  sharedNgrams: number;
}

const questionGrams = new GramSet();
/** The 4-grams of the answer being decided that are not in its question: the evidence a chunk was drawn on. */
const evidence = new GramSet();
const chunkGrams = new GramSet();

/** Fills `evidence` with the output's 4-grams that are not in the question. */
function readEvidence(output: string, question: string): void {
  wordNumbers.read(question);
  questionGrams.clear(wordNumbers.count);
  for (let at = 0; at + NGRAM <= wordNumbers.count; at++) questionGrams.add(wordNumbers.numbers, at);
  wordNumbers.read(output);
  evidence.clear(wordNumbers.count);
  for (let at = 0; at + NGRAM <= wordNumbers.count; at++) if (!questionGrams.has(wordNumbers.numbers, at)) evidence.add(wordNumbers.numbers, at);
}

/** The distinct 4-grams of a text, four word numbers each. */
function distinctGrams(text: string): Int32Array {
  wordNumbers.read(text);
  const { numbers, count } = wordNumbers;
  chunkGrams.clear(count);
  const grams: number[] = [];
  for (let at = 0; at + NGRAM <= count; at++) if (chunkGrams.add(numbers, at)) grams.push(numbers[at]!, numbers[at + 1]!, numbers[at + 2]!, numbers[at + 3]!);
  return Int32Array.from(grams);
}

/** Distinct 4-grams of recently seen chunks, by chunk hash: a chunk is retrieved for many answers. */
class ChunkNgrams {
  private grams = new Map<string, Int32Array>();
  private generation = wordNumbers.generation;
  constructor(private readonly maxChunks: number) {}
  of(key: string, chunk: string): Int32Array {
    if (this.generation !== wordNumbers.generation || this.grams.size >= this.maxChunks) {
      this.grams = new Map();
      this.generation = wordNumbers.generation;
    }
    let grams = this.grams.get(key);
    if (!grams) {
      grams = distinctGrams(chunk);
      this.grams.set(key, grams);
    }
    return grams;
  }
}
const chunkNgrams = new ChunkNgrams(20_000);

export interface RetrievedChunk {
  chunkId: string;
  chunk: string;
  /** The chunk text's hash (any string that differs between different texts), to find its 4-grams again. */
  chunkKey: string;
}

/** Decides each chunk retrieved for one answer (the answer's 4-grams are made once). */
export function decideAnswerChunks(output: string, question: string, chunks: RetrievedChunk[], minSharedNgrams: number): ChunkUse[] {
  wordNumbers.startAnswer();
  // each chunk's 4-grams first: reading a text overwrites the word numbers of the one before
  const grams = chunks.map(({ chunkKey, chunk }) => chunkNgrams.of(chunkKey, chunk));
  readEvidence(output, question);
  return chunks.map(({ chunkId }, i) => {
    const cited = citesId(output, chunkId);
    // distinct chunk 4-grams found in the answer and not in the question
    let sharedNgrams = 0;
    if (evidence.size > 0) {
      const chunkGrams = grams[i]!;
      for (let at = 0; at < chunkGrams.length; at += NGRAM) if (evidence.has(chunkGrams, at)) sharedNgrams++;
    }
    return { used: cited || sharedNgrams >= minSharedNgrams, cited, sharedNgrams };
  });
}

export function decideChunkUse(chunkId: string, chunk: string, output: string, question: string, minSharedNgrams: number): ChunkUse {
  return decideAnswerChunks(output, question, [{ chunkId, chunk, chunkKey: `text:${chunk}` }], minSharedNgrams)[0]!;
}
