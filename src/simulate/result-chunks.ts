// The replay's results into DuckDB a data chunk at a time, by number: an Appender call per value
// and per row (14 values, four rows a request) cost more than the replay itself, and strings
// are the dearest values to append, so the request's strings are joined back in SQL
// (queries/replay_results_insert.sql).
import { BOOLEAN, DOUBLE, DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBAppender, type DuckDBValue } from '@duckdb/node-api';

/** The columns of queries/replay_results.sql, in order. */
const TYPES = [INTEGER, DOUBLE, VARCHAR, DOUBLE, DOUBLE, DOUBLE, DOUBLE, DOUBLE, BOOLEAN, BOOLEAN, BOOLEAN, BOOLEAN];
/** DuckDB's vector size: rows per chunk. */
const CHUNK_ROWS = 2048;

export interface ResultValues {
  scenarioNo: number;
  seq: number;
  /** The model when a policy sent the request to another one, else null. */
  routedModel: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: number;
  latencyMs: number | null;
  responseCacheHit: boolean;
  routed: boolean;
  truncated: boolean;
  blocked: boolean;
}

export class ResultChunks {
  private columns: DuckDBValue[][] = TYPES.map(() => []);
  private rows = 0;

  constructor(private readonly appender: DuckDBAppender) {}

  add(result: ResultValues): void {
    const values = [
      result.scenarioNo,
      result.seq,
      result.routedModel,
      result.inputTokens,
      result.outputTokens,
      result.cachedTokens,
      result.costUsd,
      result.latencyMs,
      result.responseCacheHit,
      result.routed,
      result.truncated,
      result.blocked,
    ];
    for (let column = 0; column < values.length; column++) this.columns[column]!.push(values[column]!);
    if (++this.rows === CHUNK_ROWS) this.flush();
  }

  /** Appends the rows added since the last flush. */
  flush(): void {
    if (this.rows === 0) return;
    const chunk = DuckDBDataChunk.create(TYPES, this.rows);
    chunk.setColumns(this.columns);
    this.appender.appendDataChunk(chunk);
    this.columns = TYPES.map(() => []);
    this.rows = 0;
  }
}
