// per-user caps: a daily (UTC) budget of tokens or USD per user; a request that would take the
// user past it is blocked (it costs nothing and is counted). Requests without a user are not capped.
import type { Policy } from '../types.js';

const DAY_MS = 86_400_000;

export function userCapsPolicy(caps: { dailyTokens?: number; dailyCostUsd?: number }): Policy {
  // what each user spent on the day being replayed (requests come in time order: a day past is
  // never read again)
  let spent = new Map<string, { tokens: number; costUsd: number }>();
  let day = -Infinity;
  return {
    apply(request, simulated, context) {
      if (request.userId === null || simulated.responseCacheHit) return;
      const requestDay = Math.floor(request.tsMs / DAY_MS);
      if (requestDay < day) throw new Error(`replay out of time order: day ${requestDay} after ${day}`);
      if (requestDay > day) {
        spent = new Map();
        day = requestDay;
      }
      const so = spent.get(request.userId) ?? { tokens: 0, costUsd: 0 };
      const tokens = simulated.inputTokens + simulated.outputTokens;
      const costUsd = context.price(request, simulated);
      const over = (caps.dailyTokens !== undefined && so.tokens + tokens > caps.dailyTokens) || (caps.dailyCostUsd !== undefined && so.costUsd + costUsd > caps.dailyCostUsd);
      if (over) {
        simulated.blocked = true;
        simulated.changed = true;
        return;
      }
      spent.set(request.userId, { tokens: so.tokens + tokens, costUsd: so.costUsd + costUsd });
    },
  };
}
