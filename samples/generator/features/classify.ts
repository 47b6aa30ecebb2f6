// classify: a ticket router. A long shared system prompt (taxonomy and examples), a short
// ticket, a tiny JSON answer; sent many times an hour.
import { counted, pickRoute, pickUserId, sensitiveAside, type FeatureContext, type ModelCall } from '../calls.js';
import { PLACES, LABELS } from '../vocabulary.js';

/** The taxonomy changed at 13:00: requests after it carry the next prompt version. */
const PROMPT_SWITCH_HOUR_UTC = 13;

export function classifyCall(context: FeatureContext, timeMs: number): ModelCall {
  const { random, prose, corpus, profile, counter } = context;
  const prompts = corpus.systemPrompts.classify;
  const version = new Date(timeMs).getUTCHours() >= PROMPT_SWITCH_HOUR_UTC ? prompts.length - 1 : 0;
  let ticket = `Ticket ${prose.orderNumber().slice(1)} (${random.pick(PLACES)}): ${prose.passage('customer', random.int(...profile.classify.ticketTokens))}`;
  if (random.chance(0.04)) ticket += sensitiveAside(context);
  const answer = `{"label": "${random.pick(LABELS)}", "confidence": 0.${random.int(50, 99)}}`;
  return {
    feature: 'classify',
    route: pickRoute(random, profile.routes.classify),
    userId: pickUserId(random),
    sessionId: null,
    messages: [
      { role: 'system', content: prompts[version]! },
      { role: 'user', content: counted(counter, ticket) },
    ],
    retrieval: [],
    answer: counted(counter, answer),
    params: { max_tokens: 32, temperature: 0 },
    conversationPrefixTokens: 0,
  };
}
