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

/** The n-grams of a word list in order, repeats included (the same strings as joining with ' '). */
function* ngramsOf(list: string[], n: number): Generator<string> {
  if (n === NGRAM) {
    for (let i = 0; i + NGRAM <= list.length; i++) yield `${list[i]!} ${list[i + 1]!} ${list[i + 2]!} ${list[i + 3]!}`;
    return;
  }
  for (let i = 0; i + n <= list.length; i++) yield list.slice(i, i + n).join(' ');
}

export function wordNgrams(text: string, n = NGRAM): Set<string> {
  return new Set(ngramsOf(words(text), n));
}

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
  const questionGrams = wordNgrams(question);
  const evidence = new Set<string>();
  for (const gram of ngramsOf(words(output), NGRAM)) if (!questionGrams.has(gram)) evidence.add(gram);
  return evidence;
}

/** Distinct 4-grams of recently seen chunks: a chunk is retrieved for many answers. */
class ChunkNgrams {
  private readonly grams = new Map<string, string[]>();
  constructor(private readonly maxChunks: number) {}
  of(chunk: string): string[] {
    let grams = this.grams.get(chunk);
    if (!grams) {
      grams = [...wordNgrams(chunk)];
      if (this.grams.size >= this.maxChunks) this.grams.clear();
      this.grams.set(chunk, grams);
    }
    return grams;
  }
}
const chunkNgrams = new ChunkNgrams(5_000);

export interface RetrievedChunk {
  chunkId: string;
  chunk: string;
}

/** Decides each chunk retrieved for one answer (the answer's 4-grams are made once). */
export function decideAnswerChunks(output: string, question: string, chunks: RetrievedChunk[], minSharedNgrams: number): ChunkUse[] {
  const evidence = evidenceOf(output, question);
  return chunks.map(({ chunkId, chunk }) => {
    const cited = citesId(output, chunkId);
    // distinct chunk 4-grams found in the answer and not in the question
    let sharedNgrams = 0;
    if (evidence.size > 0) {
      for (const gram of chunkNgrams.of(chunk)) if (evidence.has(gram)) sharedNgrams++;
    }
    return { used: cited || sharedNgrams >= minSharedNgrams, cited, sharedNgrams };
  });
}

export function decideChunkUse(chunkId: string, chunk: string, output: string, question: string, minSharedNgrams: number): ChunkUse {
  return decideAnswerChunks(output, question, [{ chunkId, chunk }], minSharedNgrams)[0]!;
}
