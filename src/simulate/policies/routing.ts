// routing: the first rule whose `when` matches sends the request to another model; its tokens
// are recounted in that model's encoding and priced at its rates.
import { createHash } from 'node:crypto';
import type { RoutingRule } from '../../config/scenarios.js';
import { inferProvider } from '../../pricing/catalogue.js';
import type { Policy, ReplayRequest } from '../types.js';

const asList = (value: string | string[] | undefined) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

/** A stable fraction in [0, 1) per request id, so a canary sample is the same every run. */
export function sampleFraction(requestId: string): number {
  return createHash('md5').update(requestId).digest().readUInt32BE(0) / 2 ** 32;
}

function matches(rule: RoutingRule, request: ReplayRequest, pattern: RegExp | null): boolean {
  const { when } = rule;
  if (asList(when.feature) && !asList(when.feature)!.includes(request.feature)) return false;
  if (asList(when.model) && !asList(when.model)!.includes(request.model)) return false;
  if (when.inputTokens?.min !== undefined && request.inputTokens < when.inputTokens.min) return false;
  if (when.inputTokens?.max !== undefined && request.inputTokens > when.inputTokens.max) return false;
  if (pattern && !pattern.test(request.question ?? '')) return false;
  if (when.sample !== undefined && sampleFraction(request.requestId) >= when.sample) return false;
  return true;
}

export function routingPolicy(rules: RoutingRule[]): Policy {
  const patterns = rules.map((rule) => (rule.when.userMessageMatches ? new RegExp(rule.when.userMessageMatches) : null));
  // a target's provider, found once (the catalogue's provider patterns are many)
  const providers = rules.map((rule) => rule.to.provider ?? inferProvider(rule.to.model));
  return {
    apply(request, simulated, context) {
      const index = rules.findIndex((rule, i) => matches(rule, request, patterns[i]!));
      if (index < 0) return;
      const target = rules[index]!.to;
      if (target.model === request.model) return;
      const ratio = request.inputTokens > 0 ? context.recountFor(request, target.model) / request.inputTokens : 1;
      simulated.model = target.model;
      simulated.provider = providers[index]!;
      simulated.inputTokens = Math.round(simulated.inputTokens * ratio);
      simulated.segments = simulated.segments.map((segment) => ({ ...segment, tokens: segment.tokens * ratio }));
      // Another provider's cache never held this prompt.
      simulated.cachedInputTokens = 0;
      simulated.cacheWriteTokens = 0;
      simulated.cacheWrite1hTokens = 0;
      simulated.routed = true;
      simulated.changed = true;
    },
  };
}
