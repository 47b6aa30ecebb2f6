// prefix cache, recomputed from scratch (what the log says was cached is replaced):
// - openai: automatic; the longest prompt prefix seen within the TTL, at segment boundaries,
//   of at least the minimum (1024), is cached in 128-token steps at the cached-input price;
// - anthropic: breakpoints after the system prompt and/or the history; a breakpoint seen within
//   the TTL is read (0.1× input), later ones are written (1.25× for a 5-minute TTL, 2× for 1 h);
//   per-model minimum lengths come from prefix-cache-minimums.json.
import minimums from '../prefix-cache-minimums.json' with { type: 'json' };
import type { Scenario } from '../../config/scenarios.js';
import type { Policy, ReplaySegment, SimulatedRequest } from '../types.js';
import { TimeWindowMaps } from './time-window.js';

type PrefixCache = NonNullable<Scenario['prefixCache']>;

export const OPENAI_CACHE_STEP_TOKENS = 128;
const DEFAULT_TTL_SECONDS = { openai: 600, anthropic: 300 };
export const ANTHROPIC_READ_MULTIPLIER = 0.1;
export const ANTHROPIC_WRITE_MULTIPLIER = { fiveMinutes: 1.25, oneHour: 2 };

const minimumsFound = { openai: new Map<string, number>(), anthropic: new Map<string, number>() };

export function minCacheableTokens(style: 'openai' | 'anthropic', model: string): number {
  // found once per model: the replay asks for every request
  let found = minimumsFound[style].get(model);
  if (found === undefined) {
    const rules: Array<{ prefix: string; minTokens: number }> = minimums[style];
    found = rules.find((rule) => rule.prefix === '*' || model.toLowerCase().startsWith(rule.prefix))!.minTokens;
    minimumsFound[style].set(model, found);
  }
  return found;
}

/** Cumulative tokens at the end of each segment. */
function prefixTokens(segments: ReplaySegment[]): number[] {
  let total = 0;
  return segments.map((segment) => (total += segment.tokens));
}

/** When each prompt prefix was last sent, per model, for as long as the TTL can keep it warm. */
class PrefixStore {
  private readonly lastSeen: TimeWindowMaps<bigint, number>;
  constructor(private readonly ttlMs: number) {
    this.lastSeen = new TimeWindowMaps(ttlMs);
  }
  isWarm(model: string, key: bigint, nowMs: number): boolean {
    const seen = this.lastSeen.at(model, nowMs).get(key);
    return seen !== undefined && nowMs - seen <= this.ttlMs;
  }
  touch(model: string, key: bigint, nowMs: number): void {
    this.lastSeen.at(model, nowMs).set(key, nowMs);
  }
}

function clearCache(simulated: SimulatedRequest): void {
  simulated.cachedInputTokens = 0;
  simulated.cacheWriteTokens = 0;
  simulated.cacheWrite1hTokens = 0;
  simulated.changed = true;
}

function openAiPolicy(store: PrefixStore): Policy {
  return {
    apply(request, simulated) {
      clearCache(simulated);
      simulated.cacheMultipliers = null;
      if (simulated.responseCacheHit) return;
      const minimum = minCacheableTokens('openai', simulated.model);
      const ends = prefixTokens(simulated.segments);
      let warmTokens = 0;
      simulated.segments.forEach((segment, i) => {
        if (store.isWarm(simulated.model, segment.prefixKey, request.tsMs)) warmTokens = ends[i]!;
      });
      if (warmTokens >= minimum) {
        simulated.cachedInputTokens = Math.min(simulated.inputTokens, Math.floor(warmTokens / OPENAI_CACHE_STEP_TOKENS) * OPENAI_CACHE_STEP_TOKENS);
      }
      simulated.segments.forEach((segment, i) => {
        if (ends[i]! >= minimum) store.touch(simulated.model, segment.prefixKey, request.tsMs);
      });
    },
  };
}

/** The last segment of each breakpoint kind, in prompt order. */
function breakpointIndexes(segments: ReplaySegment[], kinds: Array<'system' | 'history'>): number[] {
  const indexes = kinds.map((kind) => segments.map((s) => s.kind).lastIndexOf(kind)).filter((i) => i >= 0);
  return [...new Set(indexes)].sort((a, b) => a - b);
}

function anthropicPolicy(store: PrefixStore, ttlSeconds: number, kinds: Array<'system' | 'history'>): Policy {
  const write = ttlSeconds > 300 ? ANTHROPIC_WRITE_MULTIPLIER.oneHour : ANTHROPIC_WRITE_MULTIPLIER.fiveMinutes;
  return {
    apply(request, simulated) {
      clearCache(simulated);
      simulated.cacheMultipliers = { read: ANTHROPIC_READ_MULTIPLIER, write };
      if (simulated.responseCacheHit) return;
      const minimum = minCacheableTokens('anthropic', simulated.model);
      const ends = prefixTokens(simulated.segments);
      const eligible = breakpointIndexes(simulated.segments, kinds).filter((i) => ends[i]! >= minimum);
      if (eligible.length === 0) return;
      let read = 0;
      for (const i of eligible) if (store.isWarm(simulated.model, simulated.segments[i]!.prefixKey, request.tsMs)) read = ends[i]!;
      const written = ends[eligible[eligible.length - 1]!]! - read;
      simulated.cachedInputTokens = Math.min(read, simulated.inputTokens);
      simulated.cacheWriteTokens = Math.min(written, simulated.inputTokens - simulated.cachedInputTokens);
      simulated.cacheWrite1hTokens = ttlSeconds > 300 ? simulated.cacheWriteTokens : 0;
      for (const i of eligible) store.touch(simulated.model, simulated.segments[i]!.prefixKey, request.tsMs);
    },
  };
}

export function prefixCachePolicy(config: PrefixCache): Policy {
  const ttlSeconds = config.ttlSeconds ?? DEFAULT_TTL_SECONDS[config.style];
  const store = new PrefixStore(ttlSeconds * 1000);
  return config.style === 'openai' ? openAiPolicy(store) : anthropicPolicy(store, ttlSeconds, config.breakpoints ?? ['system']);
}
