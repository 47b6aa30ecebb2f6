// trimming: a history window, the first k retrieval chunks (or, as `oracle`, only the chunks the
// answer used — the ceiling), and an output cap that counts the answers it would have cut.
import type { Scenario } from '../../config/scenarios.js';
import { removeSegments, type Policy } from '../types.js';

type Trimming = NonNullable<Scenario['trimming']>;

/** Indexes of history segments outside the window (newest first: messages, then tokens). */
function historyOverflow(tokensNewestFirst: number[], maxMessages: number, maxTokens: number): Set<number> {
  const dropped = new Set<number>();
  let total = 0;
  tokensNewestFirst.forEach((tokens, rank) => {
    total += tokens;
    if (rank >= maxMessages || total > maxTokens) dropped.add(rank);
  });
  return dropped;
}

export function trimmingPolicy(trimming: Trimming): Policy {
  return {
    apply(_request, simulated) {
      if (trimming.history) {
        const history = simulated.segments.map((s, i) => ({ s, i })).filter(({ s }) => s.kind === 'history').reverse();
        const dropped = historyOverflow(history.map(({ s }) => s.tokens), trimming.history.maxMessages ?? Infinity, trimming.history.maxTokens ?? Infinity);
        const droppedIndexes = new Set(history.filter((_, rank) => dropped.has(rank)).map(({ i }) => i));
        removeSegments(simulated, (_s, i) => !droppedIndexes.has(i));
      }
      if (trimming.retrieval) {
        const { topK, oracle } = trimming.retrieval;
        let seen = 0;
        removeSegments(simulated, (s) => {
          if (s.kind !== 'retrieval') return true;
          seen++;
          if (oracle) return s.used !== false;
          return topK === undefined || seen <= topK;
        });
      }
      if (trimming.maxOutputTokens !== undefined && simulated.outputTokens > trimming.maxOutputTokens) {
        simulated.outputTokens = trimming.maxOutputTokens;
        simulated.truncated = true;
        simulated.changed = true;
      }
    },
  };
}
