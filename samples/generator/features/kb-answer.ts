// kb-answer: retrieval-augmented answers. 3–5 chunks from the shared pool go into the last
// user message as <document id="…"> blocks and into `retrieval`; the answer cites or
// paraphrases some and ignores the others, which then share no 4-gram with it.
import { counted, pickRoute, pickUserId, type FeatureContext, type ModelCall } from '../calls.js';
import type { KnowledgeChunk } from '../corpus.js';
import type { CountedText } from '../tokens.js';
import { PUNCTUATION_READINGS, sharedOutsideQuestion, wordFourGrams, type PunctuationReading } from '../ngrams.js';

interface Question {
  text: string;
  /** A phrase the question quotes from a chunk the answer will not use (it echoes it back). */
  echoed: { chunk: KnowledgeChunk; phrase: string } | null;
}

const QUESTION_TEMPLATES = [
  'How do I {verb} a {adj} {noun} in {product}?',
  'What happens to the {noun} when a {noun} is {past}?',
  'How long does it take to {verb} the {noun} for a depot in {place}?',
  'Can members on the {plan} plan {verb} a {adj} {noun}?',
  'Why is my {noun} still {adj} after I {past} it?',
] as const;

/** `length` consecutive words of a text, punctuation kept, from a random place. */
function phraseFrom(context: FeatureContext, text: string, length: number): string {
  const list = text.split(/\s+/);
  const start = context.random.int(0, Math.max(0, list.length - length));
  return list.slice(start, start + length).join(' ').replace(/[.,;:!?]+$/, '');
}

function askQuestion(context: FeatureContext, chunks: KnowledgeChunk[]): Question {
  const { random, prose, profile } = context;
  const text = prose.fill(random.pick(QUESTION_TEMPLATES));
  if (!random.chance(profile.kb.echoShare)) return { text, echoed: null };
  const chunk = chunks[chunks.length - 1]!;
  const phrase = phraseFrom(context, chunk.text, 6);
  return { text: `${text} I read that "${phrase}" — does that apply to us?`, echoed: { chunk, phrase } };
}

/**
 * A chunk as the prompt carries it. Each block ends in a newline and the next text starts with
 * `<` or a letter, which tiktoken's pre-split never joins to it, so block counts add up.
 */
const documentBlocks = new WeakMap<KnowledgeChunk, CountedText>();

function documentBlock(context: FeatureContext, chunk: KnowledgeChunk): CountedText {
  let block = documentBlocks.get(chunk);
  if (!block) documentBlocks.set(chunk, (block = counted(context.counter, `<document id="${chunk.id}">${chunk.text}</document>\n`)));
  return block;
}

function userMessage(context: FeatureContext, chunks: KnowledgeChunk[], question: string): CountedText {
  const blocks = chunks.map((chunk) => documentBlock(context, chunk));
  const ask = counted(context.counter, `Question: ${question}`);
  return {
    text: blocks.map((block) => block.text).join('') + ask.text,
    tokens: blocks.reduce((sum, block) => sum + block.tokens, ask.tokens),
  };
}

const chunkGrams = new WeakMap<KnowledgeChunk, Map<PunctuationReading, Set<string>>>();

function gramsOfChunk(chunk: KnowledgeChunk, reading: PunctuationReading): Set<string> {
  let byReading = chunkGrams.get(chunk);
  if (!byReading) chunkGrams.set(chunk, (byReading = new Map()));
  let grams = byReading.get(reading);
  if (!grams) byReading.set(reading, (grams = wordFourGrams(chunk.text, reading)));
  return grams;
}

/** True when no planted-unused chunk shares a 4-gram with the answer outside the question, however punctuation is read. */
function unusedStayUnused(answer: string, unused: KnowledgeChunk[], question: string): boolean {
  return PUNCTUATION_READINGS.every((reading) => {
    const answerGrams = wordFourGrams(answer, reading);
    const questionGrams = wordFourGrams(question, reading);
    return unused.every((chunk) => sharedOutsideQuestion(answerGrams, gramsOfChunk(chunk, reading), questionGrams) === 0);
  });
}

/** Appends `part` unless it would make a planted-unused chunk look used. */
function tryAppend(context: FeatureContext, answer: string, part: string, unused: KnowledgeChunk[], question: string): string | null {
  const candidate = answer === '' ? part : `${answer} ${part}`;
  if (!context.profile.verifyRetrievalPlanting || unusedStayUnused(candidate, unused, question)) return candidate;
  return null;
}

/** Evidence that a chunk was used: its id in brackets, or a long verbatim phrase from it. */
function usePart(context: FeatureContext, chunk: KnowledgeChunk, cite: boolean): string {
  if (cite) return `${context.prose.sentence('fact')} [${chunk.id}]`;
  return `As the documentation puts it, ${phraseFrom(context, chunk.text, context.random.int(8, 12))}.`;
}

/** Adds evidence of use for `chunk`; a bare citation when every phrasing would touch an unused chunk. */
function appendUse(context: FeatureContext, answer: string, chunk: KnowledgeChunk, unused: KnowledgeChunk[], question: string): string {
  const cite = context.random.chance(0.5);
  for (let attempt = 0; attempt < 3; attempt++) {
    const extended = tryAppend(context, answer, usePart(context, chunk, cite), unused, question);
    if (extended !== null) return extended;
  }
  return `${answer} [${chunk.id}]`;
}

function composeAnswer(context: FeatureContext, used: KnowledgeChunk[], unused: KnowledgeChunk[], question: Question): string {
  const { random, prose, profile } = context;
  let answer = used.length === 0 ? 'I could not find this in the documents you have access to.' : prose.sentence('answer');
  for (const chunk of used) answer = appendUse(context, answer, chunk, unused, question.text);
  if (question.echoed) {
    answer = tryAppend(context, answer, `You asked whether "${question.echoed.phrase}" — that depends on your plan.`, unused, question.text) ?? answer;
  }
  const verbose = random.chance(profile.kb.verboseShare);
  const targetChars = (verbose ? random.int(900, 1400) : random.int(...profile.kb.answerTokens)) * 4.5;
  for (let attempt = 0; answer.length < targetChars && attempt < 400; attempt++) {
    const filler = prose.sentence(random.chance(0.3) ? 'answer' : 'agent');
    if (!answer.includes(filler)) answer = tryAppend(context, answer, filler, unused, question.text) ?? answer;
  }
  return answer;
}

export function kbAnswerCall(context: FeatureContext): ModelCall {
  const { random, corpus, profile, counter } = context;
  const pool = corpus.knowledgeBase;
  const chunks = random.sample(pool, random.int(...profile.kb.chunksPerRequest), (size) => random.skewedIndex(size, 1.8));
  const question = askQuestion(context, chunks);
  const used = chunks.filter((chunk) => chunk !== question.echoed?.chunk && random.chance(0.55));
  const unused = chunks.filter((chunk) => !used.includes(chunk));
  const system = random.pick(corpus.systemPrompts['kb-answer']);
  return {
    feature: 'kb-answer',
    route: pickRoute(random, profile.routes['kb-answer']),
    userId: pickUserId(random),
    sessionId: null,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: userMessage(context, chunks, question.text) },
    ],
    retrieval: chunks,
    answer: counted(counter, composeAnswer(context, used, unused, question)),
    params: { max_tokens: 1024, temperature: 0.2 },
    conversationPrefixTokens: 0,
  };
}
