// The texts many requests share: each feature's system prompts and the knowledge-base chunk
// pool that kb-answer retrieves from. Built once per seed from a stream of their own.
import type { Feature, Profile } from './profiles.js';
import { Prose } from './prose.js';
import { Random } from './random.js';
import type { CountedText, TokenCounter } from './tokens.js';
import { LABELS } from './vocabulary.js';

export interface KnowledgeChunk extends CountedText {
  id: string;
}

export interface Corpus {
  systemPrompts: Record<Feature, CountedText[]>;
  knowledgeBase: KnowledgeChunk[];
}

const PROMPT_OPENINGS: Record<Feature, (version: number) => string> = {
  'support-chat': (version) =>
    `You are Lark, the support assistant for Larkspur, a logistics platform (prompt v${version + 3}).\n` +
    'Help customers with orders, shipments, billing and their workspace. Be brief and concrete.\n\n## Rules',
  'kb-answer': () =>
    'You answer questions from Larkspur customers using only the documents in the user message.\n' +
    'Cite a document by its id in square brackets, like [kb-0001], when you rely on it.\n' +
    'If the documents do not cover the question, say so.\n\n## Rules',
  classify: (version) =>
    `You are the Larkspur ticket router (taxonomy v${version + 7}). Read one support ticket and reply with ` +
    'JSON only: {"label": <label>, "confidence": <0..1>}. Never add prose.\n\n## Labels\n' +
    LABELS.map((label) => `- ${label}`).join('\n') +
    '\n\n## Examples',
  summarize: () =>
    'You summarize internal Larkspur documents for the audience named in the request.\n' +
    'Lead with the decision or outcome, then the numbers that matter, then open risks.\n\n## Style',
};

/** One line of a system prompt body after its opening: a rule, or a worked example. */
function promptLine(feature: Feature, prose: Prose, random: Random): string {
  if (feature === 'classify') {
    const label = random.pick(LABELS);
    return `Ticket: "${prose.sentence('customer')}"\nAnswer: {"label": "${label}", "confidence": 0.${random.int(55, 99)}}`;
  }
  const kind = random.chance(0.6) ? 'policy' : 'fact';
  return `- ${prose.sentence(kind)}`;
}

function buildSystemPrompt(feature: Feature, version: number, targetTokens: number, random: Random, counter: TokenCounter): CountedText {
  const prose = new Prose(random);
  const lines = [PROMPT_OPENINGS[feature](version)];
  let text = lines[0]!;
  // Whole lines until the target; counting every 8 lines keeps this quick for long prompts.
  while (counter.count(text) < targetTokens) {
    for (let i = 0; i < 8; i++) {
      const line = promptLine(feature, prose, random);
      if (!lines.includes(line)) lines.push(line);
    }
    text = lines.join('\n');
  }
  while (lines.length > 2 && counter.count(lines.slice(0, -1).join('\n')) >= targetTokens) lines.pop();
  text = lines.join('\n');
  return { text, tokens: counter.count(text) };
}

function buildKnowledgeBase(profile: Profile, random: Random, counter: TokenCounter): KnowledgeChunk[] {
  const prose = new Prose(random);
  const chunks: KnowledgeChunk[] = [];
  for (let index = 0; index < profile.kb.poolSize; index++) {
    const text = prose.passage('fact', random.int(...profile.kb.chunkTokens));
    chunks.push({ id: `kb-${String(index + 1).padStart(4, '0')}`, text, tokens: counter.count(text) });
  }
  return chunks;
}

export function buildCorpus(profile: Profile, seed: number, counter: TokenCounter): Corpus {
  const features: Feature[] = ['support-chat', 'kb-answer', 'classify', 'summarize'];
  const systemPrompts = {} as Record<Feature, CountedText[]>;
  for (const feature of features) {
    const random = Random.derive(seed, `system-prompt:${feature}`);
    const { tokens, variants } = profile.systemPrompts[feature];
    systemPrompts[feature] = Array.from({ length: variants }, (_, version) => buildSystemPrompt(feature, version, tokens, random, counter));
  }
  return { systemPrompts, knowledgeBase: buildKnowledgeBase(profile, Random.derive(seed, 'knowledge-base'), counter) };
}
