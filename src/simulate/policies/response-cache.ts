// response cache: an exact repeat (model + messages + params) of an ok answer within the TTL is
// served from the cache: it costs nothing and takes cacheLatencyMs.
import type { Policy } from '../types.js';

export function responseCachePolicy(ttlSeconds: number, cacheLatencyMs: number): Policy {
  const storedAtMs = new Map<string, number>();
  return {
    apply(request, simulated) {
      if (!request.cacheable) return;
      const key = `${simulated.model}\u0000${request.responseKey}`;
      const stored = storedAtMs.get(key);
      if (stored !== undefined && request.tsMs - stored <= ttlSeconds * 1000) {
        simulated.responseCacheHit = true;
        simulated.latencyOverrideMs = cacheLatencyMs;
        simulated.changed = true;
        return;
      }
      if (request.status === 'ok') storedAtMs.set(key, request.tsMs);
    },
  };
}
