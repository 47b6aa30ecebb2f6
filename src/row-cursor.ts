// Reads a DuckDB result row by row across its chunks, a run of rows at a time: two results
// sorted on the same key are read in step (requests and their segments, answers and their
// chunks) instead of one result carrying a list per row, which DuckDB cannot spill.
import type { DuckDBDataChunk, DuckDBResult, DuckDBVector } from '@duckdb/node-api';

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

export class RowCursor<C extends string> {
  private readonly at: Record<C, number>;
  private chunk: DuckDBDataChunk | null = null;
  private vectors: DuckDBVector[] = [];
  private row = 0;
  /** The chunk's row count (asking the chunk is a call into DuckDB). */
  private rows = 0;
  private done = false;
  /** Rows fetched from DuckDB so far, taken or not (for Database.assertStreamedAll). */
  rowsFetched = 0;

  /** `columns` are the vectors `takeWhile` passes, in this order. */
  constructor(
    private readonly result: DuckDBResult,
    private readonly columns: readonly C[],
    query: string,
  ) {
    this.at = columnIndexes(result, columns, query);
  }

  /** Passes each row from the cursor on to `take` while `matches` holds for it; stops at the first that does not. */
  async takeWhile(matches: (vectors: DuckDBVector[], row: number) => boolean, take: (vectors: DuckDBVector[], row: number) => void): Promise<void> {
    for (;;) {
      if (!this.chunk || this.row >= this.rows) {
        if (this.done || !(await this.fetch())) return;
      }
      if (!matches(this.vectors, this.row)) return;
      take(this.vectors, this.row);
      this.row++;
    }
  }

  /** The row at the cursor as `read` makes it, the cursor past it; null at the end. */
  async takeOne<T>(read: (vectors: DuckDBVector[], row: number) => T): Promise<T | null> {
    if (!this.chunk || this.row >= this.rows) {
      if (this.done || !(await this.fetch())) return null;
    }
    return read(this.vectors, this.row++);
  }

  /** Reads past every row left, so that `rowsFetched` is all the result gave. */
  async skipRest(): Promise<void> {
    await this.takeWhile(
      () => true,
      () => {},
    );
  }

  private async fetch(): Promise<boolean> {
    const chunk = await this.result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) {
      this.done = true;
      return false;
    }
    this.chunk = chunk;
    this.rows = chunk.rowCount;
    this.rowsFetched += chunk.rowCount;
    this.vectors = this.columns.map((column) => chunk.getColumnVector(this.at[column]));
    this.row = 0;
    return true;
  }
}
