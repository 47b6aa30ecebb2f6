// Turns a batch of raw log lines into staging rows (requests, segments, distinct texts,
// quarantine) as NDJSON text. Pure and synchronous: the ingest workers call it.
import { createHash } from 'node:crypto';
import type { CanonicalRequest } from './canonical.js';
import { adapterFor, detectAdapter } from './adapters/index.js';
import type { AdapterResult, ExpandedRecords, LogAdapter, QuarantineReason } from './adapters/types.js';
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
  /** Source of the retrieval extraction regex (named groups id, text). */
  extract: string;
  /** The config's `encodings:` overrides (model → encoding). */
  encodings: Record<string, EncodingName>;
}

export interface ParseBatch {
  file: string;
  /** 1-based number of the first line in `text`. */
  firstLine: number;
  /** Whole lines joined by "\n". */
  text: string;
}

export interface StagedRows {
  rowsRead: number;
  /** Records an adapter's expand() set aside as not model calls (e.g. non-GenAI spans). */
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

type RowResult = (AdapterResult & { ok: false }) | { ok: true; request: CanonicalRequest; format: string };

export class BatchParser {
  private readonly extract: RegExp | null;
  private recentTexts = new RecentTexts(200_000);
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
    const lines = batch.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!.replace(/\r$/, '');
      if (raw.trim() === '') continue;
      const line = batch.firstLine + i;
      // A record of several calls (expand) gives one row per call, all at this line.
      const { results, skipped } = this.toCanonical(raw);
      out.recordsSkipped += skipped;
      for (const result of results) {
        out.rowsRead++;
        if (!result.ok) {
          out.quarantine.push(this.quarantineRow(batch.file, line, result.reason, result.detail, raw));
          continue;
        }
        this.stage(result.request, result.format, batch.file, line, out);
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

  private toCanonical(raw: string): { results: RowResult[]; skipped: number } {
    const record = this.parseRecord(raw);
    if (!record.ok) return { results: [record], skipped: 0 };
    const { adapter, object } = record;
    if (!adapter.expand) return { results: [this.mapRecord(adapter, object, raw)], skipped: 0 };
    let expanded: ExpandedRecords;
    try {
      expanded = adapter.expand(object);
    } catch (error) {
      const detail = error instanceof RangeError ? 'nested too deeply' : (error as Error).message;
      return { results: [{ ok: false, reason: 'invalid field', detail }], skipped: 0 };
    }
    // Calls of one line share the line's hash: the index keeps their fallback request_ids apart.
    return { results: expanded.records.map((item, index) => this.mapRecord(adapter, item, raw, index)), skipped: expanded.skipped };
  }

  private parseRecord(raw: string): (AdapterResult & { ok: false }) | { ok: true; adapter: LogAdapter; object: Record<string, unknown> } {
    if (Buffer.byteLength(raw, 'utf8') > MAX_RECORD_BYTES) {
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
    const adapter = this.settings.format === 'auto' ? detectAdapter(object) : adapterFor(this.settings.format);
    if (!adapter) return { ok: false, reason: 'unrecognized format', detail: `keys: ${Object.keys(object).slice(0, 8).join(', ')}` };
    return { ok: true, adapter, object };
  }

  private mapRecord(adapter: LogAdapter, object: Record<string, unknown>, raw: string, index = 0): RowResult {
    let result: AdapterResult;
    try {
      result = adapter.toCanonical(object, { fieldPaths: this.settings.fieldPaths, rowHash: index === 0 ? `row-${md5Hex(raw)}` : `row-${md5Hex(raw)}-${index}`, file: this.currentFile });
    } catch (error) {
      // Pathological shapes (e.g. deep nesting in content) must quarantine, not crash the run.
      const detail = error instanceof RangeError ? 'nested too deeply' : (error as Error).message;
      return { ok: false, reason: 'invalid field', detail };
    }
    return result.ok ? { ...result, format: adapter.format } : result;
  }

  /** The text's hash, staging the text itself unless this worker staged it recently. */
  private stageText(text: string, texts: string[]): string {
    const hash = textHash(text);
    if (this.recentTexts.add(hash)) texts.push(JSON.stringify({ text_hash: hash, text, bytes: Buffer.byteLength(text, 'utf8') }));
    return hash;
  }

  private stage(request: CanonicalRequest, format: string, file: string, line: number, out: { requests: string[]; segments: string[]; texts: string[] }): void {
    const segments = segmentRequest(request, this.extract);
    const lastUser = lastUserIndex(request);
    const userWasSplit = segments.some((segment) => segment.kind === 'retrieval' && segment.messageIndex === lastUser && lastUser >= 0);
    const userMessageHash = userWasSplit ? this.stageText(request.messages![lastUser]!.text, out.texts) : null;
    for (const segment of segments) {
      const hash = this.stageText(segment.text, out.texts);
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
    out.requests.push(JSON.stringify({ ...requestRow(request, format, file, line, nameTokens), user_message_hash: userMessageHash }));
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
    messages_hash: messages === null ? null : textHash(JSON.stringify([messages.map((m) => [m.role, m.name ?? null, m.text]), request.retrieval])),
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
