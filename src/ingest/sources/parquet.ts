// Streams Parquet rows as JSON lines (DuckDB's to_json), so they take the same validated path
// as JSONL; a row's "line" is its 1-based row number.
import { DuckDBInstance } from '@duckdb/node-api';
import type { LineBatch } from '../read.js';

export async function* parquetLineBatches(path: string, batchRows = 8192): AsyncGenerator<LineBatch> {
  // Its own instance: a result streaming on the audit's connection must not share it.
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const result = await connection.stream('select to_json(t)::varchar as line from read_parquet($path) as t', { path });
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
    // a streaming result that fails part way ends as if it were done (Database.assertStreamedAll)
    const [counted] = (await connection.runAndReadAll('select count(*) as n from read_parquet($path)', { path })).getRowObjectsJson();
    const rows = firstLine - 1 + lines.length;
    if (Number(counted?.n) !== rows) throw new Error(`${path}: DuckDB ended reading the file after ${rows} of its ${String(counted?.n)} rows`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
