// Word 4-grams as the unused_retrieval rule reads them: lower-cased, punctuation stripped.
// "Stripped" can be read three ways; the ground truth uses the first and checks the others agree.

export type PunctuationReading = 'remove-non-word' | 'space-for-non-word' | 'remove-punctuation-only';

export const PUNCTUATION_READINGS: readonly PunctuationReading[] = ['remove-non-word', 'space-for-non-word', 'remove-punctuation-only'];

const NON_WORD = /[^\p{L}\p{N}\s]/gu;
const PUNCTUATION = /\p{P}/gu;

export function words(text: string, reading: PunctuationReading = 'remove-non-word'): string[] {
  const lower = text.toLowerCase();
  const stripped =
    reading === 'remove-non-word' ? lower.replace(NON_WORD, '')
    : reading === 'space-for-non-word' ? lower.replace(NON_WORD, ' ')
    : lower.replace(PUNCTUATION, '');
  return stripped.split(/\s+/).filter((word) => word !== '');
}

export function wordFourGrams(text: string, reading: PunctuationReading = 'remove-non-word'): Set<string> {
  const list = words(text, reading);
  const grams = new Set<string>();
  for (let i = 0; i + 4 <= list.length; i++) grams.add(`${list[i]} ${list[i + 1]} ${list[i + 2]} ${list[i + 3]}`);
  return grams;
}

/** 4-grams the answer shares with a chunk that the question does not also contain. */
export function sharedOutsideQuestion(answer: Set<string>, chunk: Set<string>, question: Set<string>): number {
  let shared = 0;
  const [smaller, larger] = answer.size < chunk.size ? [answer, chunk] : [chunk, answer];
  for (const gram of smaller) if (larger.has(gram) && !question.has(gram)) shared++;
  return shared;
}
