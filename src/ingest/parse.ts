// Turns a batch of raw log lines into staging rows (requests, segments, distinct texts,
// quarantine) as NDJSON text. Pure and synchronous: the ingest workers call it.
import { isUtf8 } from 'node:buffer';
import { hash as digest } from 'node:crypto';
import type { CanonicalRequest } from './canonical.js';
import { adapterFor, detectAdapter } from './adapters/index.js';
import { canonicalAdapter } from './adapters/canonical.js';
import { isRecord } from './adapters/chat-messages.js';
import type { AdapterContext, AdapterResult, ExpandedRecords, LogAdapter, QuarantineReason } from './adapters/types.js';
import { byteStringOf, fromByteString, hasNonAscii, jsonString, requestToBytes, toByteString } from './byte-strings.js';
import { batchText, type LineBatch } from './line-batch.js';
import { bytesMatchLikeText, lastUserIndex, segmentRequest, splitRetrieval, type RetrievalSplitter } from './segments.js';
import { countUtf8 } from '../tokenize/count.js';
import { encodingForModel, type EncodingName } from '../tokenize/encodings.js';

/** Larger records are quarantined, not parsed (a runaway log line must not sink the run). */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
const EXCERPT_CHARS = 200;

export interface ParseSettings {
  /** An adapter name, or 'auto' to sniff each record. */
  format: string;
  fieldPaths: Record<string, string>;
  /** The config's `defaults:`: values for canonical fields a log does not have (model, feature…). */
  fieldDefaults?: Record<string, string | number>;
  /** Source of the retrieval extraction regex (named groups id, text). */
  extract: string;
  /** The config's `encodings:` overrides (model → encoding). */
  encodings: Record<string, EncodingName>;
}

export interface ParseBatch extends LineBatch {
  file: string;
}

/** Staged rows as UTF-8 NDJSON, a file's worth per table (the columns of queries/load/). */
export interface StagedRows {
  rowsRead: number;
  /** Records that are not model calls (spans without GenAI attributes): counted, not loaded. */
  recordsSkipped: number;
  requests: Uint8Array;
  segments: Uint8Array;
  texts: Uint8Array;
  quarantine: Uint8Array;
}

/** A parse worker's answer: the staged rows, and the batch's buffer, sent back to be read into again (SpareBuffers). */
export interface ParsedBatch extends StagedRows {
  spent?: ArrayBuffer;
}

/**
 * The staged rows' buffers move to the main thread rather than being copied (a million heavy
 * requests stage about 7 GB). A buffer shares its memory only when Buffer's pool made it
 * (under 4 KB): that one is copied, since moving it would take the pool away from this thread.
 */
export function ownBuffers(rows: ParsedBatch): ArrayBuffer[] {
  const staged = [rows.requests, rows.segments, rows.texts, rows.quarantine]
    .filter((bytes) => bytes.byteOffset === 0 && bytes.byteLength > 0 && bytes.byteLength === bytes.buffer.byteLength)
    .map((bytes) => bytes.buffer as ArrayBuffer);
  return rows.spent ? [...staged, rows.spent] : staged;
}

/** Where md5OfBytes writes the bytes it hashes, grown as needed: a new Buffer per text cost a quarter more. */
let md5Scratch = Buffer.allocUnsafe(1 << 20);

/** md5 of a byte string's bytes (byte-strings.ts): the md5 of the text it holds. */
function md5OfBytes(bytes: string): string {
  if (bytes.length > md5Scratch.length) md5Scratch = Buffer.allocUnsafe(bytes.length * 2);
  const length = md5Scratch.write(bytes, 0, 'latin1');
  // one-shot: a third cheaper than a Hash object per call on the short texts hashed per request
  return digest('md5', md5Scratch.subarray(0, length), 'hex');
}

/** A byte string's content hash as the decimal form of a 128-bit integer (DuckDB UHUGEINT). */
function hashOfBytes(bytes: string): string {
  return BigInt(`0x${md5OfBytes(bytes)}`).toString();
}

/** A text's content hash: md5 of its UTF-8, as the decimal form of a 128-bit integer (DuckDB UHUGEINT). */
export function textHash(text: string): string {
  return hashOfBytes(toByteString(text));
}

/** Texts this long or shorter are their own memo key. */
const SHORT_TEXT = 24;

interface MemoEntry {
  text: string;
  hash: string;
  /** The file (BatchParser's count of files) whose staged texts hold this text already. */
  stagedIn: number;
  /** Another text with the same memo key. */
  next: MemoEntry | undefined;
}

/**
 * A long byte string's memo key: its length and three of its bytes, as one number (exact in a
 * double: a record, so a text, is at most 2^24 bytes). V8 hashes a number at once, where a
 * string key is built and hashed character by character; texts that share a key are told
 * apart by comparing them whole.
 */
function memoKey(text: string): number {
  const length = text.length;
  const bytes = (text.charCodeAt(length >> 1) & 0xff) | ((text.charCodeAt(length >> 2) & 0xff) << 8) | ((text.charCodeAt(length - 1) & 0xff) << 16);
  return length * 2 ** 24 + bytes;
}

/**
 * Content hashes of recently seen texts, and which file staged each: a system prompt or a
 * session's history is re-sent on every call, and finding it again is much cheaper than md5.
 * A hit is the same text compared whole. Bounded by characters held, in two generations; a text
 * that falls out is hashed (and staged) again, and DuckDB drops the repeat.
 */
class TextHashes {
  private current = new Map<string | number, MemoEntry>();
  private previous = new Map<string | number, MemoEntry>();
  private chars = 0;
  constructor(private readonly capacityChars: number) {}

  entry(text: string): MemoEntry {
    const key = text.length <= SHORT_TEXT ? text : memoKey(text);
    const found = find(this.current.get(key), text);
    if (found !== undefined) return found;
    const entry = find(this.previous.get(key), text) ?? { text, hash: hashOfBytes(text), stagedIn: -1, next: undefined };
    if (this.chars + text.length > this.capacityChars) {
      this.previous = this.current;
      this.current = new Map();
      this.chars = 0;
    }
    entry.next = this.current.get(key);
    this.current.set(key, entry);
    this.chars += text.length;
    return entry;
  }
}

function find(entry: MemoEntry | undefined, text: string): MemoEntry | undefined {
  for (; entry !== undefined; entry = entry.next) if (entry.text === text) return entry;
  return undefined;
}

export class BatchParser {
  private readonly extract: RegExp | null;
  /** The extraction regex finds on a byte string what it finds on the text (bytesMatchLikeText). */
  private readonly extractReadsBytes: boolean;
  private readonly textHashes = new TextHashes(32 * 1024 * 1024);
  private currentFile = '';
  /** Files begun: a text staged for an earlier file is staged again (each file loads in its own transaction). */
  private files = 0;
  /** The current file's path as a byte string, for the staged rows. */
  private currentFileBytes = '';
  /** The config's field paths and defaults as byte strings, to read records parsed from bytes. */
  private readonly byteFields: Pick<AdapterContext, 'fieldPaths' | 'fieldDefaults'>;

  constructor(private readonly settings: ParseSettings) {
    this.extract = settings.extract ? new RegExp(settings.extract, 'dg') : null;
    this.extractReadsBytes = bytesMatchLikeText(settings.extract);
    const defaults = settings.fieldDefaults && Object.fromEntries(Object.entries(settings.fieldDefaults).map(([field, value]) => [field, typeof value === 'string' ? toByteString(value) : value]));
    this.byteFields = { fieldPaths: Object.fromEntries(Object.entries(settings.fieldPaths).map(([field, path]) => [field, toByteString(path)])), fieldDefaults: defaults };
  }

  parse(batch: ParseBatch): StagedRows {
    const out: Staging = { rowsRead: 0, recordsSkipped: 0, requests: [], segments: [], texts: [], quarantine: [] };
    if (batch.file !== this.currentFile) {
      // Each file loads in its own transaction: texts staged for another file don't count.
      this.currentFile = batch.file;
      this.currentFileBytes = toByteString(batch.file);
      this.files++;
    }
    for (const reject of batch.rejects ?? []) {
      out.rowsRead++;
      out.quarantine.push(this.quarantineRow(reject.line, reject.reason, reject.detail, reject.excerpt));
    }
    // The lines as byte strings (invalid UTF-8 is decoded first, each bad byte then U+FFFD).
    const text = batch.bytes && isUtf8(batch.bytes) ? byteStringOf(batch.bytes) : toByteString(batchText(batch));
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!;
      const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
      // (a line blank as bytes is blank as text; one blank only as text is found so below)
      if (raw.trim() === '') continue;
      const line = batch.lines?.[i] ?? batch.firstLine + i;
      if (!this.parseCanonicalBytes(raw, line, out)) this.parseText(fromByteString(raw), line, out);
    }
    return {
      rowsRead: out.rowsRead,
      recordsSkipped: out.recordsSkipped,
      requests: stagedBytes(out.requests, true),
      segments: stagedBytes(out.segments, true),
      texts: stagedBytes(out.texts, false),
      quarantine: stagedBytes(out.quarantine, true),
    };
  }

  /**
   * The fast way, for a canonical record: parsed and staged as bytes (byte-strings.ts). False,
   * having staged nothing, when the record is anything else or anything is wrong with it: it is
   * then read as text, which quarantines it with the reason in words.
   */
  private parseCanonicalBytes(raw: string, line: number, out: Staging): boolean {
    if (raw.length > MAX_RECORD_BYTES) return false;
    // A \u escape of a non-ASCII character parses to that character, not to its bytes.
    if (raw.includes('\\u') && ESCAPED_NON_ASCII.test(raw)) return false;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch {
      return false;
    }
    if (!isRecord(record)) return false;
    if (this.settings.format === 'auto') {
      // The other formats' detection reads only keys and ASCII values, except these fields' text.
      if (DETECTED_BY_TEXT.some((field) => typeof record[field] === 'string' && hasNonAscii(record[field]))) return false;
      if (detectAdapter(record, this.byteFields.fieldPaths) !== canonicalAdapter) return false;
    } else if (this.settings.format !== canonicalAdapter.format) {
      return false;
    }
    const result = this.toCanonical(canonicalAdapter, record, () => `row-${md5OfBytes(raw)}`, { ...this.byteFields, readText: fromByteString });
    if (!result.ok) return false;
    out.rowsRead++;
    this.stage(result.request, canonicalAdapter.format, line, out);
    return true;
  }

  /** A line read as text, by the adapter that recognizes it, or quarantined saying why. */
  private parseText(raw: string, line: number, out: Staging): void {
    if (raw.trim() === '') return;
    const parsed = this.parseRecord(raw);
    if (!parsed.ok) {
      out.rowsRead++;
      out.quarantine.push(this.quarantineRow(line, parsed.reason, parsed.detail, raw));
      return;
    }
    const { adapter, record } = parsed;
    const expanded = this.expand(adapter, record);
    if (!expanded.ok) {
      out.rowsRead++;
      out.quarantine.push(this.quarantineRow(line, 'invalid field', expanded.detail, raw));
      return;
    }
    out.recordsSkipped += expanded.skipped;
    for (const [index, call] of expanded.records.entries()) {
      out.rowsRead++;
      // Only records without an id of their own need the hash of the raw line.
      const rowHash = () => `row-${md5OfBytes(toByteString(expanded.records.length === 1 ? raw : `${raw}\n${index}`))}`;
      const result = this.toCanonical(adapter, call, rowHash, this.settings);
      if (result.ok) this.stage(requestToBytes(result.request), adapter.format, line, out);
      else out.quarantine.push(this.quarantineRow(line, result.reason, result.detail, raw));
    }
  }

  /** A raw line as a JSON object and the adapter that reads it, or why not. */
  private parseRecord(raw: string): (AdapterResult & { ok: false }) | { ok: true; adapter: LogAdapter; record: Record<string, unknown> } {
    // a UTF-16 code unit is at most 3 UTF-8 bytes: count the bytes only of a line that may be over
    if (raw.length * 3 > MAX_RECORD_BYTES && Buffer.byteLength(raw, 'utf8') > MAX_RECORD_BYTES) {
      return { ok: false, reason: 'record too large', detail: `over ${MAX_RECORD_BYTES} bytes` };
    }
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (error) {
      const detail = error instanceof RangeError ? 'nested too deeply' : (error as Error).message;
      return { ok: false, reason: 'invalid json', detail };
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      return { ok: false, reason: 'not an object', detail: `a JSON ${Array.isArray(record) ? 'array' : record === null ? 'null' : typeof record}` };
    }
    const object = record as Record<string, unknown>;
    const adapter = this.settings.format === 'auto' ? detectAdapter(object, this.settings.fieldPaths) : adapterFor(this.settings.format);
    if (!adapter) return { ok: false, reason: 'unrecognized format', detail: `keys: ${Object.keys(object).slice(0, 8).join(', ')}` };
    return { ok: true, adapter, record: object };
  }

  /** The calls a record holds (one, unless the adapter expands it); a shape it cannot walk is quarantined. */
  private expand(adapter: LogAdapter, record: Record<string, unknown>): (ExpandedRecords & { ok: true }) | { ok: false; detail: string } {
    if (!adapter.expand) return { ok: true, records: [record], skipped: 0 };
    try {
      return { ok: true, ...adapter.expand(record) };
    } catch (error) {
      return { ok: false, detail: error instanceof RangeError ? 'nested too deeply' : (error as Error).message };
    }
  }

  private toCanonical(adapter: LogAdapter, record: Record<string, unknown>, rowHash: () => string, fields: Pick<AdapterContext, 'fieldPaths' | 'fieldDefaults' | 'readText'>): AdapterResult {
    const file = this.currentFile;
    try {
      return adapter.toCanonical(record, {
        ...fields,
        file,
        get rowHash() {
          return rowHash();
        },
      });
    } catch (error) {
      // Pathological shapes (e.g. deep nesting in content) must quarantine, not crash the run.
      const detail = error instanceof RangeError ? 'nested too deeply' : (error as Error).message;
      return { ok: false, reason: 'invalid field', detail };
    }
  }

  /** The text's hash, staging the text itself unless this worker staged it for this file while its memo held it. */
  private stageText(text: string, texts: string[]): string {
    const entry = this.textHashes.entry(text);
    if (entry.stagedIn !== this.files) {
      entry.stagedIn = this.files;
      // in pieces, each written as it is: one string of them all would be a copy of the text
      texts.push(`{"text_hash":"${entry.hash}","text":`, jsonString(text), '}\n');
    }
    return entry.hash;
  }

  /**
   * Retrieved chunks cut out of a user message held as bytes. The default extraction regex reads
   * the bytes as they are (bytesMatchLikeText); another reads the decoded text of a non-ASCII one.
   */
  private readonly splitUserText: RetrievalSplitter = (userText, explicit) => {
    if (explicit.length > 0 || !this.extract || this.extractReadsBytes || !hasNonAscii(userText)) return splitRetrieval(userText, explicit, this.extract);
    const split = splitRetrieval(fromByteString(userText), explicit, this.extract);
    return { chunks: split.chunks.map((chunk) => ({ id: toByteString(chunk.id), text: toByteString(chunk.text) })), userText: toByteString(split.userText) };
  };

  /** Stages a request read as bytes (byte-strings.ts): its row, its segments and their new texts. */
  private stage(request: CanonicalRequest, format: string, line: number, out: Staging): void {
    const defaultFeature = this.byteFields.fieldDefaults?.feature;
    if (request.feature === 'unknown' && defaultFeature !== undefined) request.feature = String(defaultFeature);
    const segments = segmentRequest(request, this.splitUserText);
    const lastUser = lastUserIndex(request);
    const userWasSplit = segments.some((segment) => segment.kind === 'retrieval' && segment.messageIndex === lastUser && lastUser >= 0);
    const userMessageHash = userWasSplit ? this.stageText(request.messages![lastUser]!.text, out.texts) : null;
    // JSON of the prompt segments' [kind, message_index, chunk_id, text_hash], written as JSON.stringify writes them
    let promptSegments = '';
    // The segment rows by hand (the columns of queries/load/segments.sql): a request's id is
    // escaped once for all its segments, and kinds are plain words.
    const head = `{"request_id":${JSON.stringify(request.requestId)},"source_line":${line},"ordinal":`;
    for (const segment of segments) {
      const hash = this.stageText(segment.text, out.texts);
      const chunkId = jsonOrNull(segment.chunkId);
      const messageIndex = segment.messageIndex ?? 'null';
      if (segment.kind !== 'output') promptSegments += `${promptSegments === '' ? '' : ','}["${segment.kind}",${messageIndex},${chunkId},"${hash}"]`;
      out.segments.push(`${head}${segment.ordinal},"kind":"${segment.kind}","role":${jsonOrNull(segment.role)},"message_index":${messageIndex},"chunk_id":${chunkId},"text_hash":"${hash}"}`);
    }
    const nameTokens = this.nameTokens(request);
    // The prompt's identity (duplicates, response cache) from its segments' hashes: the same
    // messages and chunks give the same segments, and the whole user message is in it when split.
    // (the JSON of [[[role, name], …], [[kind, message_index, chunk_id, text_hash], …], user_message_hash, [chunk id, …]])
    const messagesHash =
      request.messages === null
        ? null
        : hashOfBytes(`[[${request.messages.map((m) => `["${m.role}",${jsonOrNull(m.name ?? null)}]`).join(',')}],[${promptSegments}],${jsonOrNull(userMessageHash)},${JSON.stringify(request.retrieval.map((c) => c.id))}]`);
    out.requests.push(JSON.stringify(requestRow(request, format, this.currentFileBytes, line, { nameTokens, messagesHash, userMessageHash })));
  }

  /** Tokens of the messages' `name` fields: part of the prompt, but not of any segment. */
  private nameTokens(request: CanonicalRequest): number {
    const named = (request.messages ?? []).filter((message) => message.name);
    if (named.length === 0) return 0;
    const encoding = encodingForModel(fromByteString(request.model), this.settings.encodings);
    // a name is held as its UTF-8 bytes (byte-strings.ts), which the counter reads as they are
    return named.reduce((sum, message) => sum + countUtf8(Buffer.from(message.name!, 'latin1'), encoding), 0);
  }

  /** A quarantine row, from decoded text, as a byte string like every staged row. */
  private quarantineRow(line: number, reason: QuarantineReason, detail: string, raw: string): string {
    return toByteString(JSON.stringify({ source_file: this.currentFile, source_line: line, format: this.settings.format, reason, detail, excerpt: raw.slice(0, EXCERPT_CHARS) }));
  }
}

/** A JSON \u escape that may stand for a non-ASCII character (or is an escaped backslash and a u). */
const ESCAPED_NON_ASCII = /\\u(?!00[0-7])/;

/** Fields whose text (not just their presence) decides which format a record is in. */
const DETECTED_BY_TEXT = ['type', 'request', 'response'];

interface Staging {
  rowsRead: number;
  recordsSkipped: number;
  /** Staged rows as byte strings, one JSON object each. */
  requests: string[];
  segments: string[];
  /** Staged texts' rows in pieces, each row's last piece ending in a newline. */
  texts: string[];
  quarantine: string[];
}

function jsonOrNull(value: string | null): string {
  return value === null ? 'null' : JSON.stringify(value);
}

/**
 * The bytes of byte strings written one after the other (no joined copy of them all), each
 * followed by a newline when they are whole rows; staged texts come in pieces that end their rows.
 */
function stagedBytes(strings: string[], newlineAfterEach: boolean): Uint8Array {
  const extra = newlineAfterEach ? 1 : 0;
  let size = 0;
  for (const string of strings) size += string.length + extra;
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  for (const string of strings) {
    at += bytes.write(string, at, 'latin1');
    if (newlineAfterEach) bytes[at++] = 0x0a;
  }
  return bytes;
}

/** What the parser works out about a request beyond its fields. */
interface RequestDerived {
  nameTokens: number;
  messagesHash: string | null;
  userMessageHash: string | null;
}

/**
 * The staging row of `requests` (column names of queries/load/stage_requests.sql), as one object
 * literal: JSON.stringify is several times faster on it than on a spread copy.
 */
function requestRow(request: CanonicalRequest, format: string, file: string, line: number, derived: RequestDerived): Record<string, unknown> {
  const { usage, params, messages } = request;
  return {
    request_id: request.requestId,
    ts_ms: request.timestampMs,
    feature: request.feature,
    user_id: request.userId,
    session_id: request.sessionId,
    provider: request.provider,
    model: request.model,
    has_text: messages !== null,
    message_count: messages?.length ?? 0,
    name_count: messages?.filter((message) => message.name).length ?? 0,
    name_tokens: derived.nameTokens,
    choice_count: request.choiceCount,
    finish_reason: request.finishReason,
    status: request.status,
    batch: request.batch,
    usage_input_tokens: usage.inputTokens,
    usage_output_tokens: usage.outputTokens,
    usage_cached_input_tokens: usage.cachedInputTokens,
    usage_cache_write_tokens: usage.cacheWriteTokens,
    usage_cache_write_1h_tokens: usage.cacheWrite1hTokens,
    usage_reasoning_tokens: usage.reasoningTokens,
    latency_ms: request.latencyMs,
    ttft_ms: request.ttftMs,
    max_tokens: params.maxTokens,
    temperature: params.temperature,
    n: params.n,
    params_hash: paramsHash(paramsJson(params)),
    messages_hash: derived.messagesHash,
    user_message_hash: derived.userMessageHash,
    logged_cost_usd: request.loggedCostUsd,
    format,
    source_file: file,
    source_line: line,
  };
}

/** Hashes of parameter sets seen recently: a log has a handful of them, sent again and again. */
const paramsHashes = new Map<string, string>();

function paramsHash(json: string): string {
  let found = paramsHashes.get(json);
  if (found === undefined) {
    if (paramsHashes.size >= 10_000) paramsHashes.clear();
    found = hashOfBytes(json);
    paramsHashes.set(json, found);
  }
  return found;
}

/** The JSON hashed for params_hash: [max_tokens, temperature, n, other parameters with their keys sorted]. */
function paramsJson(params: CanonicalRequest['params']): string {
  const { maxTokens, temperature, n, other } = params;
  // without other parameters nothing needs sorting, and JSON.stringify without a replacer is several times faster
  if (Object.keys(other).length > 0) return stableJson([maxTokens, temperature, n, other]);
  return JSON.stringify([maxTokens, temperature, n, other]);
}

/** Keys held as byte strings in the order of their texts. */
function compareKeys(a: string, b: string): number {
  if (hasNonAscii(a) || hasNonAscii(b)) [a, b] = [fromByteString(a), fromByteString(b)];
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON (of byte strings) with object keys sorted, so equal parameters hash equally whatever their order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => compareKeys(a, b))) : inner,
  );
}
