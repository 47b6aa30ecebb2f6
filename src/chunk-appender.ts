// Rows into DuckDB a data chunk at a time: an Appender call per value (and per row) cost more than
// the work that made the values (the replay's results, the retrieval decisions).
import { DuckDBDataChunk, type DuckDBAppender, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';

/** DuckDB's vector size: rows per chunk. */
const CHUNK_ROWS = 2048;

export class ChunkAppender {
  private columns: DuckDBValue[][];
  private rows = 0;

  /** `types` are the table's columns, in order. */
  constructor(
    private readonly appender: DuckDBAppender,
    private readonly types: readonly DuckDBType[],
  ) {
    this.columns = types.map(() => []);
  }

  /** Adds a row, a value per column in the table's order; a full chunk goes in. */
  add(values: readonly DuckDBValue[]): void {
    for (let column = 0; column < values.length; column++) this.columns[column]!.push(values[column]!);
    if (++this.rows === CHUNK_ROWS) this.flush();
  }

  /** Appends the rows added since the last flush. */
  flush(): void {
    if (this.rows === 0) return;
    const chunk = DuckDBDataChunk.create(this.types, this.rows);
    chunk.setColumns(this.columns);
    this.appender.appendDataChunk(chunk);
    this.columns = this.types.map(() => []);
    this.rows = 0;
  }
}
