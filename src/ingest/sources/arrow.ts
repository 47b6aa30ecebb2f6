// Arrow IPC files and streams (Feather v2, as pandas `to_feather` and polars `write_ipc` write
// them) as JSON records, one record batch at a time: the DuckDB Node API has no Arrow import,
// so the rows take the same path as JSONL. LZ4- and ZSTD-compressed bodies are decoded here.
import { createReadStream } from 'node:fs';
import { compressionRegistry, CompressionType, RecordBatchReader } from 'apache-arrow';
import { decompress as zstdDecompress } from 'fzstd';
import { decompress as lz4Decompress } from 'lz4js';
import type { LineBatch } from '../line-batch.js';
import { InputError } from '../read.js';

compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: (data) => lz4Decompress(data) });
compressionRegistry.set(CompressionType.ZSTD, { decode: (data) => zstdDecompress(data) });

/** An Arrow value as JSON holds it: int64 as a number, timestamps as epoch ms, lists and structs nested. */
export function arrowValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return value.getTime();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, arrowValue);
  if (Array.isArray(value)) return value.map(arrowValue);
  const candidate = value as { toArray?: () => unknown; toJSON?: () => unknown };
  // Vectors (lists) and StructRows/MapRows (structs, maps) both expose toJSON.
  if (typeof candidate.toJSON === 'function') {
    const json = candidate.toJSON();
    if (Array.isArray(json)) return json.map(arrowValue);
    if (json && typeof json === 'object') return Object.fromEntries(Object.entries(json).map(([key, inner]) => [key, arrowValue(inner)]));
    return json;
  }
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, arrowValue(inner)]));
}

/** Yields each record batch's rows as JSON lines; a row's "line" is its 1-based row number. */
export async function* arrowLineBatches(path: string): AsyncGenerator<LineBatch> {
  let reader;
  try {
    reader = await RecordBatchReader.from(createReadStream(path));
    await reader.open();
  } catch (error) {
    throw new InputError(`${path}: not an Arrow IPC file or stream (${(error as Error).message})`);
  }
  let firstLine = 1;
  for await (const batch of reader) {
    const lines: string[] = [];
    for (const row of batch) {
      const record = row === null ? null : arrowValue(row);
      lines.push(JSON.stringify(record));
    }
    if (lines.length === 0) continue;
    yield { firstLine, text: lines.join('\n') };
    firstLine += lines.length;
  }
}
