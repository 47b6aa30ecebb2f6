// per-user caps: a daily (UTC) budget of tokens or USD per user; a request that would take the
// user past it is blocked (it costs nothing and is counted). Requests without a user are not capped.
import type { Policy } from '../types.js';

const DAY_MS = 86_400_000;

export function userCapsPolicy(caps: { dailyTokens?: number; dailyCostUsd?: number }): Policy {
  const spent = new Map<string, { tokens: number; costUsd: number }>();
  return {
    apply(request, simulated, context) {
      if (request.userId === null || simulated.responseCacheHit) return;
      const key = `${request.userId}\u0000${Math.floor(request.tsMs / DAY_MS)}`;
      const so = spent.get(key) ?? { tokens: 0, costUsd: 0 };
      const tokens = simulated.inputTokens + simulated.outputTokens;
      const costUsd = context.price(request, simulated);
      const over = (caps.dailyTokens !== undefined && so.tokens + tokens > caps.dailyTokens) || (caps.dailyCostUsd !== undefined && so.costUsd + costUsd > caps.dailyCostUsd);
      if (over) {
        simulated.blocked = true;
        simulated.changed = true;
        return;
      }
      spent.set(key, { tokens: so.tokens + tokens, costUsd: so.costUsd + costUsd });
    },
  };
}
