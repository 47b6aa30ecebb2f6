// Reads replay_requests and replay_segments (two results sorted alike) a chunk at a time, column
// by column, into batches of typed columns (DuckDB's row objects, a wrapper value per cell, cost
// more than the replay itself), which the replay worker turns into ReplayRequests.
import { listValue, type DuckDBDataChunk, type DuckDBResult, type DuckDBVector } from '@duckdb/node-api';
import { columnIndexes, RowCursor } from '../row-cursor.js';
import { FLAG, NUMBER_AT, NUMBERS, SEGMENT_KINDS, STRINGS, type RequestBatch } from './request-batch.js';


/** The parameters replay_requests takes. */
export function replayRequestParams(withQuestions: boolean) {
  return { with_questions: withQuestions };
}

/** The parameters replay_segments takes. */
export function replaySegmentParams() {
  return { segment_kinds: listValue([...SEGMENT_KINDS]) };
}

/** The columns of replay_requests that are not strings, in the order readRequestBatch takes them. */
const VALUE_COLUMNS = [
  'seq',
  'ts_ms',
  'latency_ms',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'cost_usd',
  'prompt_tokens_o200k',
  'prompt_tokens_cl100k',
  'batch',
  'cacheable',
  'response_key',
] as const;
/** Its string columns, in the order of request-batch.ts's STRING_AT. */
const STRING_COLUMNS = ['request_id', 'feature', 'provider', 'model', 'user_id', 'status', 'question'] as const;
const COLUMNS = [...VALUE_COLUMNS, ...STRING_COLUMNS] as const;
type Column = (typeof COLUMNS)[number];

const SEGMENT_COLUMNS = ['seq', 'kind', 'tokens', 'used', 'position_hash'] as const;

/** The segments of a batch's requests as they are read, before they become typed columns. */
interface SegmentValues {
  kinds: number[];
  tokens: number[];
  used: number[];
  positionHashes: bigint[];
}

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

  /** Adds the request's segments, in prompt order, to `into`. */
  async take(seq: number, into: SegmentValues): Promise<void> {
    await this.rows.takeWhile(
      ([seqs], row) => (seqs!.getItem(row) as number) === seq,
      ([, kinds, tokens, used, hashes], row) => {
        const kind = kinds!.getItem(row) as number;
        if (SEGMENT_KINDS[kind] === undefined) throw new Error('replay_segments: a segment of unknown kind');
        into.kinds.push(kind);
        into.tokens.push(tokens!.getItem(row) as number);
        const isUsed = used!.getItem(row) as boolean | null;
        into.used.push(isUsed === null ? -1 : isUsed ? 1 : 0);
        into.positionHashes.push(hashes!.getItem(row) as bigint);
      },
    );
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

/** A chunk of replay_requests as a batch, each request's segments taken from the cursor. */
export async function readRequestBatch(chunk: DuckDBDataChunk, at: Record<Column, number>, segments: SegmentCursor): Promise<RequestBatch> {
  const vector = (column: Column): DuckDBVector => chunk.getColumnVector(at[column]);
  const [seq, tsMs, latencyMs, inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, cacheWrite1hTokens, costUsd, o200k, cl100k, batchColumn, cacheable, responseKey] =
    VALUE_COLUMNS.map(vector);
  const stringColumns = STRING_COLUMNS.map(vector);
  const count = chunk.rowCount;
  const numbers = new Float64Array(count * NUMBERS);
  const responseKeys = new BigUint64Array(count);
  const strings = new Array<string | null>(count * STRINGS);
  const segmentEnds = new Int32Array(count);
  const values: SegmentValues = { kinds: [], tokens: [], used: [], positionHashes: [] };
  for (let row = 0; row < count; row++) {
    const n = row * NUMBERS;
    const place = seq!.getItem(row) as number;
    const latency = latencyMs!.getItem(row) as number | null;
    const o200kTokens = o200k!.getItem(row) as number | null;
    const cl100kTokens = cl100k!.getItem(row) as number | null;
    numbers[n + NUMBER_AT.seq] = place;
    numbers[n + NUMBER_AT.tsMs] = tsMs!.getItem(row) as number;
    numbers[n + NUMBER_AT.latencyMs] = latency ?? 0;
    numbers[n + NUMBER_AT.inputTokens] = inputTokens!.getItem(row) as number;
    numbers[n + NUMBER_AT.outputTokens] = outputTokens!.getItem(row) as number;
    numbers[n + NUMBER_AT.cachedInputTokens] = cachedInputTokens!.getItem(row) as number;
    numbers[n + NUMBER_AT.cacheWriteTokens] = cacheWriteTokens!.getItem(row) as number;
    numbers[n + NUMBER_AT.cacheWrite1hTokens] = cacheWrite1hTokens!.getItem(row) as number;
    numbers[n + NUMBER_AT.costUsd] = costUsd!.getItem(row) as number;
    numbers[n + NUMBER_AT.o200k] = o200kTokens ?? 0;
    numbers[n + NUMBER_AT.cl100k] = cl100kTokens ?? 0;
    numbers[n + NUMBER_AT.flags] =
      ((batchColumn!.getItem(row) as boolean) ? FLAG.batch : 0) |
      ((cacheable!.getItem(row) as boolean) ? FLAG.cacheable : 0) |
      (latency === null ? FLAG.noLatency : 0) |
      (o200kTokens === null ? FLAG.noO200k : 0) |
      (cl100kTokens === null ? FLAG.noCl100k : 0);
    responseKeys[row] = responseKey!.getItem(row) as bigint;
    for (let column = 0; column < STRINGS; column++) strings[row * STRINGS + column] = stringColumns[column]!.getItem(row) as string | null;
    await segments.take(place, values);
    segmentEnds[row] = values.kinds.length;
  }
  return {
    count,
    numbers,
    responseKeys,
    strings,
    segmentEnds,
    segmentKinds: Uint8Array.from(values.kinds),
    segmentTokens: Float64Array.from(values.tokens),
    segmentUsed: Int8Array.from(values.used),
    positionHashes: BigUint64Array.from(values.positionHashes),
  };
}
