// Turns a batch of raw log lines into staging rows (requests, segments, distinct texts,
// quarantine) as NDJSON text. Pure and synchronous: the ingest workers call it.
import { createHash } from 'node:crypto';
import type { CanonicalRequest } from './canonical.js';
import { adapterFor, detectAdapter } from './adapters/index.js';
import type { AdapterResult, ExpandedRecords, LogAdapter, QuarantineReason } from './adapters/types.js';
import { batchText, type LineBatch } from './read.js';
import { lastUserIndex, segmentRequest } from './segments.js';
import { countTokens } from '../tokenize/count.js';
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

export interface StagedRows {
  rowsRead: number;
  /** Records that are not model calls (spans without GenAI attributes): counted, not loaded. */
  recordsSkipped: number;
  requests: string;
  segments: string;
  texts: string;
  quarantine: string;
}

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** A text's content hash as the decimal form of a 128-bit integer (DuckDB UHUGEINT). */
export function textHash(text: string): string {
  return BigInt(`0x${md5Hex(text)}`).toString();
}

/**
 * Content hashes of recently seen texts: a system prompt or a session's history is re-sent on
 * every call, and looking it up (V8's own string hash and a compare) is much cheaper than md5.
 * Bounded by characters held, in two generations.
 */
class TextHashes {
  private current = new Map<string, string>();
  private previous = new Map<string, string>();
  private chars = 0;
  constructor(private readonly capacityChars: number) {}

  hash(text: string): string {
    let hash = this.current.get(text);
    if (hash !== undefined) return hash;
    hash = this.previous.get(text) ?? textHash(text);
    if (this.chars + text.length > this.capacityChars) {
      this.previous = this.current;
      this.current = new Map();
      this.chars = 0;
    }
    this.current.set(text, hash);
    this.chars += text.length;
    return hash;
  }
}

/** Remembers recently staged texts so repeats are not sent to DuckDB again (bounded memory). */
class RecentTexts {
  private current = new Set<string>();
  private previous = new Set<string>();
  constructor(private readonly capacity: number) {}
  /** True the first time a hash is seen recently. */
  add(hash: string): boolean {
    if (this.current.has(hash) || this.previous.has(hash)) return false;
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(hash);
    return true;
  }
}

export class BatchParser {
  private readonly extract: RegExp | null;
  private recentTexts = new RecentTexts(200_000);
  private readonly textHashes = new TextHashes(32 * 1024 * 1024);
  private currentFile = '';

  constructor(private readonly settings: ParseSettings) {
    this.extract = settings.extract ? new RegExp(settings.extract, 'g') : null;
  }

  parse(batch: ParseBatch): StagedRows {
    const out = { rowsRead: 0, recordsSkipped: 0, requests: [] as string[], segments: [] as string[], texts: [] as string[], quarantine: [] as string[] };
    if (batch.file !== this.currentFile) {
      // Each file loads in its own transaction: texts staged for another file don't count.
      this.currentFile = batch.file;
      this.recentTexts = new RecentTexts(200_000);
    }
    for (const reject of batch.rejects ?? []) {
      out.rowsRead++;
      out.quarantine.push(this.quarantineRow(batch.file, reject.line, reject.reason, reject.detail, reject.excerpt));
    }
    const lines = batchText(batch).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!;
      const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
      if (raw.trim() === '') continue;
      const line = batch.lines?.[i] ?? batch.firstLine + i;
      const parsed = this.parseRecord(raw);
      if (!parsed.ok) {
        out.rowsRead++;
        out.quarantine.push(this.quarantineRow(batch.file, line, parsed.reason, parsed.detail, raw));
        continue;
      }
      const { adapter, record } = parsed;
      const expanded = this.expand(adapter, record);
      if (!expanded.ok) {
        out.rowsRead++;
        out.quarantine.push(this.quarantineRow(batch.file, line, 'invalid field', expanded.detail, raw));
        continue;
      }
      out.recordsSkipped += expanded.skipped;
      for (const [index, call] of expanded.records.entries()) {
        out.rowsRead++;
        // Only records without an id of their own need the hash of the raw line.
        const rowHash = () => `row-${md5Hex(expanded.records.length === 1 ? raw : `${raw}\n${index}`)}`;
        const result = this.toCanonical(adapter, call, rowHash);
        if (result.ok) this.stage(result.request, adapter.format, batch.file, line, out);
        else out.quarantine.push(this.quarantineRow(batch.file, line, result.reason, result.detail, raw));
      }
    }
    return {
      rowsRead: out.rowsRead,
      recordsSkipped: out.recordsSkipped,
      requests: joinLines(out.requests),
      segments: joinLines(out.segments),
      texts: joinLines(out.texts),
      quarantine: joinLines(out.quarantine),
    };
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

  private toCanonical(adapter: LogAdapter, record: Record<string, unknown>, rowHash: () => string): AdapterResult {
    const { fieldPaths, fieldDefaults } = this.settings;
    const file = this.currentFile;
    try {
      return adapter.toCanonical(record, {
        fieldPaths,
        fieldDefaults,
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

  /** The text's hash, staging the text itself unless this worker staged it recently. */
  private stageText(text: string, texts: string[]): string {
    const hash = this.textHashes.hash(text);
    if (this.recentTexts.add(hash)) texts.push(JSON.stringify({ text_hash: hash, text, bytes: Buffer.byteLength(text, 'utf8') }));
    return hash;
  }

  private stage(request: CanonicalRequest, format: string, file: string, line: number, out: { requests: string[]; segments: string[]; texts: string[] }): void {
    const defaultFeature = this.settings.fieldDefaults?.feature;
    if (request.feature === 'unknown' && defaultFeature !== undefined) request.feature = String(defaultFeature);
    const segments = segmentRequest(request, this.extract);
    const lastUser = lastUserIndex(request);
    const userWasSplit = segments.some((segment) => segment.kind === 'retrieval' && segment.messageIndex === lastUser && lastUser >= 0);
    const userMessageHash = userWasSplit ? this.stageText(request.messages![lastUser]!.text, out.texts) : null;
    const promptSegments: unknown[] = [];
    for (const segment of segments) {
      const hash = this.stageText(segment.text, out.texts);
      if (segment.kind !== 'output') promptSegments.push([segment.kind, segment.messageIndex, segment.chunkId, hash]);
      out.segments.push(
        JSON.stringify({
          request_id: request.requestId,
          source_line: line,
          ordinal: segment.ordinal,
          kind: segment.kind,
          role: segment.role,
          message_index: segment.messageIndex,
          chunk_id: segment.chunkId,
          text_hash: hash,
        }),
      );
    }
    const nameTokens = this.nameTokens(request);
    // The prompt's identity (duplicates, response cache) from its segments' hashes: the same
    // messages and chunks give the same segments, and the whole user message is in it when split.
    const messagesHash =
      request.messages === null
        ? null
        : textHash(JSON.stringify([request.messages.map((m) => [m.role, m.name ?? null]), promptSegments, userMessageHash, request.retrieval.map((c) => c.id)]));
    out.requests.push(JSON.stringify({ ...requestRow(request, format, file, line, nameTokens), messages_hash: messagesHash, user_message_hash: userMessageHash }));
  }

  /** Tokens of the messages' `name` fields: part of the prompt, but not of any segment. */
  private nameTokens(request: CanonicalRequest): number {
    const named = (request.messages ?? []).filter((message) => message.name);
    if (named.length === 0) return 0;
    const encoding = encodingForModel(request.model, this.settings.encodings);
    return named.reduce((sum, message) => sum + countTokens(message.name!, encoding), 0);
  }

  private quarantineRow(file: string, line: number, reason: QuarantineReason, detail: string, raw: string): string {
    return JSON.stringify({ source_file: file, source_line: line, format: this.settings.format, reason, detail, excerpt: raw.slice(0, EXCERPT_CHARS) });
  }
}

function joinLines(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The staging row of `requests` (column names of queries/tables/requests.sql). */
function requestRow(request: CanonicalRequest, format: string, file: string, line: number, nameTokens: number): Record<string, unknown> {
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
    name_tokens: nameTokens,
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
    params_hash: textHash(stableJson([params.maxTokens, params.temperature, params.n, params.other])),
    logged_cost_usd: request.loggedCostUsd,
    format,
    source_file: file,
    source_line: line,
  };
}

/** JSON with object keys sorted, so equal parameters hash equally whatever their order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
