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

export function wordNgrams(text: string, n = NGRAM): Set<string> {
  const list = words(text);
  const grams = new Set<string>();
  for (let i = 0; i + n <= list.length; i++) grams.add(list.slice(i, i + n).join(' '));
  return grams;
}

/** The output mentions the id as a whole token (not inside a longer word or number). */
export function citesId(output: string, chunkId: string): boolean {
  if (chunkId === '') return false;
  const escaped = chunkId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'u').test(output);
}

export interface ChunkUse {
  used: boolean;
  cited: boolean;
  sharedNgrams: number;
}

/** The 4-grams of the last text asked for: the chunks of one answer arrive together. */
class LastNgrams {
  private text: string | null = null;
  private grams = new Set<string>();
  of(text: string): Set<string> {
    if (text !== this.text) {
      this.text = text;
      this.grams = wordNgrams(text);
    }
    return this.grams;
  }
}
const lastOutput = new LastNgrams();
const lastQuestion = new LastNgrams();

export function decideChunkUse(chunkId: string, chunk: string, output: string, question: string, minSharedNgrams: number): ChunkUse {
  const cited = citesId(output, chunkId);
  const outputGrams = lastOutput.of(output);
  const questionGrams = lastQuestion.of(question);
  let sharedNgrams = 0;
  for (const gram of wordNgrams(chunk)) {
    if (outputGrams.has(gram) && !questionGrams.has(gram)) sharedNgrams++;
  }
  return { used: cited || sharedNgrams >= minSharedNgrams, cited, sharedNgrams };
}
