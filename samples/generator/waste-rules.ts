// The waste rules of DESIGN.md ("Waste categories"), applied with their default settings to
// requests read back from the written sample. Independent of how the generator planted them.
import { sharedOutsideQuestion, wordFourGrams, type PunctuationReading } from './ngrams.js';

export const WASTE_SETTINGS = {
  duplicateWindowSeconds: 86_400,
  cacheWindowSeconds: 3_600,
  minCacheableTokens: 1_024,
  history: { maxMessages: 6, maxTokens: 4_000 },
  retrieval: { minSharedNgrams: 2, ngramWords: 4 },
  outputBudget: { multipleOfFeatureMedian: 2 },
} as const;

/** One request as the rules see it; token counts are o200k_base counts of segment texts. */
export interface AuditRow {
  requestId: string;
  timeMs: number;
  feature: string;
  model: string;
  status: 'ok' | 'error';
  /** Model, messages and params: what makes two requests the same request. */
  identityKey: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  output: string;
  system: { text: string; tokens: number } | null;
  /** Tokens of each history message, oldest first. */
  historyTokens: number[];
  chunks: { id: string; text: string; tokens: number }[];
  /** The last user message with the chunk texts cut out. */
  userText: string;
}

/** Which requests count as "ok" where a rule says so: the status field, or also a non-empty output. */
export type OkReading = 'status-ok' | 'status-ok-and-not-failed';

export function isFailed(row: AuditRow): boolean {
  return row.status === 'error' || (row.output === '' && row.inputTokens + row.outputTokens > 0);
}

function isOk(row: AuditRow, reading: OkReading): boolean {
  return row.status === 'ok' && (reading === 'status-ok' || !isFailed(row));
}

/** Indexes of rows repeating an earlier ok request (same model, messages, params) within the window. Rows in time order. */
export function duplicateRows(rows: readonly AuditRow[], reading: OkReading): Set<number> {
  const windowMs = WASTE_SETTINGS.duplicateWindowSeconds * 1000;
  const lastOkMs = new Map<string, number>();
  const duplicates = new Set<number>();
  rows.forEach((row, index) => {
    const earlier = lastOkMs.get(row.identityKey);
    if (earlier !== undefined && earlier < row.timeMs && row.timeMs - earlier <= windowMs) duplicates.add(index);
    if (isOk(row, reading)) lastOkMs.set(row.identityKey, row.timeMs);
  });
  return duplicates;
}

export interface SystemPromptFindings {
  wasteByRow: Map<number, number>;
  /** Repeats exactly at the window's edge, or prompts within the chat-format overhead of the minimum. */
  edgeCases: number;
}

/** System tokens billed uncached for prompts sent earlier (by any request) within the cache window. */
export function repeatedSystemPrompts(rows: readonly AuditRow[], wasteless: ReadonlySet<number>): SystemPromptFindings {
  const windowMs = WASTE_SETTINGS.cacheWindowSeconds * 1000;
  const lastSentMs = new Map<string, number>();
  const wasteByRow = new Map<number, number>();
  let edgeCases = 0;
  rows.forEach((row, index) => {
    if (!row.system) return;
    const key = `${row.model}\u0000${row.system.text}`;
    const earlier = lastSentMs.get(key);
    lastSentMs.set(key, row.timeMs);
    const tokens = row.system.tokens;
    if (tokens < WASTE_SETTINGS.minCacheableTokens && tokens + 3 >= WASTE_SETTINGS.minCacheableTokens) edgeCases++;
    if (earlier === undefined || row.timeMs - earlier > windowMs || tokens < WASTE_SETTINGS.minCacheableTokens) return;
    if (row.timeMs - earlier === windowMs) edgeCases++;
    // Cached tokens count against the prefix, and the system prompt is the prefix's start.
    const waste = Math.max(0, tokens - row.cachedInputTokens);
    if (!wasteless.has(index) && waste > 0) wasteByRow.set(index, waste);
  });
  return { wasteByRow, edgeCases };
}

/**
 * History tokens outside the window: newest first, a message is kept while fewer than
 * maxMessages are kept and it fits whole under maxTokens; it and everything older is waste.
 */
export function historyOverflow(row: AuditRow): { tokens: number; tokenLimitDecided: boolean } {
  const { maxMessages, maxTokens } = WASTE_SETTINGS.history;
  let kept = 0;
  let keptTokens = 0;
  for (let index = row.historyTokens.length - 1; index >= 0; index--) {
    const tokens = row.historyTokens[index]!;
    if (kept < maxMessages && keptTokens + tokens <= maxTokens) {
      kept++;
      keptTokens += tokens;
      continue;
    }
    const older = row.historyTokens.slice(0, index + 1).reduce((sum, each) => sum + each, 0);
    return { tokens: older, tokenLimitDecided: kept < maxMessages };
  }
  return { tokens: 0, tokenLimitDecided: false };
}

/** Chunks the output neither cites by id nor shares enough 4-grams with (outside the question). */
export function unusedChunks(row: AuditRow, reading: PunctuationReading): AuditRow['chunks'] {
  if (row.chunks.length === 0) return [];
  const answer = wordFourGrams(row.output, reading);
  const question = wordFourGrams(row.userText, reading);
  return row.chunks.filter((chunk) => {
    if (row.output.includes(chunk.id)) return false;
    return sharedOutsideQuestion(answer, wordFourGrams(chunk.text, reading), question) < WASTE_SETTINGS.retrieval.minSharedNgrams;
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Per feature: 2 × the median output tokens of its ok requests, duplicates included. */
export function outputBudgets(rows: readonly AuditRow[], reading: OkReading): Map<string, { medianOutputTokens: number; budgetTokens: number }> {
  const outputsByFeature = new Map<string, number[]>();
  for (const row of rows) {
    if (!isOk(row, reading)) continue;
    const outputs = outputsByFeature.get(row.feature) ?? [];
    outputs.push(row.outputTokens);
    outputsByFeature.set(row.feature, outputs);
  }
  const budgets = new Map<string, { medianOutputTokens: number; budgetTokens: number }>();
  for (const [feature, outputs] of [...outputsByFeature].sort(([a], [b]) => a.localeCompare(b))) {
    const medianOutputTokens = median(outputs);
    budgets.set(feature, { medianOutputTokens, budgetTokens: WASTE_SETTINGS.outputBudget.multipleOfFeatureMedian * medianOutputTokens });
  }
  return budgets;
}
