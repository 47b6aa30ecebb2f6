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

/** The 4-grams of an answer that are not in its question: the chunks of one answer arrive together. */
class LastEvidence {
  private output: string | null = null;
  private question: string | null = null;
  private grams = new Set<string>();
  of(output: string, question: string): Set<string> {
    if (output !== this.output || question !== this.question) {
      this.output = output;
      this.question = question;
      const questionGrams = wordNgrams(question);
      this.grams = new Set();
      for (const gram of ngramsOf(words(output), NGRAM)) if (!questionGrams.has(gram)) this.grams.add(gram);
    }
    return this.grams;
  }
}
const lastEvidence = new LastEvidence();

export function decideChunkUse(chunkId: string, chunk: string, output: string, question: string, minSharedNgrams: number): ChunkUse {
  const cited = citesId(output, chunkId);
  const evidence = lastEvidence.of(output, question);
  // distinct chunk 4-grams found in the answer and not in the question
  const shared = new Set<string>();
  if (evidence.size > 0) {
    for (const gram of ngramsOf(words(chunk), NGRAM)) if (evidence.has(gram)) shared.add(gram);
  }
  return { used: cited || shared.size >= minSharedNgrams, cited, sharedNgrams: shared.size };
}
