// Streams Parquet rows as JSON lines (DuckDB's to_json), so they take the same validated path
// as JSONL; a row's "line" is its 1-based row number.
import { DuckDBInstance } from '@duckdb/node-api';
import type { LineBatch } from '../line-batch.js';
import { assertStreamedAll } from '../../db.js';

const ROWS_AS_JSON = 'select to_json(t)::varchar as line from read_parquet($path) as t';

export async function* parquetLineBatches(path: string, batchRows = 8192): AsyncGenerator<LineBatch> {
  // Its own instance: a result streaming on the audit's connection must not share it.
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const result = await connection.stream(ROWS_AS_JSON, { path });
    let lines: string[] = [];
    let firstLine = 1;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const value of chunk.getColumnValues(0)) lines.push(String(value));
      if (lines.length >= batchRows) {
        yield { firstLine, text: lines.join('\n') };
        firstLine += lines.length;
        lines = [];
      }
    }
    if (lines.length > 0) yield { firstLine, text: lines.join('\n') };
    await assertStreamedAll(connection, path, ROWS_AS_JSON, { path }, firstLine - 1 + lines.length);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
