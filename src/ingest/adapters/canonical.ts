// The canonical log format of DESIGN.md ("Canonical request"), one JSON object per line,
// validated field by field; `fields:` in the config can point any field at another path.
import { z } from 'zod';
import { emptyUsage, type CanonicalRequest, type LoggedUsage } from '../canonical.js';
import { canonicalRole, parseTimestampMs, readPath, toMessage } from '../fields.js';
import type { AdapterContext, AdapterResult, LogAdapter } from './types.js';
import { isRecord, zodRejection } from './chat-messages.js';
import { showValue } from '../../config/issues.js';
import { inferProvider } from '../../pricing/catalogue.js';

const id = z.union([z.string(), z.number()]);
/** Counts must fit a DuckDB BIGINT exactly (and a JS number): at most 2^53 − 1. */
const tokens = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullish();

const usageSchema = z.looseObject({
  input_tokens: tokens,
  output_tokens: tokens,
  cached_input_tokens: tokens,
  cache_write_tokens: tokens,
  cache_write_1h_tokens: tokens,
  reasoning_tokens: tokens,
});

const messageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(z.unknown()), z.null()]).optional(),
  name: z.string().nullish(),
  tool_calls: z.array(z.unknown()).nullish(),
});

export const lineSchema = z.looseObject({
  request_id: id.nullish(),
  timestamp: z.union([z.string(), z.number()]),
  feature: z.string().nullish(),
  user_id: id.nullish(),
  session_id: id.nullish(),
  provider: z.string().nullish(),
  model: z.string().min(1),
  messages: z.array(messageSchema).nullish(),
  retrieval: z.array(z.looseObject({ id, text: z.string() })).nullish(),
  output: z.union([z.string(), z.array(z.string()), z.null()]).optional(),
  finish_reason: z.string().nullish(),
  usage: usageSchema.nullish(),
  latency_ms: z.number().nonnegative().nullish(),
  ttft_ms: z.number().nonnegative().nullish(),
  status: z.enum(['ok', 'error']).nullish(),
  params: z
    .looseObject({
      max_tokens: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullish(),
      temperature: z.number().nullish(),
      n: z.number().int().positive().max(1_000_000).nullish(),
    })
    .nullish(),
  batch: z.boolean().nullish(),
  cost_usd: z.number().nonnegative().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

type CanonicalLine = z.output<typeof lineSchema>;

// The common case without zod: a record whose every field has its plainest valid type is read
// as it is. lineSchema transforms nothing, so it would give the same values; a record with
// anything else (or anything wrong) goes through lineSchema, which also says what is wrong.
// Validating every line with zod was a tenth of the parse.
const isString = (value: unknown): value is string => typeof value === 'string';
const optional = (value: unknown, check: (value: unknown) => boolean) => value === undefined || value === null || check(value);
/** zod's union of a string and a (finite) number: ids and timestamps. */
const isStringOrNumber = (value: unknown) => isString(value) || (typeof value === 'number' && Number.isFinite(value));
const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
const isAmount = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isList = (check: (item: unknown) => boolean) => (value: unknown) => Array.isArray(value) && value.every(check);

const isPlainMessage = (value: unknown) =>
  isRecord(value) && isString(value.role) && optional(value.content, (content) => isString(content) || Array.isArray(content)) && optional(value.name, isString) && optional(value.tool_calls, Array.isArray);
const isPlainChunk = (value: unknown) => isRecord(value) && isStringOrNumber(value.id) && isString(value.text);
const isPlainUsage = (value: unknown) =>
  isRecord(value) && [value.input_tokens, value.output_tokens, value.cached_input_tokens, value.cache_write_tokens, value.cache_write_1h_tokens, value.reasoning_tokens].every((count) => optional(count, isCount));
const isPlainParams = (value: unknown) =>
  isRecord(value) &&
  optional(value.max_tokens, isCount) &&
  optional(value.temperature, (t) => typeof t === 'number' && Number.isFinite(t)) &&
  optional(value.n, (n) => Number.isSafeInteger(n) && (n as number) > 0 && (n as number) <= 1_000_000);
const isMessageList = isList(isPlainMessage);
const isChunkList = isList(isPlainChunk);
const isStringList = isList(isString);

/** The record as a CanonicalLine when lineSchema would pass it unchanged, else null (lineSchema decides). */
export function plainLine(record: Record<string, unknown>): CanonicalLine | null {
  const plain =
    optional(record.request_id, isStringOrNumber) &&
    isStringOrNumber(record.timestamp) &&
    optional(record.feature, isString) &&
    optional(record.user_id, isStringOrNumber) &&
    optional(record.session_id, isStringOrNumber) &&
    optional(record.provider, isString) &&
    isString(record.model) &&
    record.model !== '' &&
    optional(record.messages, isMessageList) &&
    optional(record.retrieval, isChunkList) &&
    optional(record.output, (output) => isString(output) || isStringList(output)) &&
    optional(record.finish_reason, isString) &&
    optional(record.usage, isPlainUsage) &&
    optional(record.latency_ms, isAmount) &&
    optional(record.ttft_ms, isAmount) &&
    optional(record.status, (status) => status === 'ok' || status === 'error') &&
    optional(record.params, isPlainParams) &&
    optional(record.batch, (batch) => typeof batch === 'boolean') &&
    optional(record.cost_usd, isAmount) &&
    optional(record.metadata, isRecord);
  return plain ? (record as CanonicalLine) : null;
}

const USAGE_FIELDS = new Set(['input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_write_tokens']);
/** Fields read from `metadata.<name>` when the record has no top-level value. */
const METADATA_FALLBACKS = ['feature', 'user_id', 'session_id'];

/**
 * Moves mapped values (config `fields:`) and metadata fallbacks to their canonical place, then
 * fills fields still missing from the config's `defaults:`.
 */
function applyFieldPaths(record: Record<string, unknown>, fieldPaths: Record<string, string>, defaults: Record<string, string | number> = {}): Record<string, unknown> {
  const mapped: Record<string, unknown> = { ...record };
  for (const name of METADATA_FALLBACKS) {
    if (mapped[name] === undefined || mapped[name] === null) {
      const fallback = readPath(record, `metadata.${name}`);
      if (fallback !== undefined) mapped[name] = fallback;
    }
  }
  for (const [field, path] of Object.entries(fieldPaths)) {
    const value = readPath(record, path);
    if (value === undefined) continue;
    if (USAGE_FIELDS.has(field)) {
      mapped.usage = { ...(typeof mapped.usage === 'object' && mapped.usage ? mapped.usage : {}), [field]: value };
    } else {
      mapped[field] = value;
    }
  }
  for (const [field, value] of Object.entries(defaults)) {
    if (USAGE_FIELDS.has(field)) continue;
    if (mapped[field] === undefined || mapped[field] === null) mapped[field] = value;
  }
  return mapped;
}

function usageFrom(line: CanonicalLine): LoggedUsage {
  const usage = line.usage;
  if (!usage) return emptyUsage();
  return {
    inputTokens: usage.input_tokens ?? null,
    outputTokens: usage.output_tokens ?? null,
    cachedInputTokens: usage.cached_input_tokens ?? null,
    cacheWriteTokens: usage.cache_write_tokens ?? null,
    cacheWrite1hTokens: usage.cache_write_1h_tokens ?? null,
    reasoningTokens: usage.reasoning_tokens ?? null,
  };
}

/** Cache reads and writes are parts of the input: they cannot exceed it. */
export function usageInconsistency(usage: LoggedUsage): string | null {
  const cached = (usage.cachedInputTokens ?? 0) + (usage.cacheWriteTokens ?? 0);
  if (usage.inputTokens !== null && cached > usage.inputTokens) {
    return `usage: cached_input_tokens + cache_write_tokens (${cached}) exceed input_tokens (${usage.inputTokens}), which include them`;
  }
  if ((usage.cacheWrite1hTokens ?? 0) > (usage.cacheWriteTokens ?? 0)) {
    return `usage: cache_write_1h_tokens (${usage.cacheWrite1hTokens}) exceed cache_write_tokens (${usage.cacheWriteTokens ?? 0}), which include them`;
  }
  return null;
}

function outputFrom(output: CanonicalLine['output']): { text: string | null; choices: number } {
  if (output === undefined || output === null) return { text: null, choices: 1 };
  if (Array.isArray(output)) return { text: output.join('\n'), choices: Math.max(1, output.length) };
  return { text: output, choices: 1 };
}

/** The text of a value the adapter reads as characters (AdapterContext.readText). */
const textReader = (context: AdapterContext) => context.readText ?? ((value: string) => value);

function toRequest(line: CanonicalLine, timestampMs: number, context: AdapterContext): AdapterResult {
  const read = textReader(context);
  const messages = [];
  for (const [index, message] of (line.messages ?? []).entries()) {
    const role = canonicalRole(read(message.role));
    if (!role) return { ok: false, reason: 'invalid field', detail: `messages[${index}].role: unknown role ${showValue(message.role)}` };
    messages.push(toMessage(role, message));
  }
  const usage = usageFrom(line);
  const { text: output, choices } = outputFrom(line.output);
  const { max_tokens, temperature, n, ...other } = line.params ?? {};
  const request: CanonicalRequest = {
    requestId: line.request_id === undefined || line.request_id === null ? context.rowHash : String(line.request_id),
    timestampMs,
    feature: line.feature || 'unknown',
    userId: line.user_id === undefined || line.user_id === null ? null : String(line.user_id),
    sessionId: line.session_id === undefined || line.session_id === null ? null : String(line.session_id),
    provider: line.provider || inferProvider(read(line.model)),
    model: line.model,
    messages: line.messages ? messages : null,
    retrieval: (line.retrieval ?? []).map((chunk) => ({ id: String(chunk.id), text: chunk.text })),
    output,
    choiceCount: line.params?.n ?? choices,
    finishReason: line.finish_reason ?? null,
    usage,
    latencyMs: line.latency_ms ?? null,
    ttftMs: line.ttft_ms ?? null,
    params: { maxTokens: max_tokens ?? null, temperature: temperature ?? null, n: n ?? null, other },
    status: line.status ?? (line.finish_reason === 'error' ? 'error' : 'ok'),
    batch: line.batch ?? false,
    loggedCostUsd: line.cost_usd ?? null,
  };
  return { ok: true, request };
}

export const canonicalAdapter: LogAdapter = {
  format: 'canonical',
  detect(record, fieldPaths) {
    // Lenient on purpose: a canonical row missing its model should be quarantined as such.
    const mapped = !fieldPaths || Object.keys(fieldPaths).length === 0 ? record : applyFieldPaths(record, fieldPaths);
    return ('messages' in mapped || 'usage' in mapped) && ('model' in mapped || 'timestamp' in mapped);
  },
  toCanonical(record, context) {
    const mapped = applyFieldPaths(record, context.fieldPaths, context.fieldDefaults);
    let line = plainLine(mapped);
    if (!line) {
      const parsed = lineSchema.safeParse(mapped, { reportInput: true });
      if (!parsed.success) return zodRejection(parsed.error.issues[0]!);
      line = parsed.data;
    }
    if (!line.messages && !line.usage) {
      return { ok: false, reason: 'missing field', detail: 'messages or usage is required' };
    }
    const inconsistency = usageInconsistency(usageFrom(line));
    if (inconsistency) return { ok: false, reason: 'invalid field', detail: inconsistency };
    const timestampMs = parseTimestampMs(typeof line.timestamp === 'string' ? textReader(context)(line.timestamp) : line.timestamp);
    if (timestampMs === null) {
      return { ok: false, reason: 'invalid timestamp', detail: `timestamp: cannot read ${showValue(line.timestamp)} as ISO 8601 or epoch seconds/ms` };
    }
    return toRequest(line, timestampMs, context);
  },
};
