// batch: asynchronous features move to batch pricing (half of every rate) and batch latency.
import type { Policy } from '../types.js';

export function batchPolicy(features: string[], latencyMs: number): Policy {
  const batched = new Set(features);
  return {
    apply(request, simulated) {
      if (!batched.has(request.feature) || simulated.responseCacheHit) return;
      if (!simulated.batch) simulated.changed = true;
      simulated.batch = true;
      simulated.latencyOverrideMs = latencyMs;
    },
  };
}
