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

/**
 * Word 4-grams as short keys: each word numbered as it is first seen, a 4-gram the four numbers
 * as eight UTF-16 units. Two 4-grams have the same key exactly when they have the same words
 * (what joining them with spaces gives, since a word holds no space), and a Set of 8-unit
 * strings is many times cheaper to fill and probe than one of the joined words.
 */
class GramKeys {
  private numbers = new Map<string, number>();
  /** Bumped when the numbering starts over: keys made before then mean nothing now. */
  generation = 0;

  /** Before an answer's texts: the numbering starts over here if it is full, never within an answer. */
  startAnswer(): void {
    if (this.numbers.size <= MAX_WORDS) return;
    this.numbers = new Map();
    this.generation++;
  }

  keys(text: string): string[] {
    const list = words(text);
    const units: number[] = [];
    for (const word of list) {
      let number = this.numbers.get(word);
      if (number === undefined) {
        number = this.numbers.size;
        this.numbers.set(word, number);
      }
      units.push(number >>> 16, number & 0xffff);
    }
    const keys: string[] = [];
    for (let i = 0; i + 2 * NGRAM <= units.length; i += 2) {
      keys.push(String.fromCharCode(units[i]!, units[i + 1]!, units[i + 2]!, units[i + 3]!, units[i + 4]!, units[i + 5]!, units[i + 6]!, units[i + 7]!));
    }
    return keys;
  }
}
const gramKeys = new GramKeys();

const WORD_CHAR = /^[\p{L}\p{N}_]$/u;
const isWordChar = (codePoint: number | undefined) => codePoint !== undefined && WORD_CHAR.test(String.fromCodePoint(codePoint));
const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

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

/** The 4-grams of an answer that are not in its question: the evidence a chunk was drawn on. */
function evidenceOf(output: string, question: string): Set<string> {
  const questionGrams = new Set(gramKeys.keys(question));
  const evidence = new Set<string>();
  for (const gram of gramKeys.keys(output)) if (!questionGrams.has(gram)) evidence.add(gram);
  return evidence;
}

/** Distinct 4-gram keys of recently seen chunks, by chunk hash: a chunk is retrieved for many answers. */
class ChunkNgrams {
  private grams = new Map<string, Set<string>>();
  private generation = gramKeys.generation;
  constructor(private readonly maxChunks: number) {}
  of(key: string, chunk: string): Set<string> {
    if (this.generation !== gramKeys.generation || this.grams.size >= this.maxChunks) {
      this.grams = new Map();
      this.generation = gramKeys.generation;
    }
    let grams = this.grams.get(key);
    if (!grams) {
      grams = new Set(gramKeys.keys(chunk));
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
  gramKeys.startAnswer();
  const evidence = evidenceOf(output, question);
  return chunks.map(({ chunkId, chunk, chunkKey }) => {
    const cited = citesId(output, chunkId);
    // distinct chunk 4-grams found in the answer and not in the question (the smaller set walked)
    let sharedNgrams = 0;
    if (evidence.size > 0) {
      const grams = chunkNgrams.of(chunkKey, chunk);
      const [walked, probed] = grams.size < evidence.size ? [grams, evidence] : [evidence, grams];
      for (const gram of walked) if (probed.has(gram)) sharedNgrams++;
    }
    return { used: cited || sharedNgrams >= minSharedNgrams, cited, sharedNgrams };
  });
}

export function decideChunkUse(chunkId: string, chunk: string, output: string, question: string, minSharedNgrams: number): ChunkUse {
  return decideAnswerChunks(output, question, [{ chunkId, chunk, chunkKey: `text:${chunk}` }], minSharedNgrams)[0]!;
}
