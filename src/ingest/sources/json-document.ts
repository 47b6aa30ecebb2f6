// A .json file holding one JSON document rather than a record per line: a list of records (a
// Langfuse or Helicone export), an API page `{data: [...]}`, or one object (an OTLP export).
import type { LineBatch } from '../line-batch.js';
import { InputError, openDecompressed } from '../read.js';

/** A document larger than this is refused: V8 cannot hold much larger strings; export JSONL. */
export const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;
const PEEK_BYTES = 64 * 1024;

async function readStart(path: string, bytes: number): Promise<string> {
  let text = '';
  for await (const chunk of openDecompressed(path)) {
    text += (chunk as Buffer).toString('utf8');
    if (text.length >= bytes) break;
  }
  return text;
}

/**
 * True when a .json file is one document: it opens with `[`, its first line is not a whole
 * JSON value (a pretty-printed object), or it is an API page `{data: [...]}`. A file of one
 * object per line is JSONL.
 */
export async function isJsonDocument(path: string): Promise<boolean> {
  if (!/\.json(\.gz|\.zst|\.zstd)?$/i.test(path)) return false;
  const start = (await readStart(path, PEEK_BYTES)).replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('[')) return true;
  if (!start.startsWith('{')) return false;
  const firstLine = start.split('\n', 1)[0]!;
  try {
    // An API page on one line is a document too: its records are in `data`.
    return Array.isArray((JSON.parse(firstLine) as { data?: unknown }).data);
  } catch {
    return true;
  }
}

/** The records of a JSON document, one JSON line each, numbered 1, 2, … in document order. */
export async function* jsonDocumentBatches(path: string, batchRecords = 4096): AsyncGenerator<LineBatch> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of openDecompressed(path)) {
    size += (chunk as Buffer).length;
    if (size > MAX_DOCUMENT_BYTES) throw new DocumentTooLarge(path);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    yield { firstLine: 1, text: '', rejects: [{ line: 1, reason: 'invalid json', detail: `the document: ${(error as Error).message}`, excerpt: text.slice(0, 200) }] };
    return;
  }
  const records = documentRecords(document);
  for (let start = 0; start < records.length; start += batchRecords) {
    const slice = records.slice(start, start + batchRecords);
    yield { firstLine: start + 1, text: slice.map((record) => JSON.stringify(record)).join('\n') };
  }
}

/** A list is its records; `{data: [...]}` (an API page) its data; any other object one record. */
function documentRecords(document: unknown): unknown[] {
  if (Array.isArray(document)) return document;
  if (document && typeof document === 'object' && Array.isArray((document as { data?: unknown }).data)) {
    return (document as { data: unknown[] }).data;
  }
  return [document];
}

export class DocumentTooLarge extends InputError {
  constructor(path: string) {
    super(`${path}: a JSON document over ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB; export it as JSONL (one record per line)`);
  }
}
