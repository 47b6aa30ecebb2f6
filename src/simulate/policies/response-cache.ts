// response cache: an exact repeat (model + messages + params) of an ok answer within the TTL is
// served from the cache: it costs nothing and takes cacheLatencyMs.
import type { Policy } from '../types.js';
import { TimeWindowMaps } from './time-window.js';

export function responseCachePolicy(ttlSeconds: number, cacheLatencyMs: number): Policy {
  const ttlMs = ttlSeconds * 1000;
  // when each model's answer to a prompt was stored, while the TTL can still serve it
  const storedAtMs = new TimeWindowMaps<bigint, number>(ttlMs);
  return {
    apply(request, simulated) {
      if (!request.cacheable) return;
      const stored = storedAtMs.at(simulated.model, request.tsMs);
      const storedAt = stored.get(request.responseKey);
      if (storedAt !== undefined && request.tsMs - storedAt <= ttlMs) {
        simulated.responseCacheHit = true;
        simulated.latencyOverrideMs = cacheLatencyMs;
        simulated.changed = true;
        return;
      }
      if (request.status === 'ok') stored.set(request.responseKey, request.tsMs);
    },
  };
}
