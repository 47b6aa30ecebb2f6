// support-chat: multi-turn conversations whose history grows turn by turn; long sessions
// outgrow a 6-message history window.
import { counted, pickRoute, pickUserId, promptTokens, sensitiveAside, type ChatMessage, type FeatureContext, type ModelCall } from '../calls.js';
import type { ModelRoute } from '../profiles.js';
import type { CountedText } from '../tokens.js';

export interface ChatSession {
  id: string;
  userId: string;
  route: ModelRoute;
  /** System prompt then the finished turns, user and assistant alternating. */
  conversation: ChatMessage[];
  turnsLeft: number;
}

export function startChatSession(context: FeatureContext): ChatSession {
  const { random, corpus, profile } = context;
  const system = random.pick(corpus.systemPrompts['support-chat']);
  const turnRange = random.weighted(profile.chat.turns);
  return {
    id: `sess-${random.base62(10)}`,
    userId: pickUserId(random),
    route: pickRoute(random, profile.routes['support-chat']),
    conversation: [{ role: 'system', content: system }],
    turnsLeft: random.int(...turnRange),
  };
}

function customerTurn(context: FeatureContext, firstTurn: boolean): string {
  const { random, prose, profile } = context;
  let text = firstTurn ? random.pick(['Hello! ', 'Hi there, ', 'Good morning. ', '']) : '';
  text += prose.passage('customer', random.int(...profile.chat.userTokens));
  if (random.chance(0.06)) text += sensitiveAside(context);
  if (random.chance(0.05)) text += '\n\nHere is what the console shows:\n' + prose.codeSnippet();
  return text;
}

function agentReply(context: FeatureContext): CountedText {
  const { random, prose, profile, counter } = context;
  const verbose = random.chance(profile.chat.verboseShare);
  const [low, high] = profile.chat.agentTokens;
  const text = verbose ? prose.passage('agent', random.int(high * 3, high * 4), '\n\n') : prose.passage('agent', random.int(low, high));
  return counted(counter, text);
}

/** The next turn of the session as a call: its whole conversation so far plus a new message. */
export function chatTurnCall(context: FeatureContext, session: ChatSession): ModelCall {
  const firstTurn = session.conversation.length === 1;
  const user: ChatMessage = { role: 'user', content: counted(context.counter, customerTurn(context, firstTurn)) };
  return {
    feature: 'support-chat',
    route: session.route,
    userId: session.userId,
    sessionId: session.id,
    messages: [...session.conversation, user],
    retrieval: [],
    answer: agentReply(context),
    params: { max_tokens: 2048, temperature: 0.7 },
    conversationPrefixTokens: firstTurn ? 0 : promptTokens(session.conversation.slice(0, -1)),
  };
}

/** After a successful turn the question and its answer join the conversation. */
export function finishChatTurn(session: ChatSession, call: ModelCall): void {
  session.conversation = [...call.messages, { role: 'assistant', content: call.answer }];
  session.turnsLeft--;
}
