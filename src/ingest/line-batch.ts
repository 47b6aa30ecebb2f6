// A batch of source records on its way to a parse worker: what the readers (read.ts, sources/)
// yield and the workers take. Its own module so that a worker does not load the readers (and
// the globbing and decompression libraries they use) to parse.
import type { QuarantineReason } from './adapters/types.js';

/** A record the reader itself could not read (a CSV syntax error): quarantined as it is. */
export interface RejectedRecord {
  line: number;
  reason: QuarantineReason;
  detail: string;
  excerpt: string;
}

/** Source records as JSON text, one per line, with where each came from. */
export interface LineBatch {
  /** Line (or row) of the first record; the others follow one by one unless `lines` says otherwise. */
  firstLine: number;
  /** The records' text, or its UTF-8 bytes (`bytes`): JSONL goes to the workers undecoded. */
  text?: string;
  bytes?: Uint8Array;
  /** The line (or row) of each record in `text`, when they are not consecutive. */
  lines?: number[];
  rejects?: RejectedRecord[];
}

/** A batch's records as text (invalid UTF-8 becomes U+FFFD, and such a line then fails as JSON, visibly). */
export function batchText(batch: LineBatch): string {
  if (batch.text !== undefined) return batch.text;
  if (!batch.bytes) return '';
  return Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength).toString('utf8');
}
