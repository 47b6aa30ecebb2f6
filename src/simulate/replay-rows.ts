// Reads replay_requests and replay_segments (two results sorted alike) a chunk at a time, column
// by column, into ReplayRequests: DuckDB's row objects (a wrapper value per cell) cost more than
// the replay itself.
import { listValue, type DuckDBDataChunk, type DuckDBResult, type DuckDBVector } from '@duckdb/node-api';
import type { ReplayRequest, ReplaySegment } from './types.js';

/** Segment kinds in the order replay_requests numbers them ($segment_kinds). */
const SEGMENT_KINDS: ReadonlyArray<ReplaySegment['kind']> = ['system', 'history', 'retrieval', 'user', 'tool'];

/** The parameters replay_requests takes. */
export function replayRequestParams(withQuestions: boolean) {
  return { with_questions: withQuestions };
}

/** The parameters replay_segments takes. */
export function replaySegmentParams() {
  return { segment_kinds: listValue([...SEGMENT_KINDS]) };
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
  'question',
  'prompt_tokens_o200k',
  'prompt_tokens_cl100k',
] as const;
type Column = (typeof COLUMNS)[number];

const SEGMENT_COLUMNS = ['request_id', 'kind', 'tokens', 'used', 'position_hash'] as const;

/** Where each column is in the result, checked once: a renamed column fails loudly. */
export function columnIndexes<C extends string>(result: DuckDBResult, columns: readonly C[], query: string): Record<C, number> {
  const names = result.columnNames();
  const indexes = {} as Record<C, number>;
  for (const column of columns) {
    const index = names.indexOf(column);
    if (index < 0) throw new Error(`${query}: no column ${column}`);
    indexes[column] = index;
  }
  return indexes;
}

/**
 * The segments of each request in turn, from replay_segments: its rows come in the order of
 * replay_requests, so a request's segments are the run of rows with its id at the cursor (none
 * when the cursor already holds a later request's).
 */
export class SegmentCursor {
  private readonly at: Record<(typeof SEGMENT_COLUMNS)[number], number>;
  private chunk: DuckDBDataChunk | null = null;
  private vectors: DuckDBVector[] = [];
  private row = 0;
  private done = false;

  constructor(private readonly result: DuckDBResult) {
    this.at = columnIndexes(result, SEGMENT_COLUMNS, 'replay_segments');
  }

  /** The request's segments in prompt order, each with the key of the prefix ending there. */
  async take(requestId: string): Promise<ReplaySegment[]> {
    const segments: ReplaySegment[] = [];
    // the prompt prefix ending at a segment: the sum of each segment's (position, hash) hash so far
    let prefixKey = 0n;
    for (;;) {
      if (!this.chunk || this.row >= this.chunk.rowCount) {
        if (this.done || !(await this.fetch())) return segments;
      }
      const [ids, kinds, tokens, used, hashes] = this.vectors;
      if ((ids!.getItem(this.row) as string) !== requestId) return segments;
      const kind = SEGMENT_KINDS[kinds!.getItem(this.row) as number];
      if (kind === undefined) throw new Error('replay_segments: a segment of unknown kind');
      prefixKey += hashes!.getItem(this.row) as bigint;
      segments.push({ kind, tokens: tokens!.getItem(this.row) as number, used: used!.getItem(this.row) as boolean | null, prefixKey });
      this.row++;
    }
  }

  private async fetch(): Promise<boolean> {
    const chunk = await this.result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) {
      this.done = true;
      return false;
    }
    this.chunk = chunk;
    this.vectors = SEGMENT_COLUMNS.map((column) => chunk.getColumnVector(this.at[column]));
    this.row = 0;
    return true;
  }
}

/** The request columns' positions in a replay_requests result. */
export function requestColumns(result: DuckDBResult): Record<Column, number> {
  return columnIndexes(result, COLUMNS, 'replay_requests');
}

/** Calls `visit` with each request of the chunk, in order, its segments taken from the cursor. */
export async function visitReplayRequests(chunk: DuckDBDataChunk, at: Record<Column, number>, segments: SegmentCursor, visit: (request: ReplayRequest) => void): Promise<void> {
  const vector = (column: Column): DuckDBVector => chunk.getColumnVector(at[column]);
  const [requestId, tsMs, feature, provider, model, userId, status, batch, latencyMs, responseKey, cacheable] = (
    ['request_id', 'ts_ms', 'feature', 'provider', 'model', 'user_id', 'status', 'batch', 'latency_ms', 'response_key', 'cacheable'] as const
  ).map(vector);
  const [inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, cacheWrite1hTokens, costUsd, question, o200k, cl100k] = (
    ['input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'cost_usd', 'question', 'prompt_tokens_o200k', 'prompt_tokens_cl100k'] as const
  ).map(vector);
  for (let row = 0; row < chunk.rowCount; row++) {
      const id = requestId!.getItem(row) as string;
    visit({
      requestId: id,
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
      segments: await segments.take(id),
      question: question!.getItem(row) as string | null,
      promptTokens: { o200k_base: o200k!.getItem(row) as number | null, cl100k_base: cl100k!.getItem(row) as number | null },
    });
  }
}
