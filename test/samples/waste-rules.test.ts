// The ground truth's reading of the DESIGN.md waste rules, one rule per test, on hand-made requests.
import { describe, expect, it } from 'vitest';
import { duplicateRows, historyOverflow, outputBudgets, repeatedSystemPrompts, unusedChunks, type AuditRow } from '../../samples/generator/waste-rules.js';

const MINUTE_MS = 60_000;

function row(overrides: Partial<AuditRow>): AuditRow {
  return {
    requestId: 'r', timeMs: 0, feature: 'kb-answer', model: 'gpt-4o', status: 'ok', identityKey: 'k',
    inputTokens: 100, outputTokens: 10, cachedInputTokens: 0, output: 'an answer', system: null, historyTokens: [], chunks: [], userText: '',
    ...overrides,
  };
}

describe('duplicate_request', () => {
  it('flags a repeat of an earlier ok request, but not a repeat of a failed one', () => {
    const rows = [
      row({ identityKey: 'a' }),
      row({ identityKey: 'a', timeMs: MINUTE_MS }),
      row({ identityKey: 'b', status: 'error', output: '', outputTokens: 0 }),
      row({ identityKey: 'b', timeMs: 2 * MINUTE_MS }),
    ];
    expect([...duplicateRows(rows, 'status-ok')]).toEqual([1]);
  });
});

describe('repeated_system_prompt', () => {
  const system = { text: 'a long prompt', tokens: 1500 };

  it('wastes the uncached system tokens of a prompt sent again within the hour', () => {
    const rows = [row({ system }), row({ system, timeMs: 10 * MINUTE_MS, cachedInputTokens: 1408 })];
    expect([...repeatedSystemPrompts(rows, new Set()).wasteByRow]).toEqual([[1, 92]]);
  });

  it('ignores prompts sent more than an hour apart, and prompts under 1024 tokens', () => {
    const short = { text: 'short', tokens: 1000 };
    const rows = [row({ system }), row({ system, timeMs: 61 * MINUTE_MS }), row({ system: short }), row({ system: short, timeMs: MINUTE_MS })];
    expect(repeatedSystemPrompts(rows, new Set()).wasteByRow.size).toBe(0);
  });
});

describe('history_overflow', () => {
  it('wastes the history older than the 6 newest messages', () => {
    expect(historyOverflow(row({ historyTokens: [50, 60, 70, 10, 10, 10, 10, 10, 10] }))).toEqual({ tokens: 180, tokenLimitDecided: false });
  });

  it('wastes a message that does not fit whole under 4000 tokens, and everything older', () => {
    expect(historyOverflow(row({ historyTokens: [100, 500, 3000, 900] }))).toEqual({ tokens: 600, tokenLimitDecided: true });
  });
});

describe('unused_retrieval', () => {
  const chunk = (id: string, text: string) => ({ id, text, tokens: 7 });

  it('counts a chunk as used when the answer cites its id or shares two 4-grams with it', () => {
    const rows = row({
      output: 'Refunds reach the card within five business days of approval. See [d2].',
      chunks: [chunk('d1', 'Refunds reach the card within five business days.'), chunk('d2', 'Unrelated text.'), chunk('d3', 'Pallets ship on Mondays.')],
    });
    expect(unusedChunks(rows, 'remove-non-word').map((each) => each.id)).toEqual(['d3']);
  });

  it('does not count 4-grams the answer only echoes from the question', () => {
    const rows = row({
      userText: 'Question: do refunds reach the card within a week?',
      output: 'You asked if refunds reach the card within a week: it depends.',
      chunks: [chunk('d1', 'Most refunds reach the card within a week or two.')],
    });
    expect(unusedChunks(rows, 'remove-non-word').map((each) => each.id)).toEqual(['d1']);
  });
});

describe('verbose_output', () => {
  it('sets the budget at twice the median output of the feature\'s ok requests, duplicates included', () => {
    const rows = [10, 20, 30, 40].map((outputTokens) => row({ outputTokens })).concat(row({ outputTokens: 0, status: 'error' }));
    expect(outputBudgets(rows, 'status-ok').get('kb-answer')).toEqual({ medianOutputTokens: 25, budgetTokens: 50 });
  });
});
