// Langfuse observation exports (public API `GET /api/public/observations`, camelCase, and the
// blob-storage / database export, snake_case): one GENERATION or EMBEDDING observation per call.
// Field names and meanings from
//   https://langfuse.com/docs/api-and-data-platform/features/blob-storage-export-fields
//   https://langfuse.com/docs/observability/features/token-and-cost-tracking
// Usage types are disjoint and add up to the total ("total … derived from input +
// cache_read_input_tokens + output"); Langfuse's ingestion (packages/shared/src/server/ingestion/
// types.ts, OpenAICompletionUsageSchema) subtracts every prompt_tokens_details entry from
// `input` and stores it as `input_<key>`. So canonical input = the sum of every usage type
// whose name contains "input", the way the Langfuse UI itself sums input usage.
import { z } from 'zod';
import type { CanonicalMessage, LoggedUsage } from '../canonical.js';
import { contentText, messageText, parseTimestampMs, readPath } from '../fields.js';
import { chatMessages, emptyRequest, jsonValue, systemMessage, tokenCount } from './chat-messages.js';
import { usageInconsistency } from './canonical.js';
import type { AdapterContext, AdapterResult, LogAdapter, QuarantineReason } from './types.js';
import { showValue } from '../../config/issues.js';
import { inferProvider } from '../../pricing/catalogue.js';

const OBSERVATION_TYPES = new Set(['GENERATION', 'EMBEDDING', 'SPAN', 'EVENT', 'AGENT', 'TOOL', 'CHAIN', 'RETRIEVER', 'EVALUATOR', 'GUARDRAIL']);
/** Observation types that are model calls and carry usage and cost (the docs' "generation and embedding"). */
const MODEL_CALL_TYPES = new Set(['GENERATION', 'EMBEDDING']);

type Rejection = { ok: false; reason: QuarantineReason; detail: string };

/** A field under its camelCase (public API) or snake_case (export) name. */
function field(record: Record<string, unknown>, camel: string, snake: string): unknown {
  const value = record[camel] ?? record[snake];
  return value === '' ? null : value;
}

const nonEmpty = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : null);

const usageDetailsSchema = z.record(z.string(), z.unknown());

/** A token count from a usage type, or why it is unreadable. */
function countAt(value: unknown, path: string): { ok: true; value: number | null } | Rejection {
  if (value === undefined || value === null || value === '') return { ok: true, value: null };
  const count = tokenCount(value);
  if (count !== null) return { ok: true, value: count };
  const number = typeof value === 'string' ? Number(value) : value;
  const reason = typeof number === 'number' && number < 0 ? 'negative token count' : 'invalid field';
  return { ok: false, reason, detail: `${path}: expected a non-negative integer, got ${showValue(value)}` };
}

/** The pre-usageDetails `usage` object's OpenAI-style names. */
const LEGACY_USAGE_KEYS: Record<string, string> = { promptTokens: 'input', completionTokens: 'output', totalTokens: 'total' };

const isCacheRead = (key: string) => /cache_read|cached/.test(key);
const isCacheWrite = (key: string) => /cache_creation|cache_write/.test(key);
/** Anthropic's per-TTL split of the cache write (`ephemeral_5m_input_tokens`, `ephemeral_1h_input_tokens`). */
const isTtlSplit = (key: string) => /ephemeral_(5m|1h)/.test(key);

/** Usage from `usageDetails` (or the legacy `usage` {input, output, total}) as canonical usage. */
function usageFrom(details: Record<string, unknown>, path: string): { ok: true; usage: LoggedUsage } | Rejection {
  const counts = new Map<string, number>();
  for (const [key, value] of Object.entries(details)) {
    // The legacy `usage` object carries a unit and costs beside its counts.
    if (key === 'unit' || /cost$/i.test(key)) continue;
    const count = countAt(value, `${path}.${key}`);
    if (!count.ok) return count;
    if (count.value !== null) counts.set(LEGACY_USAGE_KEYS[key] ?? key.toLowerCase(), count.value);
  }
  const hasWriteTotal = [...counts.keys()].some((key) => key.includes('input') && isCacheWrite(key));
  let input: number | null = null;
  let cacheRead: number | null = null;
  let cacheWrite: number | null = null;
  let cacheWrite1h: number | null = null;
  let output: number | null = null;
  let reasoning: number | null = null;
  const add = (sum: number | null, value: number) => (sum ?? 0) + value;
  for (const [key, value] of counts) {
    if (key === 'total') continue;
    if (key.includes('input')) {
      if (isTtlSplit(key)) {
        if (key.includes('1h')) cacheWrite1h = add(cacheWrite1h, value);
        // The split is a breakdown of cache_creation_input_tokens when that is logged too.
        if (hasWriteTotal) continue;
        cacheWrite = add(cacheWrite, value);
      } else if (isCacheWrite(key)) cacheWrite = add(cacheWrite, value);
      else if (isCacheRead(key)) cacheRead = add(cacheRead, value);
      input = add(input, value);
    } else if (key.includes('output') || key.includes('reasoning')) {
      if (key.includes('reasoning')) reasoning = add(reasoning, value);
      output = add(output, value);
    }
  }
  // A logged total equal to input + output alone, with cache types beside it, says this
  // integration's `input` already held the cache (not Langfuse's disjoint convention).
  const plainInput = counts.get('input');
  const total = counts.get('total');
  const cached = (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (plainInput !== undefined && total !== undefined && cached > 0 && total === plainInput + (output ?? 0)) input = plainInput;
  return {
    ok: true,
    usage: { inputTokens: input, outputTokens: output, cachedInputTokens: cacheRead, cacheWriteTokens: cacheWrite, cacheWrite1hTokens: cacheWrite1h, reasoningTokens: reasoning },
  };
}

/** The prompt: a message list, `{messages}` (with an Anthropic `system` beside it), or a plain string. */
function messagesFrom(input: unknown): { ok: true; messages: CanonicalMessage[] | null } | Rejection {
  const value = jsonValue(input);
  if (value === null || value === undefined || value === '') return { ok: true, messages: null };
  if (typeof value === 'string') return { ok: true, messages: [{ role: 'user', text: value }] };
  const wrapped = !Array.isArray(value) && typeof value === 'object' && Array.isArray((value as { messages?: unknown }).messages);
  if (!Array.isArray(value) && !wrapped) return { ok: true, messages: null };
  const list = wrapped ? (value as { messages: unknown }).messages : value;
  const parsed = chatMessages(list, wrapped ? 'input.messages' : 'input');
  if (!parsed.ok) return { ok: false, reason: 'invalid field', detail: parsed.detail };
  const system = wrapped ? systemMessage((value as { system?: unknown }).system) : [];
  return { ok: true, messages: [...system, ...parsed.messages] };
}

/** The completion: a string, an assistant message, a list of messages, or any other JSON as text. */
function outputText(output: unknown): { text: string | null; choices: number } {
  const value = jsonValue(output);
  if (value === null || value === undefined || value === '') return { text: null, choices: 1 };
  if (typeof value === 'string') return { text: value, choices: 1 };
  if (Array.isArray(value) && value.every((item) => item && typeof item === 'object' && 'content' in item)) {
    return { text: value.map((item) => messageText(item as Record<string, unknown>)).join('\n'), choices: Math.max(1, value.length) };
  }
  if (typeof value === 'object' && !Array.isArray(value) && ('content' in value || 'tool_calls' in value)) {
    return { text: messageText(value as Record<string, unknown>), choices: 1 };
  }
  const text = contentText(value);
  return { text: text === '' ? JSON.stringify(value) : text, choices: 1 };
}

function numberParam(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

const MAX_TOKENS_KEYS = ['max_tokens', 'maxTokens', 'max_completion_tokens', 'max_output_tokens', 'maxOutputTokens'];

function paramsFrom(raw: unknown): { ok: true; params: ReturnType<typeof emptyRequest>['params'] } | Rejection {
  const value = jsonValue(raw);
  if (value === null || value === undefined || value === '') return { ok: true, params: { maxTokens: null, temperature: null, n: null, other: {} } };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: 'invalid field', detail: `modelParameters: expected an object, got ${showValue(value)}` };
  }
  const other: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  let maxTokens: number | null = null;
  for (const key of MAX_TOKENS_KEYS) {
    if (other[key] === undefined) continue;
    maxTokens ??= tokenCount(other[key]);
    delete other[key];
  }
  const temperature = numberParam(other.temperature);
  delete other.temperature;
  const n = tokenCount(other.n);
  delete other.n;
  return { ok: true, params: { maxTokens, temperature, n: n !== null && n > 0 ? n : null, other } };
}

/** A mapped field (config `fields:`) wins; then the record's own places, in order. */
function textField(record: Record<string, unknown>, context: AdapterContext, canonical: string, ...values: unknown[]): string | null {
  const path = context.fieldPaths[canonical];
  const mapped = path === undefined ? null : nonEmpty(readPath(record, path));
  return mapped ?? values.map(nonEmpty).find((value) => value !== null) ?? null;
}

function timestampAt(record: Record<string, unknown>, camel: string, snake: string): number | null {
  const value = field(record, camel, snake);
  return value === null || value === undefined ? null : parseTimestampMs(value);
}

function toRequest(record: Record<string, unknown>, context: AdapterContext): AdapterResult {
  const model = nonEmpty(record.model) ?? nonEmpty(field(record, 'providedModelName', 'provided_model_name'));
  if (!model) return { ok: false, reason: 'missing field', detail: 'model (or provided_model_name) is required' };
  const start = field(record, 'startTime', 'start_time');
  if (start === null || start === undefined) return { ok: false, reason: 'missing field', detail: 'startTime (or start_time) is required' };
  const timestampMs = parseTimestampMs(start);
  if (timestampMs === null) return { ok: false, reason: 'invalid timestamp', detail: `startTime: cannot read ${showValue(start)} as ISO 8601 or epoch seconds/ms` };

  const rawDetails = jsonValue(field(record, 'usageDetails', 'usage_details') ?? record.usage);
  const detailsPath = record.usageDetails !== undefined ? 'usageDetails' : record.usage_details !== undefined ? 'usage_details' : 'usage';
  const details = usageDetailsSchema.safeParse(rawDetails ?? {});
  if (!details.success) return { ok: false, reason: 'invalid field', detail: `${detailsPath}: expected an object of token counts, got ${showValue(rawDetails)}` };
  const usage = usageFrom(details.data, detailsPath);
  if (!usage.ok) return usage;
  const inconsistency = usageInconsistency(usage.usage);
  if (inconsistency) return { ok: false, reason: 'invalid field', detail: inconsistency };

  const messages = messagesFrom(record.input);
  if (!messages.ok) return messages;
  const params = paramsFrom(field(record, 'modelParameters', 'model_parameters'));
  if (!params.ok) return params;
  const cost = loggedCost(record);
  if (typeof cost === 'object' && cost !== null) return cost;

  const metadata = jsonValue(record.metadata);
  const meta = metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {};
  const endMs = timestampAt(record, 'endTime', 'end_time');
  const firstTokenMs = timestampAt(record, 'completionStartTime', 'completion_start_time');
  const { text, choices } = outputText(record.output);
  const request = emptyRequest(nonEmpty(record.id) ?? context.rowHash, timestampMs, model, inferProvider(model));
  request.feature =
    textField(record, context, 'feature', field(record, 'promptName', 'prompt_name'), meta.feature, field(record, 'traceName', 'trace_name'), record.name) ?? 'unknown';
  request.userId = textField(record, context, 'user_id', field(record, 'userId', 'user_id'), meta.user_id, meta.userId, meta.langfuse_user_id);
  request.sessionId = textField(record, context, 'session_id', field(record, 'sessionId', 'session_id'), meta.session_id, meta.sessionId, meta.langfuse_session_id);
  request.messages = messages.messages;
  request.output = text;
  request.choiceCount = params.params.n ?? choices;
  request.usage = usage.usage;
  request.latencyMs = endMs !== null && endMs >= timestampMs ? endMs - timestampMs : null;
  request.ttftMs = firstTokenMs !== null && firstTokenMs >= timestampMs ? firstTokenMs - timestampMs : null;
  request.params = params.params;
  request.status = record.level === 'ERROR' ? 'error' : 'ok';
  request.loggedCostUsd = cost;
  return { ok: true, request };
}

/** costDetails.total, else the observation's total cost, else the sum of the cost types. */
function loggedCost(record: Record<string, unknown>): number | null | Rejection {
  const details = jsonValue(field(record, 'costDetails', 'cost_details'));
  const costs = details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : {};
  const candidates: Array<[string, unknown]> = [
    ['costDetails.total', costs.total],
    ['totalCost', field(record, 'totalCost', 'total_cost')],
    ['calculatedTotalCost', record.calculatedTotalCost],
  ];
  for (const [path, value] of candidates) {
    if (value === null || value === undefined) continue;
    const number = numberParam(value);
    if (number === null || number < 0) return { ok: false, reason: 'invalid field', detail: `${path}: expected a non-negative number of USD, got ${showValue(value)}` };
    return number;
  }
  const parts = Object.values(costs).map(numberParam).filter((value): value is number => value !== null);
  return parts.length === 0 ? null : parts.reduce((sum, value) => sum + value, 0);
}

function observationType(record: Record<string, unknown>): string | null {
  return typeof record.type === 'string' ? record.type.toUpperCase() : null;
}

export const langfuseAdapter: LogAdapter = {
  format: 'langfuse',
  detect(record) {
    const type = observationType(record);
    return type !== null && OBSERVATION_TYPES.has(type) && ('traceId' in record || 'trace_id' in record) && ('startTime' in record || 'start_time' in record);
  },
  expand(record) {
    const type = observationType(record);
    return type !== null && MODEL_CALL_TYPES.has(type) ? { records: [record], skipped: 0 } : { records: [], skipped: 1 };
  },
  toCanonical(record, context) {
    return toRequest(record, context);
  },
};
