// What the replay passes between policies: one logged request, and what a scenario makes of it.

export interface ReplaySegment {
  kind: 'system' | 'history' | 'retrieval' | 'user' | 'tool';
  /** Calibrated tokens: the segments plus chat overhead add up to the billed input. */
  tokens: number;
  /** For retrieval chunks: whether the answer used it (null when undecided). */
  used: boolean | null;
  /** Identifies the prompt prefix that ends with this segment (a hash chain). */
  prefixKey: bigint;
}

export interface ReplayRequest {
  /** Its place in the replay (queries/replay_order.sql). */
  seq: number;
  requestId: string;
  tsMs: number;
  feature: string;
  provider: string;
  model: string;
  userId: string | null;
  status: string;
  batch: boolean;
  latencyMs: number | null;
  responseKey: bigint;
  /** Has message text, so an exact-match cache key exists. */
  cacheable: boolean;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  costUsd: number;
  segments: ReplaySegment[];
  question: string | null;
  /** Raw prompt segment tokens per encoding (null where not counted). */
  promptTokens: { o200k_base: number | null; cl100k_base: number | null };
}

/** A request as one scenario would have sent it. Policies edit it in DESIGN.md's order. */
export interface SimulatedRequest {
  provider: string;
  model: string;
  segments: ReplaySegment[];
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  /** Anthropic-style cache pricing as multiples of the input price (null: catalogue rates). */
  cacheMultipliers: { read: number; write: number } | null;
  batch: boolean;
  /** Anything changed from the log: when nothing did, the billed cost stands exactly. */
  changed: boolean;
  routed: boolean;
  truncated: boolean;
  responseCacheHit: boolean;
  blocked: boolean;
  /** Set by a policy that knows the latency outright (a cache hit, a batch). */
  latencyOverrideMs: number | null;
  costUsd: number;
}

/** One step of a scenario; stateful policies (caches, caps) keep state across requests. */
export interface Policy {
  apply(request: ReplayRequest, simulated: SimulatedRequest, context: ReplayContext): void;
}

export interface ReplayContext {
  /** Prices the simulated request at its model's rates (tier, batch, cache multipliers). */
  price(request: ReplayRequest, simulated: SimulatedRequest): number;
  /** Input tokens of the request recounted for another model's encoding. */
  recountFor(request: ReplayRequest, model: string): number;
}

export function simulateFrom(request: ReplayRequest): SimulatedRequest {
  return {
    provider: request.provider,
    model: request.model,
    segments: request.segments,
    inputTokens: request.inputTokens,
    outputTokens: request.outputTokens,
    cachedInputTokens: request.cachedInputTokens,
    cacheWriteTokens: request.cacheWriteTokens,
    cacheWrite1hTokens: request.cacheWrite1hTokens,
    cacheMultipliers: null,
    batch: request.batch,
    changed: false,
    routed: false,
    truncated: false,
    responseCacheHit: false,
    blocked: false,
    latencyOverrideMs: null,
    costUsd: request.costUsd,
  };
}

/** Drops segments, keeping the billed accounting consistent (cached tokens never exceed input). */
export function removeSegments(simulated: SimulatedRequest, keep: (segment: ReplaySegment, index: number) => boolean): void {
  // `keep` is called once per segment, in order (it may count, e.g. the first k chunks).
  const keeps = simulated.segments.map((segment, i) => keep(segment, i));
  const kept = simulated.segments.filter((_, i) => keeps[i]);
  if (kept.length === simulated.segments.length) return;
  const removed = simulated.segments.reduce((sum, s, i) => sum + (keeps[i] ? 0 : s.tokens), 0);
  simulated.segments = kept;
  simulated.inputTokens = Math.max(0, simulated.inputTokens - removed);
  simulated.cachedInputTokens = Math.min(simulated.cachedInputTokens, simulated.inputTokens);
  simulated.cacheWriteTokens = Math.min(simulated.cacheWriteTokens, simulated.inputTokens - simulated.cachedInputTokens);
  simulated.cacheWrite1hTokens = Math.min(simulated.cacheWrite1hTokens, simulated.cacheWriteTokens);
  simulated.changed = true;
}
