// Reads replay_requests a chunk at a time, column by column, into ReplayRequests: DuckDB's row
// objects (a wrapper value per cell, a struct per segment) cost more than the replay itself.
import { listValue, type DuckDBDataChunk, type DuckDBListVector, type DuckDBResult, type DuckDBStructVector, type DuckDBVector } from '@duckdb/node-api';
import type { ReplayRequest, ReplaySegment } from './types.js';

/** Segment kinds in the order replay_requests numbers them ($segment_kinds). */
const SEGMENT_KINDS: ReadonlyArray<ReplaySegment['kind']> = ['system', 'history', 'retrieval', 'user', 'tool'];

/** The parameters replay_requests takes. */
export function replayParams(withQuestions: boolean) {
  return { with_questions: withQuestions, segment_kinds: listValue([...SEGMENT_KINDS]) };
}

const COLUMNS = [
  'request_id',
  'ts_ms',
  'feature',
  'provider',
  'model',
  'user_id',
  'status',
  'batch',
  'latency_ms',
  'response_key',
  'cacheable',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'cost_usd',
  'segments',
  'question',
  'prompt_tokens_o200k',
  'prompt_tokens_cl100k',
] as const;
type Column = (typeof COLUMNS)[number];

/** Where each column is in the result, checked once: a renamed column fails loudly. */
export function columnIndexes(result: DuckDBResult): Record<Column, number> {
  const names = result.columnNames();
  const indexes = {} as Record<Column, number>;
  for (const column of COLUMNS) {
    const index = names.indexOf(column);
    if (index < 0) throw new Error(`replay_requests: no column ${column}`);
    indexes[column] = index;
  }
  return indexes;
}

/** Calls `visit` with each request of the chunk, in order. */
export function visitReplayRequests(chunk: DuckDBDataChunk, at: Record<Column, number>, visit: (request: ReplayRequest) => void): void {
  const vector = (column: Column): DuckDBVector => chunk.getColumnVector(at[column]);
  const [requestId, tsMs, feature, provider, model, userId, status, batch, latencyMs, responseKey, cacheable] = (
    ['request_id', 'ts_ms', 'feature', 'provider', 'model', 'user_id', 'status', 'batch', 'latency_ms', 'response_key', 'cacheable'] as const
  ).map(vector);
  const [inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, cacheWrite1hTokens, costUsd, question, o200k, cl100k] = (
    ['input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'cost_usd', 'question', 'prompt_tokens_o200k', 'prompt_tokens_cl100k'] as const
  ).map(vector);
  // segments: a list of {kind, tokens, used, prefixKey} structs, read field vector by field vector
  const segmentLists = vector('segments') as DuckDBListVector;
  const fields = segmentLists.childVector as DuckDBStructVector;
  const [kindItems, tokenItems, usedItems, keyItems] = [0, 1, 2, 3].map((field) => fields.entryVectorAt(field));
  for (let row = 0; row < chunk.rowCount; row++) {
    const offset = segmentLists.getEntryOffset(row);
    const segments: ReplaySegment[] = new Array<ReplaySegment>(segmentLists.getEntryLength(row));
    for (let i = 0; i < segments.length; i++) {
      const kind = SEGMENT_KINDS[kindItems!.getItem(offset + i) as number];
      if (kind === undefined) throw new Error('replay_requests: a segment of unknown kind');
      segments[i] = {
        kind,
        tokens: tokenItems!.getItem(offset + i) as number,
        used: usedItems!.getItem(offset + i) as boolean | null,
        prefixKey: keyItems!.getItem(offset + i) as bigint,
      };
    }
    visit({
      requestId: requestId!.getItem(row) as string,
      tsMs: tsMs!.getItem(row) as number,
      feature: feature!.getItem(row) as string,
      provider: provider!.getItem(row) as string,
      model: model!.getItem(row) as string,
      userId: userId!.getItem(row) as string | null,
      status: status!.getItem(row) as string,
      batch: batch!.getItem(row) as boolean,
      latencyMs: latencyMs!.getItem(row) as number | null,
      responseKey: responseKey!.getItem(row) as bigint,
      cacheable: cacheable!.getItem(row) as boolean,
      inputTokens: inputTokens!.getItem(row) as number,
      outputTokens: outputTokens!.getItem(row) as number,
      cachedInputTokens: cachedInputTokens!.getItem(row) as number,
      cacheWriteTokens: cacheWriteTokens!.getItem(row) as number,
      cacheWrite1hTokens: cacheWrite1hTokens!.getItem(row) as number,
      costUsd: costUsd!.getItem(row) as number,
      segments,
      question: question!.getItem(row) as string | null,
      promptTokens: { o200k_base: o200k!.getItem(row) as number | null, cl100k_base: cl100k!.getItem(row) as number | null },
    });
  }
}
