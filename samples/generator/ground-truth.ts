// ground-truth.json: the waste DESIGN.md's rules find in the written sample, category by
// category, with the request ids — computed from the files on disk, not from intentions.
import { readFile } from 'node:fs/promises';
import { PUNCTUATION_READINGS } from './ngrams.js';
import { chatFormatTokens, o200kEncoding } from './tokens.js';
import type { CanonicalLine } from './traffic.js';
import {
  duplicateRows, historyOverflow, isFailed, outputBudgets, repeatedSystemPrompts, unusedChunks, WASTE_SETTINGS, type AuditRow,
} from './waste-rules.js';

export const WASTE_CATEGORIES = [
  'duplicate_request', 'failed_request', 'repeated_system_prompt', 'history_overflow', 'unused_retrieval', 'verbose_output',
] as const;
export type WasteCategory = (typeof WASTE_CATEGORIES)[number];

export interface CategoryTruth {
  tokens: number;
  requests: number;
  byRequest: { requestId: string; tokens: number }[];
}

/** Segment texts counted with o200k_base, each distinct text once. */
class SegmentCounter {
  private readonly encoding = o200kEncoding();
  private readonly memo = new Map<string, number>();

  count(text: string): number {
    let tokens = this.memo.get(text);
    if (tokens === undefined) this.memo.set(text, (tokens = this.encoding.encode(text, [], []).length));
    return tokens;
  }
}

function auditRow(line: CanonicalLine, counter: SegmentCounter): AuditRow {
  const lastUser = line.messages.findLastIndex((message) => message.role === 'user');
  const systemTexts = line.messages.filter((message) => message.role === 'system').map((message) => message.content);
  const history = line.messages.filter((message, index) => message.role !== 'system' && index < lastUser);
  let userText = lastUser >= 0 ? line.messages[lastUser]!.content : '';
  for (const chunk of line.retrieval) {
    const at = userText.indexOf(chunk.text);
    if (at >= 0) userText = userText.slice(0, at) + userText.slice(at + chunk.text.length);
  }
  const systemText = systemTexts.join('\n');
  return {
    requestId: line.request_id,
    timeMs: Date.parse(line.timestamp),
    feature: line.feature,
    model: line.model,
    status: line.status,
    identityKey: JSON.stringify([line.model, line.messages, line.params]),
    inputTokens: line.usage.input_tokens,
    outputTokens: line.usage.output_tokens,
    cachedInputTokens: line.usage.cached_input_tokens,
    output: line.output,
    system: systemTexts.length > 0 ? { text: systemText, tokens: systemTexts.reduce((sum, text) => sum + counter.count(text), 0) } : null,
    historyTokens: history.map((message) => counter.count(message.content)),
    chunks: line.retrieval.map((chunk) => ({ ...chunk, tokens: counter.count(chunk.text) })),
    userText,
  };
}

/** Logged usage that the chat-format recount does not reproduce (the sample promises none). */
function usageMismatch(line: CanonicalLine, counter: SegmentCounter): boolean {
  const contentTokens = line.messages.reduce((sum, message) => sum + counter.count(message.content), 0);
  const input = chatFormatTokens(line.provider, contentTokens, line.messages.length);
  return input !== line.usage.input_tokens || counter.count(line.output) !== line.usage.output_tokens;
}

async function readLines(files: readonly string[]): Promise<CanonicalLine[]> {
  const lines: CanonicalLine[] = [];
  for (const file of files) {
    for (const text of (await readFile(file, 'utf8')).split('\n')) if (text !== '') lines.push(JSON.parse(text) as CanonicalLine);
  }
  return lines.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
}

type Tally = Record<WasteCategory, Map<number, number>>;

/** Whole-request categories first; the rest fall on disjoint segments of the remaining requests. */
function tallyWaste(rows: AuditRow[], ambiguities: Record<string, number>): { tally: Tally; budgets: ReturnType<typeof outputBudgets> } {
  const tally = Object.fromEntries(WASTE_CATEGORIES.map((category) => [category, new Map<number, number>()])) as Tally;
  const duplicates = duplicateRows(rows, 'status-ok');
  const budgets = outputBudgets(rows, 'status-ok');
  const strictBudgets = outputBudgets(rows, 'status-ok-and-not-failed');
  ambiguities.duplicatesDependingOnOkReading = symmetricDifference(duplicates, duplicateRows(rows, 'status-ok-and-not-failed'));
  ambiguities.featureBudgetsDependingOnOkReading = [...budgets].filter(([feature, budget]) => strictBudgets.get(feature)?.budgetTokens !== budget.budgetTokens).length;
  const wholeRequest = new Set<number>();
  rows.forEach((row, index) => {
    const failed = isFailed(row);
    if (failed && duplicates.has(index)) ambiguities.bothDuplicateAndFailed!++;
    if (!failed && !duplicates.has(index)) return;
    wholeRequest.add(index);
    tally[duplicates.has(index) ? 'duplicate_request' : 'failed_request'].set(index, row.inputTokens + row.outputTokens);
  });
  const systemPrompts = repeatedSystemPrompts(rows, wholeRequest);
  tally.repeated_system_prompt = systemPrompts.wasteByRow;
  ambiguities.systemPromptEdgeCases = systemPrompts.edgeCases;
  rows.forEach((row, index) => {
    if (wholeRequest.has(index)) return;
    const history = historyOverflow(row);
    if (history.tokens > 0) tally.history_overflow.set(index, history.tokens);
    if (history.tokenLimitDecided) ambiguities.historyCutByTokenLimit!++;
    const unused = unusedChunks(row, PUNCTUATION_READINGS[0]!);
    const unusedTokens = unused.reduce((sum, chunk) => sum + chunk.tokens, 0);
    if (unusedTokens > 0) tally.unused_retrieval.set(index, unusedTokens);
    if (PUNCTUATION_READINGS.some((reading) => unusedChunks(row, reading).length !== unused.length)) ambiguities.retrievalDependingOnPunctuationReading!++;
    const excess = row.outputTokens - (budgets.get(row.feature)?.budgetTokens ?? Infinity);
    if (excess > 0) tally.verbose_output.set(index, excess);
  });
  return { tally, budgets };
}

function symmetricDifference(a: Set<number>, b: Set<number>): number {
  return [...a].filter((x) => !b.has(x)).length + [...b].filter((x) => !a.has(x)).length;
}

export async function computeGroundTruth(files: readonly string[], sample: { profile: string; seed: number }): Promise<object> {
  const counter = new SegmentCounter();
  const lines = await readLines(files);
  const rows = lines.map((line) => auditRow(line, counter));
  const ambiguities: Record<string, number> = { bothDuplicateAndFailed: 0, historyCutByTokenLimit: 0, retrievalDependingOnPunctuationReading: 0 };
  ambiguities.usageNotReproducedByRecount = lines.filter((line) => usageMismatch(line, counter)).length;
  const { tally, budgets } = tallyWaste(rows, ambiguities);
  const categories = {} as Record<WasteCategory, CategoryTruth>;
  for (const category of WASTE_CATEGORIES) {
    const byRequest = [...tally[category]].sort(([a], [b]) => a - b).map(([index, tokens]) => ({ requestId: rows[index]!.requestId, tokens }));
    categories[category] = { tokens: byRequest.reduce((sum, each) => sum + each.tokens, 0), requests: byRequest.length, byRequest };
  }
  return {
    profile: sample.profile,
    seed: sample.seed,
    requests: rows.length,
    encoding: 'o200k_base',
    settings: WASTE_SETTINGS,
    readings: READINGS,
    ambiguities,
    outputBudgets: Object.fromEntries(budgets),
    totals: {
      wasteTokens: WASTE_CATEGORIES.reduce((sum, category) => sum + categories[category].tokens, 0),
      byCategory: Object.fromEntries(WASTE_CATEGORIES.map((category) => [category, categories[category].tokens])),
    },
    categories,
  };
}

/** How the rules were read where DESIGN.md leaves room; `ambiguities` counts the requests where another reading would differ. */
const READINGS = [
  'Segment tokens are raw o200k_base counts of the segment texts, without chat-format overhead and without calibration; logged usage equals the OpenAI chat-format recount (4 per message + 3) for OpenAI models and the content tokens alone for Anthropic models.',
  'A duplicate or failed request counts its logged input_tokens + output_tokens; a request that is both would be a duplicate.',
  '"ok" means status "ok" (duplicates and empty-output rows included); the other reading (also a non-empty output) changes nothing in this sample.',
  'Repeated system prompt: same model and identical system text sent by any earlier request within 3600 s (inclusive), system tokens >= 1024; waste = max(0, system tokens - cached_input_tokens). Anthropic cache writes are not cached tokens.',
  'History window: newest first, a message is kept while fewer than 6 are kept and it fits whole within 4000 tokens; it and everything older is waste.',
  'Unused retrieval: a chunk is used when the output contains its id, or shares >= 2 word 4-grams with it (lower-cased, non-word characters removed) that the user text outside the chunks does not contain.',
  'Verbose output: budget = 2 x median output tokens of the feature\'s ok requests; waste = output tokens - budget when positive, for requests that are neither duplicate nor failed.',
];
