// The replay's results into DuckDB a data chunk at a time, by number (chunk-appender.ts): strings
// are the dearest values to append, so the request's strings are joined back in SQL
// (queries/replay_results_insert.sql).
import { BOOLEAN, DOUBLE, INTEGER, VARCHAR, type DuckDBAppender } from '@duckdb/node-api';
import { ChunkAppender } from '../chunk-appender.js';

/** The columns of queries/replay_results.sql, in order. */
const TYPES = [INTEGER, DOUBLE, VARCHAR, DOUBLE, DOUBLE, DOUBLE, DOUBLE, DOUBLE, BOOLEAN, BOOLEAN, BOOLEAN, BOOLEAN];

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
  private readonly chunks: ChunkAppender;

  constructor(appender: DuckDBAppender) {
    this.chunks = new ChunkAppender(appender, TYPES);
  }

  add(result: ResultValues): void {
    this.chunks.add([
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
    ]);
  }

  /** Appends the rows added since the last flush. */
  flush(): void {
    this.chunks.flush();
  }
}
