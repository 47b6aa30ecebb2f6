// Finds the log files behind the user's paths (files, folders, globs) and streams their
// lines in batches, decompressing .gz and .zst on the way. Other file kinds (CSV, JSON
// documents, Parquet, Arrow) become the same batches of JSON lines in sources.ts.
import { createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import fg from 'fast-glob';
import { Decompress } from 'fzstd';

import type { LineBatch } from './line-batch.js';

export type FileKind = 'jsonl' | 'csv' | 'parquet' | 'arrow';

export interface LogFile {
  path: string;
  kind: FileKind;
}

export class InputError extends Error {}

const JSONL = /\.(jsonl|ndjson|json|log)(\.gz|\.zst|\.zstd)?$/i;
const CSV = /\.csv(\.gz|\.zst|\.zstd)?$/i;
const PARQUET = /\.parquet$/i;
const ARROW = /\.(arrow|feather|ipc|arrows)$/i;
const KINDS_READ = '.jsonl, .json, .ndjson, .csv (optionally .gz/.zst), .parquet, .arrow/.feather';

function kindOf(path: string): FileKind | undefined {
  if (PARQUET.test(path)) return 'parquet';
  if (ARROW.test(path)) return 'arrow';
  if (CSV.test(path)) return 'csv';
  if (JSONL.test(path)) return 'jsonl';
  return undefined;
}

/**
 * Expands inputs into log files, in a stable order. A path that names nothing readable,
 * or a glob or folder with no log files in it, is an error naming it.
 */
export function findLogFiles(inputs: string[]): LogFile[] {
  // A file named twice is read twice: its second sighting counts as already loaded.
  const found: LogFile[] = [];
  const add = (path: string) => {
    const kind = kindOf(path);
    if (kind) found.push({ path: resolve(path), kind });
  };
  for (const input of inputs) {
    const before = found.length;
    if (fg.isDynamicPattern(input)) {
      fg.sync(input, { onlyFiles: true, dot: false }).sort().forEach(add);
    } else {
      let stats;
      try {
        stats = statSync(input);
      } catch (error) {
        throw new InputError(`${input}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
      if (stats.isDirectory()) fg.sync('**/*', { cwd: input, absolute: true, onlyFiles: true }).sort().forEach(add);
      else if (kindOf(input)) add(input);
      else throw new InputError(`${input}: not a log file this tool reads (${KINDS_READ})`);
    }
    if (found.length === before) {
      throw new InputError(`${input}: no log files found (${KINDS_READ})`);
    }
  }
  return found;
}

/** A Transform stream around fzstd's streaming decompressor. */
function zstdStream(): Transform {
  let push: (chunk: Uint8Array) => void = () => {};
  const decompressor = new Decompress((data) => push(data));
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      push = (data) => this.push(Buffer.from(data));
      try {
        decompressor.push(chunk);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      push = (data) => this.push(Buffer.from(data));
      try {
        decompressor.push(new Uint8Array(0), true);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

const GZIP = /\.gz$/i;
const ZSTD = /\.zstd?$/i;

export function openDecompressed(path: string): Readable {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (GZIP.test(path)) return raw.pipe(createGunzip());
  if (ZSTD.test(path)) return raw.pipe(zstdStream());
  return raw;
}

const NEWLINE = 0x0a;

/** Room a new batch buffer gets beyond what it was asked for, so that it fits the next batch's carried-over line too. */
const SPARE_ROOM = 64 << 10;

/**
 * Batch buffers handed back once their batch is parsed (a parse worker sends each one back with
 * its rows), to be read into again. A new buffer costs the kernel fresh zeroed pages: reading a
 * 1.45 GB log into new 4 MB buffers took 0.43-0.67 CPU-seconds, into one used again 0.19-0.20.
 * Only a buffer no one reads any more may be put back: its old bytes are overwritten.
 */
export class SpareBuffers {
  private readonly spare: ArrayBuffer[] = [];
  constructor(private readonly keep = 8) {}

  put(buffer: ArrayBuffer): void {
    if (this.spare.length < this.keep) this.spare.push(buffer);
  }

  /** A buffer of at least `bytes` (more when a spare one is larger). */
  take(bytes: number): Uint8Array<ArrayBuffer> {
    const at = this.spare.findIndex((buffer) => buffer.byteLength >= bytes);
    if (at < 0) return new Uint8Array(bytes + SPARE_ROOM);
    return new Uint8Array(this.spare.splice(at, 1)[0]!);
  }
}

/**
 * Yields whole lines as UTF-8 bytes, about `batchBytes` at a time, with the number of the
 * first line. Cut at a newline byte, which never falls inside a multi-byte character; each
 * batch owns its buffer, so it can be handed to a worker without a copy. An uncompressed file is
 * read into buffers from `spare` when given.
 */
export async function* readLineBatches(path: string, batchBytes = 4 << 20, spare?: SpareBuffers): AsyncGenerator<LineBatch> {
  const batches = GZIP.test(path) || ZSTD.test(path) ? streamedBatches(path, batchBytes) : plainBatches(path, batchBytes, spare);
  let nextLine = 1;
  for await (const bytes of batches) {
    yield { firstLine: nextLine, bytes };
    nextLine += countNewlines(bytes) + 1;
  }
}

/**
 * An uncompressed file read straight into each batch's own buffer (no chunks joined and copied
 * out again, which cost the loading thread about a second per 1 GB): what follows a batch's last
 * newline starts the next one.
 */
async function* plainBatches(path: string, batchBytes: number, spare: SpareBuffers | undefined): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    let rest = new Uint8Array(0);
    for (;;) {
      // a line longer than a batch doubles the next buffer, so a huge line is not copied again and again
      const size = rest.length + Math.max(batchBytes, rest.length);
      const buffer = spare ? spare.take(size) : new Uint8Array(size);
      buffer.set(rest);
      let filled = rest.length;
      for (let read = -1; read !== 0 && filled < buffer.length; filled += read) {
        ({ bytesRead: read } = await handle.read(buffer, filled, buffer.length - filled, null));
      }
      if (filled < buffer.length) {
        // the end of the file: the rest as it is (as a stream's last bytes are)
        if (filled > 0) yield buffer.subarray(0, filled);
        return;
      }
      const cut = buffer.lastIndexOf(NEWLINE);
      if (cut < 0) rest = buffer;
      else {
        rest = buffer.slice(cut + 1);
        yield buffer.subarray(0, cut);
      }
    }
  } finally {
    await handle.close();
  }
}

/** A compressed file's decompressed chunks joined into batches that end at a newline. */
async function* streamedBatches(path: string, batchBytes: number): AsyncGenerator<Uint8Array> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of openDecompressed(path)) {
    pending.push(chunk as Buffer);
    pendingBytes += (chunk as Buffer).length;
    if (pendingBytes < batchBytes) continue;
    const joined = Buffer.concat(pending, pendingBytes);
    const cut = joined.lastIndexOf(NEWLINE);
    if (cut < 0) {
      pending = [joined];
      continue;
    }
    const rest = joined.subarray(cut + 1);
    pending = [rest];
    pendingBytes = rest.length;
    yield new Uint8Array(joined.subarray(0, cut));
  }
  if (pendingBytes > 0) yield new Uint8Array(Buffer.concat(pending, pendingBytes));
}

function countNewlines(bytes: Uint8Array): number {
  // Buffer's indexOf searches in C++, about 5× as fast as a Uint8Array's on long lines
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let count = 0;
  for (let at = buffer.indexOf(NEWLINE); at >= 0; at = buffer.indexOf(NEWLINE, at + 1)) count++;
  return count;
}
