// Reads replay_requests and replay_segments (two results sorted alike) a chunk at a time, column
// by column, into ReplayRequests: DuckDB's row objects (a wrapper value per cell) cost more than
// the replay itself.
import { listValue, type DuckDBDataChunk, type DuckDBResult, type DuckDBVector } from '@duckdb/node-api';
import { columnIndexes, RowCursor } from '../row-cursor.js';
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
  'seq',
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

const SEGMENT_COLUMNS = ['seq', 'kind', 'tokens', 'used', 'position_hash'] as const;

/**
 * The segments of each request in turn, from replay_segments: its rows come in the order of
 * replay_requests, so a request's segments are the run of rows with its replay_order number at
 * the cursor (none when the cursor already holds a later request's).
 */
export class SegmentCursor {
  private readonly rows: RowCursor<(typeof SEGMENT_COLUMNS)[number]>;

  constructor(result: DuckDBResult) {
    this.rows = new RowCursor(result, SEGMENT_COLUMNS, 'replay_segments');
  }

  /** The request's segments in prompt order, each with the key of the prefix ending there. */
  async take(seq: number): Promise<ReplaySegment[]> {
    const segments: ReplaySegment[] = [];
    // the prompt prefix ending at a segment: the sum of each segment's (position, hash) hash so far
    let prefixKey = 0n;
    await this.rows.takeWhile(
      ([seqs], row) => (seqs!.getItem(row) as number) === seq,
      ([, kinds, tokens, used, hashes], row) => {
        const kind = SEGMENT_KINDS[kinds!.getItem(row) as number];
        if (kind === undefined) throw new Error('replay_segments: a segment of unknown kind');
        prefixKey += hashes!.getItem(row) as bigint;
        segments.push({ kind, tokens: tokens!.getItem(row) as number, used: used!.getItem(row) as boolean | null, prefixKey });
      },
    );
    return segments;
  }

  /** Every row the result gave, once the replay is through (skipping any no request claimed). */
  async rowsRead(): Promise<number> {
    await this.rows.skipRest();
    return this.rows.rowsFetched;
  }
}

/** The request columns' positions in a replay_requests result. */
export function requestColumns(result: DuckDBResult): Record<Column, number> {
  return columnIndexes(result, COLUMNS, 'replay_requests');
}

/** Calls `visit` with each request of the chunk, in order, its segments taken from the cursor. */
export async function visitReplayRequests(chunk: DuckDBDataChunk, at: Record<Column, number>, segments: SegmentCursor, visit: (request: ReplayRequest) => void): Promise<void> {
  const vector = (column: Column): DuckDBVector => chunk.getColumnVector(at[column]);
  const [seq, requestId, tsMs, feature, provider, model, userId, status, batch, latencyMs, responseKey, cacheable] = (
    ['seq', 'request_id', 'ts_ms', 'feature', 'provider', 'model', 'user_id', 'status', 'batch', 'latency_ms', 'response_key', 'cacheable'] as const
  ).map(vector);
  const [inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, cacheWrite1hTokens, costUsd, question, o200k, cl100k] = (
    ['input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'cost_usd', 'question', 'prompt_tokens_o200k', 'prompt_tokens_cl100k'] as const
  ).map(vector);
  for (let row = 0; row < chunk.rowCount; row++) {
    const place = seq!.getItem(row) as number;
    visit({
      seq: place,
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
      segments: await segments.take(place),
      question: question!.getItem(row) as string | null,
      promptTokens: { o200k_base: o200k!.getItem(row) as number | null, cl100k_base: cl100k!.getItem(row) as number | null },
    });
  }
}
