// Every file kind as the same stream of LineBatch: JSON records, one per line, with the line or
// row each came from. The parse workers never see the file kind.
import type { LineBatch } from '../line-batch.js';
import type { LogFile } from '../read.js';
import { readLineBatches, type SpareBuffers } from '../read.js';
import { arrowLineBatches } from './arrow.js';
import { csvLineBatches } from './csv.js';
import { isJsonDocument, jsonDocumentBatches } from './json-document.js';
import { parquetLineBatches } from './parquet.js';

export async function* recordBatches(file: LogFile, spare?: SpareBuffers): AsyncGenerator<LineBatch> {
  switch (file.kind) {
    case 'parquet':
      yield* parquetLineBatches(file.path);
      return;
    case 'arrow':
      yield* arrowLineBatches(file.path);
      return;
    case 'csv':
      yield* csvLineBatches(file.path);
      return;
    case 'jsonl':
      yield* (await isJsonDocument(file.path)) ? jsonDocumentBatches(file.path) : readLineBatches(file.path, undefined, spare);
      return;
  }
}
