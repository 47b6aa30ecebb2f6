// A scenario's policies, in DESIGN.md's order: routing, trimming, response cache, prefix cache,
// batch, per-user caps. A new policy is one file here and one line below.
import type { Scenario } from '../../config/scenarios.js';
import type { Policy } from '../types.js';
import { batchPolicy } from './batch.js';
import { userCapsPolicy } from './caps.js';
import { prefixCachePolicy } from './prefix-cache.js';
import { responseCachePolicy } from './response-cache.js';
import { routingPolicy } from './routing.js';
import { trimmingPolicy } from './trimming.js';

export function policiesOf(scenario: Scenario): Policy[] {
  const policies: Policy[] = [];
  if (scenario.routing) policies.push(routingPolicy(scenario.routing));
  if (scenario.trimming) policies.push(trimmingPolicy(scenario.trimming));
  if (scenario.responseCache) policies.push(responseCachePolicy(scenario.responseCache.ttlSeconds, scenario.responseCache.cacheLatencyMs));
  if (scenario.prefixCache) policies.push(prefixCachePolicy(scenario.prefixCache));
  if (scenario.batch) policies.push(batchPolicy(scenario.batch.features, scenario.batch.latencyMs));
  if (scenario.userCaps) policies.push(userCapsPolicy(scenario.userCaps));
  return policies;
}
