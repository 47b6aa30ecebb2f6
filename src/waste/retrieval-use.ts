// Decides whether an answer used a retrieved chunk (DESIGN.md unused_retrieval): it cites the
// chunk's id, or shares at least N word 4-grams with it that are not in the user's question.
import { GramSet, isHighSurrogate, isLowSurrogate, NGRAM, WordNumbers } from './word-grams.js';

const wordNumbers = new WordNumbers();

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
/** The 4-grams of a chunk being read, to keep each once. */
const seenGrams = new GramSet();

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
  seenGrams.clear(count);
  const grams: number[] = [];
  for (let at = 0; at + NGRAM <= count; at++) if (seenGrams.add(numbers, at)) grams.push(numbers[at]!, numbers[at + 1]!, numbers[at + 2]!, numbers[at + 3]!);
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
      const ofChunk = grams[i]!;
      for (let at = 0; at < ofChunk.length; at += NGRAM) if (evidence.has(ofChunk, at)) sharedNgrams++;
    }
    return { used: cited || sharedNgrams >= minSharedNgrams, cited, sharedNgrams };
  });
}

export function decideChunkUse(chunkId: string, chunk: string, output: string, question: string, minSharedNgrams: number): ChunkUse {
  return decideAnswerChunks(output, question, [{ chunkId, chunk, chunkKey: `text:${chunk}` }], minSharedNgrams)[0]!;
}
