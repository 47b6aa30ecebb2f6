// What a feature asks of a model: the planned call (prompt, params, the answer it will get
// back) before the traffic model decides whether it fails, and the context builders share.
import type { Corpus, KnowledgeChunk } from './corpus.js';
import type { Feature, ModelRoute, Profile } from './profiles.js';
import type { Prose } from './prose.js';
import type { Random } from './random.js';
import { TOKENS_PER_MESSAGE, type CountedText, type TokenCounter } from './tokens.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: CountedText;
}

export interface CallParams {
  max_tokens: number;
  temperature: number;
}

export interface ModelCall {
  feature: Feature;
  route: ModelRoute;
  userId: string;
  sessionId: string | null;
  messages: ChatMessage[];
  retrieval: KnowledgeChunk[];
  /** The answer the model gives when the call succeeds. */
  answer: CountedText;
  params: CallParams;
  /** Prompt tokens (chat format) of this conversation's previous call: a prefix of this prompt. */
  conversationPrefixTokens: number;
}

export interface FeatureContext {
  random: Random;
  prose: Prose;
  counter: TokenCounter;
  corpus: Corpus;
  profile: Profile;
}

export function counted(counter: TokenCounter, text: string): CountedText {
  return { text, tokens: counter.count(text) };
}

/** Chat-format tokens of a list of messages, without the reply priming. */
export function promptTokens(messages: readonly ChatMessage[]): number {
  let tokens = 0;
  for (const message of messages) tokens += message.content.tokens + TOKENS_PER_MESSAGE;
  return tokens;
}

export function pickRoute(random: Random, routes: readonly ModelRoute[]): ModelRoute {
  return random.weighted(routes.map((route) => [route, route.weight] as const));
}

const USER_POOL_SIZE = 400;

/** A user id; a few heavy users send much of the traffic. */
export function pickUserId(random: Random): string {
  return `u-${String(random.skewedIndex(USER_POOL_SIZE, 2.2) + 1).padStart(4, '0')}`;
}

/** Occasionally something the report must redact: an email, a phone number, an API key. */
export function sensitiveAside(context: FeatureContext): string {
  const { random, prose } = context;
  return random.weighted([
    [` You can reach me at ${prose.email()}.`, 3],
    [` My number is ${prose.phone()} if that is easier.`, 1],
    [` Here is the key we use, in case it matters: ${prose.apiKey()}`, 2],
  ] as const);
}
