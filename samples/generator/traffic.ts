// The traffic model: for each request slot, decides what is sent (a due chat turn or retry,
// a duplicate of an earlier request, or new work for a feature), how it ends, and what the
// provider bills — and renders it as a canonical log line.
import type { FeatureContext, ModelCall } from './calls.js';
import type { Corpus } from './corpus.js';
import { classifyCall } from './features/classify.js';
import { kbAnswerCall } from './features/kb-answer.js';
import { chatTurnCall, finishChatTurn, startChatSession, type ChatSession } from './features/support-chat.js';
import { summarizeCall } from './features/summarize.js';
import { PROVIDER_OF, type Feature, type Profile } from './profiles.js';
import { Prose } from './prose.js';
import { Random } from './random.js';
import { FollowUpQueue } from './timeline.js';
import type { TokenCounter } from './tokens.js';
import { billedUsage, latency, PromptCacheState, type Outcome, type Usage } from './usage.js';

/** One line of the canonical log format (DESIGN.md), keys in the documented order. */
export interface CanonicalLine {
  request_id: string;
  timestamp: string;
  feature: Feature;
  user_id: string;
  session_id: string | null;
  provider: string;
  model: string;
  messages: { role: string; content: string }[];
  retrieval: { id: string; text: string }[];
  output: string;
  finish_reason: string;
  usage: Usage;
  latency_ms: number;
  ttft_ms: number | null;
  status: 'ok' | 'error';
  params: { max_tokens: number; temperature: number };
  metadata: Record<string, unknown>;
}

type FollowUp = { kind: 'turn'; session: ChatSession } | { kind: 'retry'; call: ModelCall; session: ChatSession | null };

/** How many recent ok calls a duplicate may copy. */
const DUPLICATE_CANDIDATES = 200;

export class TrafficModel {
  private readonly random: Random;
  private readonly context: FeatureContext;
  private readonly followUps = new FollowUpQueue<FollowUp>();
  private readonly cache = new PromptCacheState();
  private readonly recentOkCalls: ModelCall[] = [];
  private failedSoFar = 0;

  constructor(private readonly profile: Profile, corpus: Corpus, seed: number, counter: TokenCounter) {
    this.random = Random.derive(seed, 'traffic');
    const contentRandom = Random.derive(seed, 'content');
    this.context = { random: contentRandom, prose: new Prose(contentRandom), counter, corpus, profile };
  }

  requestAt(timeMs: number): CanonicalLine {
    const due = this.followUps.takeDue(timeMs);
    if (due?.kind === 'turn') return this.sendChatTurn(due.session, chatTurnCall(this.context, due.session), timeMs);
    if (due?.kind === 'retry') return due.session ? this.sendChatTurn(due.session, due.call, timeMs) : this.send(due.call, timeMs, this.drawOutcome(due.call));
    if (this.recentOkCalls.length > 0 && this.random.chance(this.profile.duplicateRate)) {
      // The same call again, unchanged: a double submit, or a client without a response cache.
      return this.send(this.random.pick(this.recentOkCalls), timeMs, 'ok');
    }
    return this.startWork(timeMs);
  }

  private startWork(timeMs: number): CanonicalLine {
    const feature = this.random.weighted(this.profile.featureWeights);
    switch (feature) {
      case 'support-chat': {
        const session = startChatSession(this.context);
        return this.sendChatTurn(session, chatTurnCall(this.context, session), timeMs);
      }
      case 'kb-answer': return this.sendWithRetry(kbAnswerCall(this.context), timeMs);
      case 'classify': return this.sendWithRetry(classifyCall(this.context, timeMs), timeMs);
      case 'summarize': return this.sendWithRetry(summarizeCall(this.context), timeMs);
    }
  }

  private sendWithRetry(call: ModelCall, timeMs: number): CanonicalLine {
    const outcome = this.drawOutcome(call);
    if (outcome === 'error') this.maybeRetry(call, null, timeMs);
    return this.send(call, timeMs, outcome);
  }

  /** A failed turn is sent again; a successful one joins the conversation and the next turn is planned. */
  private sendChatTurn(session: ChatSession, call: ModelCall, timeMs: number): CanonicalLine {
    const outcome = this.drawOutcome(call);
    if (outcome === 'error') {
      this.maybeRetry(call, session, timeMs);
    } else {
      finishChatTurn(session, call);
      if (session.turnsLeft > 0) this.followUps.push(timeMs + this.random.int(...this.profile.chat.turnGapSeconds) * 1000, { kind: 'turn', session });
    }
    return this.send(call, timeMs, outcome);
  }

  private maybeRetry(call: ModelCall, session: ChatSession | null, timeMs: number): void {
    // The first failure of the day is always retried, so even a short sample has a copy of a failed request.
    const retry = this.failedSoFar++ === 0 || this.random.chance(this.profile.retryRate);
    if (retry) this.followUps.push(timeMs + this.random.int(2, 40) * 1000, { kind: 'retry', call, session });
  }

  private drawOutcome(call: ModelCall): Outcome {
    if (this.random.chance(this.profile.errorRate)) return 'error';
    if (call.feature === 'classify' && this.random.chance(this.profile.emptyOutputRate)) return 'empty';
    return 'ok';
  }

  private send(call: ModelCall, timeMs: number, outcome: Outcome): CanonicalLine {
    const usage = billedUsage(call, outcome, this.cache, this.random, timeMs);
    if (outcome === 'ok') {
      this.recentOkCalls.push(call);
      if (this.recentOkCalls.length > DUPLICATE_CANDIDATES) this.recentOkCalls.shift();
    }
    const provider = PROVIDER_OF[call.route.model];
    return {
      request_id: provider === 'openai' ? `chatcmpl-${this.random.base62(24)}` : `msg_01${this.random.base62(22)}`,
      timestamp: new Date(timeMs).toISOString(),
      feature: call.feature,
      user_id: call.userId,
      session_id: call.sessionId,
      provider,
      model: call.route.model,
      messages: call.messages.map((message) => ({ role: message.role, content: message.content.text })),
      retrieval: call.retrieval.map((chunk) => ({ id: chunk.id, text: chunk.text })),
      output: outcome === 'ok' ? call.answer.text : '',
      finish_reason: outcome === 'error' ? 'error' : outcome === 'empty' ? 'content_filter' : 'stop',
      usage,
      ...latency(call, usage, outcome, this.random),
      status: outcome === 'error' ? 'error' : 'ok',
      params: call.params,
      metadata: {},
    };
  }
}
