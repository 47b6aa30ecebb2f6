// Writing the sample: JSONL lines serialized (long texts encoded once) and streamed into one
// file per 6-hour block of the day, and a ledger that measures how much of the text is distinct.
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { CanonicalLine } from './traffic.js';

const BLOCK_HOURS = 6;
const FLUSH_BYTES = 1 << 20;

/** `2026-11-20T06.jsonl` holds 06:00–11:59 UTC. */
export function blockFileName(timeMs: number): string {
  const start = new Date(timeMs);
  start.setUTCHours(Math.floor(start.getUTCHours() / BLOCK_HOURS) * BLOCK_HOURS, 0, 0, 0);
  return `${start.toISOString().slice(0, 13)}.jsonl`;
}

export class BlockedJsonlWriter {
  private readonly files: string[] = [];
  private handle: FileHandle | null = null;
  private currentName = '';
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private bytesWritten = 0;

  constructor(private readonly directory: string) {}

  /** Clears log files a previous run left, so the folder holds exactly this sample. */
  async prepare(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    for (const name of await readdir(this.directory)) {
      if (/^\d{4}-\d{2}-\d{2}T\d{2}\.jsonl$/.test(name)) await rm(join(this.directory, name));
    }
  }

  /** One line (its UTF-8 pieces, newline included); lines must come in time order. */
  async write(timeMs: number, line: readonly Buffer[]): Promise<void> {
    const name = blockFileName(timeMs);
    if (name !== this.currentName) await this.openBlock(name);
    for (const piece of line) {
      this.pending.push(piece);
      this.pendingBytes += piece.length;
    }
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  /** The files written, in order, and their total size in bytes. */
  async close(): Promise<{ files: string[]; bytes: number }> {
    await this.closeBlock();
    return { files: this.files, bytes: this.bytesWritten };
  }

  private async openBlock(name: string): Promise<void> {
    await this.closeBlock();
    const path = join(this.directory, name);
    this.handle = await open(path, 'w');
    this.currentName = name;
    this.files.push(path);
  }

  private async closeBlock(): Promise<void> {
    await this.flush();
    await this.handle?.close();
    this.handle = null;
  }

  private async flush(): Promise<void> {
    if (!this.handle || this.pending.length === 0) return;
    const { bytesWritten } = await this.handle.write(Buffer.concat(this.pending, this.pendingBytes));
    this.bytesWritten += bytesWritten;
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/**
 * Segment texts of a line as DESIGN.md cuts them (system, history, each chunk, the user
 * text with the chunks cut out, output), for measuring distinct text.
 */
export function segmentTexts(line: CanonicalLine): string[] {
  const texts: string[] = [];
  const lastUser = line.messages.findLastIndex((message) => message.role === 'user');
  line.messages.forEach((message, index) => {
    if (index !== lastUser) return texts.push(message.content);
    let userText = message.content;
    for (const chunk of line.retrieval) {
      texts.push(chunk.text);
      const at = userText.indexOf(chunk.text);
      if (at >= 0) userText = userText.slice(0, at) + userText.slice(at + chunk.text.length);
    }
    texts.push(userText);
  });
  if (line.output !== '') texts.push(line.output);
  return texts;
}

/** Past this many entries a text memo starts over; it only saves work, never changes a result. */
const MAX_REMEMBERED_TEXTS = 10_000;

/**
 * Total and distinct (first time seen, by content hash) UTF-8 bytes of segment texts. Texts met
 * recently (system prompts, chunks, histories) are looked up by the string itself first —
 * cheap, since V8 keeps a string's hash — and only new ones are hashed.
 */
export class TextLedger {
  private readonly seenHashes = new Set<string>();
  private readonly recentBytes = new Map<string, number>();
  totalTextBytes = 0;
  distinctTextBytes = 0;

  addRequest(line: CanonicalLine): void {
    for (const text of segmentTexts(line)) if (text !== '') this.addText(text);
  }

  private addText(text: string): void {
    const knownBytes = this.recentBytes.get(text);
    if (knownBytes !== undefined) {
      this.totalTextBytes += knownBytes;
      return;
    }
    const bytes = Buffer.byteLength(text);
    this.totalTextBytes += bytes;
    if (this.recentBytes.size >= MAX_REMEMBERED_TEXTS) this.recentBytes.clear();
    this.recentBytes.set(text, bytes);
    const hash = createHash('sha1').update(text).digest('base64');
    if (this.seenHashes.has(hash)) return;
    this.seenHashes.add(hash);
    this.distinctTextBytes += bytes;
  }
}

const json = JSON.stringify;
/** Texts at least this long are kept as encoded JSON bytes and reused whenever they come again. */
const REUSED_TEXT_CHARS = 256;

/** A line as UTF-8 pieces: short runs of JSON built per line, long texts as shared buffers. */
class LineBytes {
  readonly pieces: Buffer[] = [];
  private pendingText = '';

  text(fragment: string): this {
    this.pendingText += fragment;
    return this;
  }

  bytes(buffer: Buffer): this {
    this.endText();
    this.pieces.push(buffer);
    return this;
  }

  finish(): Buffer[] {
    this.endText();
    return this.pieces;
  }

  private endText(): void {
    if (this.pendingText !== '') this.pieces.push(Buffer.from(this.pendingText));
    this.pendingText = '';
  }
}

/**
 * `JSON.stringify(line)` as UTF-8, byte for byte (a test holds it to that), but each long text
 * is escaped and encoded once and reused: most of a line's bytes are texts sent before.
 */
export class LineSerializer {
  private readonly encoded = new Map<string, Buffer>();

  serialize(line: CanonicalLine): Buffer[] {
    const out = new LineBytes();
    out.text(`{"request_id":${json(line.request_id)},"timestamp":${json(line.timestamp)},"feature":${json(line.feature)},`);
    out.text(`"user_id":${json(line.user_id)},"session_id":${json(line.session_id)},"provider":${json(line.provider)},"model":${json(line.model)},"messages":[`);
    line.messages.forEach((message, index) => this.quote(out.text(`${index > 0 ? ',' : ''}{"role":${json(message.role)},"content":`), message.content).text('}'));
    out.text('],"retrieval":[');
    line.retrieval.forEach((chunk, index) => this.quote(out.text(`${index > 0 ? ',' : ''}{"id":${json(chunk.id)},"text":`), chunk.text).text('}'));
    this.quote(out.text('],"output":'), line.output);
    out.text(`,"finish_reason":${json(line.finish_reason)},"usage":${json(line.usage)},"latency_ms":${json(line.latency_ms)},`);
    out.text(`"ttft_ms":${json(line.ttft_ms)},"status":${json(line.status)},"params":${json(line.params)},"metadata":${json(line.metadata)}}\n`);
    return out.finish();
  }

  private quote(out: LineBytes, text: string): LineBytes {
    if (text.length < REUSED_TEXT_CHARS) return out.text(json(text));
    let encoded = this.encoded.get(text);
    if (encoded === undefined) {
      encoded = Buffer.from(json(text));
      if (this.encoded.size >= MAX_REMEMBERED_TEXTS) this.encoded.clear();
      this.encoded.set(text, encoded);
    }
    return out.bytes(encoded);
  }
}
