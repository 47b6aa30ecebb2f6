// Billed usage and latency for one call, the way each provider would report them: OpenAI's
// automatic prefix cache (≥ 1024 tokens, 128-token steps, forgets after minutes of quiet),
// Anthropic's cache breakpoint after the system prompt (5-minute TTL: a read, or a write).
import { promptTokens, type ModelCall } from './calls.js';
import type { Random } from './random.js';
import { chatFormatTokens } from './tokens.js';
import { PROVIDER_OF } from './profiles.js';

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
}

export type Outcome = 'ok' | 'error' | 'empty';

const OPENAI_MIN_PREFIX_TOKENS = 1024;
const OPENAI_CACHE_STEP_TOKENS = 128;
const ANTHROPIC_MIN_PREFIX_TOKENS = 1024;
const ANTHROPIC_TTL_MS = 5 * 60_000;

/** When each (model, system prompt) and each conversation was last sent, for the provider caches. */
export class PromptCacheState {
  /** Per model, keyed by the system prompt (the shared object, not its long text) or the session id. */
  private readonly lastSentMs = new Map<string, Map<unknown, number>>();

  /** How long ago this model was last sent this prefix (Infinity if never), and marks it sent now. */
  sinceLastSend(model: string, prefix: unknown, timeMs: number): number {
    let byPrefix = this.lastSentMs.get(model);
    if (!byPrefix) this.lastSentMs.set(model, (byPrefix = new Map()));
    const last = byPrefix.get(prefix);
    byPrefix.set(prefix, timeMs);
    return last === undefined ? Infinity : timeMs - last;
  }
}

/** OpenAI keeps a prefix a few minutes after its last use, sometimes longer, never surely. */
function openAiHit(random: Random, quietMs: number): boolean {
  if (quietMs <= 5 * 60_000) return random.chance(0.9);
  if (quietMs <= 15 * 60_000) return random.chance(0.4);
  return false;
}

function cachedPrefix(call: ModelCall, cache: PromptCacheState, random: Random, timeMs: number): { read: number; write: number } {
  const system = call.messages[0]?.role === 'system' ? call.messages[0].content : null;
  const model = call.route.model;
  const systemQuietMs = system ? cache.sinceLastSend(model, system, timeMs) : Infinity;
  const conversationQuietMs = call.sessionId ? cache.sinceLastSend(model, call.sessionId, timeMs) : Infinity;
  if (!system) return { read: 0, write: 0 };
  if (call.route.cache === 'anthropic-system-5m' && system.tokens >= ANTHROPIC_MIN_PREFIX_TOKENS) {
    return systemQuietMs <= ANTHROPIC_TTL_MS ? { read: system.tokens, write: 0 } : { read: 0, write: system.tokens };
  }
  if (call.route.cache !== 'openai-auto') return { read: 0, write: 0 };
  let prefixTokens = 0;
  if (openAiHit(random, systemQuietMs)) prefixTokens = promptTokens([call.messages[0]!]);
  if (call.conversationPrefixTokens > 0 && openAiHit(random, conversationQuietMs)) prefixTokens = Math.max(prefixTokens, call.conversationPrefixTokens);
  if (prefixTokens < OPENAI_MIN_PREFIX_TOKENS) return { read: 0, write: 0 };
  return { read: Math.floor(prefixTokens / OPENAI_CACHE_STEP_TOKENS) * OPENAI_CACHE_STEP_TOKENS, write: 0 };
}

/** Usage as billed. Failed calls bill their input but nothing from the cache; every send still counts for it. */
export function billedUsage(call: ModelCall, outcome: Outcome, cache: PromptCacheState, random: Random, timeMs: number): Usage {
  const contentTokens = call.messages.reduce((sum, message) => sum + message.content.tokens, 0);
  const input_tokens = chatFormatTokens(PROVIDER_OF[call.route.model], contentTokens, call.messages.length);
  const prefix = cachedPrefix(call, cache, random, timeMs);
  if (outcome === 'error') return { input_tokens, output_tokens: 0, cached_input_tokens: 0, cache_write_tokens: 0 };
  return {
    input_tokens,
    output_tokens: outcome === 'ok' ? call.answer.tokens : 0,
    cached_input_tokens: prefix.read,
    cache_write_tokens: prefix.write,
  };
}

const SPEED: Record<string, { ttftMs: number; ttftMsPerKInput: number; msPerOutputToken: number }> = {
  'gpt-4o': { ttftMs: 380, ttftMsPerKInput: 55, msPerOutputToken: 11 },
  'gpt-4o-mini': { ttftMs: 260, ttftMsPerKInput: 30, msPerOutputToken: 6 },
  'claude-sonnet-4-5': { ttftMs: 620, ttftMsPerKInput: 70, msPerOutputToken: 14 },
  'claude-haiku-4-5': { ttftMs: 310, ttftMsPerKInput: 35, msPerOutputToken: 6 },
};

/** Latency and time to first token: a base, a per-input-token cost (less when cached), per-output-token speed, noise. */
export function latency(call: ModelCall, usage: Usage, outcome: Outcome, random: Random): { latency_ms: number; ttft_ms: number | null } {
  if (outcome === 'error') {
    return { latency_ms: random.chance(0.3) ? 30_000 : random.int(120, 4000), ttft_ms: null };
  }
  const speed = SPEED[call.route.model]!;
  const uncachedInput = usage.input_tokens - usage.cached_input_tokens * 0.8;
  const ttft = Math.round((speed.ttftMs + (speed.ttftMsPerKInput * uncachedInput) / 1000) * (0.8 + random.next() * 0.6));
  const generation = usage.output_tokens * speed.msPerOutputToken * (0.85 + random.next() * 0.4);
  return { latency_ms: Math.round(ttft + generation), ttft_ms: ttft };
}
