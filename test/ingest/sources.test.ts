// The file kinds beside JSONL: CSV (typed cells, multi-line quoted cells, rows with syntax errors
// quarantined), JSON documents (a list, an API page, one pretty-printed object) and Arrow IPC
// (plain and LZ4-compressed, as pandas writes Feather) all reach the adapters as the same records.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressionRegistry, CompressionType, RecordBatchFileWriter, tableFromArrays, tableToIPC } from 'apache-arrow';
import { compress as lz4Compress } from 'lz4js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/db.js';
import { loadLogFiles } from '../../src/ingest/load.js';
import { findLogFiles } from '../../src/ingest/read.js';
import { csvCellValue } from '../../src/ingest/sources/csv.js';
import { DEFAULT_RETRIEVAL_EXTRACT } from '../../src/config/audit.js';

const settings = { format: 'auto', fieldPaths: {}, extract: DEFAULT_RETRIEVAL_EXTRACT, encodings: {} };

let dir: string;
let db: Database;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenaudit-sources-'));
  db = await Database.open();
});
afterEach(() => db.close());

async function load(name: string, content: string | Uint8Array) {
  const path = join(dir, name);
  writeFileSync(path, content);
  return loadLogFiles(db, findLogFiles([path]), { settings, threads: 2 });
}

async function requests() {
  return db.readSql<{ request_id: string; model: string; usage_input_tokens: number; usage_output_tokens: number; source_line: number }>(
    'select request_id, model, usage_input_tokens::integer as usage_input_tokens, usage_output_tokens::integer as usage_output_tokens, source_line::integer as source_line from requests order by request_id',
  );
}

const line = (id: string, input: number, output: number) => ({ request_id: id, timestamp: '2026-11-20T08:00:00Z', model: 'gpt-4o', usage: { input_tokens: input, output_tokens: output } });

describe('CSV cells', () => {
  it('types cells as a JSON export would have held them', () => {
    expect(csvCellValue('')).toBeNull();
    expect(csvCellValue('1830')).toBe(1830);
    expect(csvCellValue('0.25')).toBe(0.25);
    expect(csvCellValue('true')).toBe(true);
    expect(csvCellValue('{"feature":"kb"}')).toEqual({ feature: 'kb' });
    expect(csvCellValue('[1,2]')).toEqual([1, 2]);
    expect(csvCellValue('{not json')).toBe('{not json');
    expect(csvCellValue('007')).toBe('007');
    expect(csvCellValue('12345678901234567890')).toBe('12345678901234567890');
    expect(csvCellValue('gpt-4o')).toBe('gpt-4o');
  });
});

describe('reading CSV files', () => {
  it('loads rows with JSON columns, a quoted cell over two lines, and quarantines a row it cannot read with its line', async () => {
    const csv = [
      'request_id,timestamp,model,usage,output',
      'c-1,2026-11-20T08:00:00Z,gpt-4o,"{""input_tokens"":100,""output_tokens"":5}",',
      'c-2,2026-11-20T08:01:00Z,gpt-4o,"{""input_tokens"":200,""output_tokens"":7}","two',
      'lines"',
      'c-3,2026-11-20T08:02:00Z,gpt-4o,"{""input_tokens"":-1}",',
      'c-4,2026-11-20T08:03:00Z,gpt-4o,"{""input_tokens"":1}","a "quoted" word',
      'c-5,2026-11-20T08:04:00Z,gpt-4o,"{""input_tokens"":1}","unclosed',
    ].join('\n');
    const stats = await load('export.csv', `${csv}\n`);
    expect(stats).toMatchObject({ rowsRead: 5, rowsLoaded: 3, rowsQuarantined: 2, quarantineByReason: { 'invalid csv': 1, 'negative token count': 1 } });
    expect(await requests()).toEqual([
      { request_id: 'c-1', model: 'gpt-4o', usage_input_tokens: 100, usage_output_tokens: 5, source_line: 2 },
      { request_id: 'c-2', model: 'gpt-4o', usage_input_tokens: 200, usage_output_tokens: 7, source_line: 4 },
      // A stray quote inside a cell is kept as written (relaxed quotes), not a lost row.
      { request_id: 'c-4', model: 'gpt-4o', usage_input_tokens: 1, usage_output_tokens: null, source_line: 6 },
    ]);
    const [output] = await db.readSql<{ text: string }>("select t.text from segments s join texts t using (text_hash) where s.request_id = 'c-2' and s.kind = 'output'");
    expect(output!.text).toBe('two\nlines');
    const quarantine = await db.readSql<{ source_line: number; reason: string; detail: string }>('select source_line::integer as source_line, reason, detail from quarantine order by source_line');
    expect(quarantine.map((q) => [q.source_line, q.reason])).toEqual([
      [5, 'negative token count'],
      [7, 'invalid csv'],
    ]);
    // An unclosed quote swallows the rest of the file: one quarantined row that says which lines.
    expect(quarantine[1]!.detail).toMatch(/Quote Not Closed.*the rows from line 7 to line \d+ could not be read/);
  });
});

describe('reading JSON documents', () => {
  it('reads a list of records, numbering each by its place in the list', async () => {
    const stats = await load('export.json', JSON.stringify([line('j-1', 10, 1), 7, line('j-2', 20, 2)], null, 2));
    expect(stats).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsQuarantined: 1, quarantineByReason: { 'not an object': 1 } });
    expect((await requests()).map((r) => [r.request_id, r.source_line])).toEqual([['j-1', 1], ['j-2', 3]]);
  });

  it('reads the data list of an API page', async () => {
    const stats = await load('page.json', JSON.stringify({ data: [line('p-1', 10, 1)], meta: { page: 1 } }));
    expect(stats).toMatchObject({ rowsRead: 1, rowsLoaded: 1 });
  });

  it('reads one pretty-printed object as one record, but one object per line as JSONL', async () => {
    expect(await load('one.json', JSON.stringify(line('o-1', 10, 1), null, 2))).toMatchObject({ rowsRead: 1, rowsLoaded: 1 });
    const jsonl = [line('l-1', 1, 1), line('l-2', 2, 2)].map((r) => JSON.stringify(r)).join('\n');
    expect(await load('lines.json', jsonl)).toMatchObject({ rowsRead: 2, rowsLoaded: 2 });
  });

  it('quarantines a document that is not valid JSON as one row', async () => {
    const stats = await load('broken.json', '[{"request_id": "b-1",');
    expect(stats).toMatchObject({ rowsRead: 1, rowsLoaded: 0, rowsQuarantined: 1, quarantineByReason: { 'invalid json': 1 } });
  });
});

describe('reading Arrow IPC files', () => {
  const table = () =>
    tableFromArrays({
      request_id: ['a-1', 'a-2', 'a-3'],
      ts: [1_795_680_000_000, 1_795_680_060_000, 1_795_680_120_000],
      model: ['gpt-4o', 'gpt-4o-mini', 'gpt-4o'],
      prompt: new Int32Array([1830, 2000, 12]),
      completion: new Int32Array([212, 10, 3]),
    });
  const mapped = { ...settings, fieldPaths: { timestamp: 'ts', input_tokens: 'prompt', output_tokens: 'completion' } };

  it('reads an uncompressed Arrow file (polars write_ipc) through a fields mapping', async () => {
    const path = join(dir, 'calls.arrow');
    writeFileSync(path, tableToIPC(table(), 'file'));
    const stats = await loadLogFiles(db, findLogFiles([path]), { settings: mapped, threads: 2 });
    expect(stats).toMatchObject({ rowsRead: 3, rowsLoaded: 3, rowsQuarantined: 0 });
    expect((await requests()).map((r) => [r.request_id, r.model, r.usage_input_tokens, r.usage_output_tokens, r.source_line])).toEqual([
      ['a-1', 'gpt-4o', 1830, 212, 1],
      ['a-2', 'gpt-4o-mini', 2000, 10, 2],
      ['a-3', 'gpt-4o', 12, 3, 3],
    ]);
  });

  it('reads an LZ4-compressed Feather file (pandas to_feather)', async () => {
    compressionRegistry.set(CompressionType.LZ4_FRAME, { encode: (data) => lz4Compress(data), decode: compressionRegistry.get(CompressionType.LZ4_FRAME)!.decode! });
    const writer = new RecordBatchFileWriter({ compressionType: CompressionType.LZ4_FRAME });
    const bytes = writer.writeAll(table()).toUint8Array(true);
    const path = join(dir, 'calls.feather');
    writeFileSync(path, bytes);
    const stats = await loadLogFiles(db, findLogFiles([path]), { settings: mapped, threads: 2 });
    expect(stats).toMatchObject({ rowsRead: 3, rowsLoaded: 3 });
    expect((await requests()).map((r) => r.usage_input_tokens)).toEqual([1830, 2000, 12]);
  });
});
