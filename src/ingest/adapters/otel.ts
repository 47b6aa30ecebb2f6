// OpenTelemetry GenAI spans: OTLP/JSON exports (one ExportTraceServiceRequest per line, as the
// Collector's file exporter writes them) expanded into one flat record per model-call span, or
// files that already hold one flat span per line ({traceId, spanId, name, startTimeUnixNano,
// endTimeUnixNano, status, attributes, resource}).
// Attribute names and meanings from the GenAI semantic conventions:
//   https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
//   https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/
//   https://opentelemetry.io/docs/specs/semconv/gen-ai/anthropic/
// and the OTLP/JSON encoding (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
// ids are hex, 64-bit integers (intValue, *UnixNano) are decimal strings.
// gen_ai.usage.input_tokens "SHOULD include all types of input tokens, including cached tokens";
// cache_read / cache_creation.input_tokens "SHOULD be included in gen_ai.usage.input_tokens";
// for Anthropic the instrumentation MUST add them to Anthropic's input_tokens (OpenLLMetry's
// Anthropic instrumentation does: input_tokens = input + cache_read + cache_creation). So the
// logged input is taken as all prompt tokens, and cache counts above it are quarantined.
import type { CanonicalMessage, RetrievalChunk } from '../canonical.js';
import { canonicalRole, contentText, readPath } from '../fields.js';
import { emptyRequest, jsonValue, tokenCount } from './chat-messages.js';
import { usageInconsistency } from './canonical.js';
import type { AdapterContext, AdapterResult, ExpandedRecords, LogAdapter, QuarantineReason } from './types.js';
import { showValue } from '../../config/issues.js';
import { inferProvider } from '../../pricing/catalogue.js';

type Rejection = { ok: false; reason: QuarantineReason; detail: string };
type Attributes = Record<string, unknown>;

/** An OTLP AnyValue as a plain JSON value (intValue arrives as a decimal string in OTLP/JSON). */
function anyValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value ?? null;
  const v = value as Record<string, unknown>;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) {
    const number = Number(v.intValue);
    return Number.isSafeInteger(number) ? number : v.intValue;
  }
  if ('doubleValue' in v) return typeof v.doubleValue === 'string' ? Number(v.doubleValue) : v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) return ((v.arrayValue as { values?: unknown[] } | null)?.values ?? []).map(anyValue);
  if ('kvlistValue' in v) return keyValues((v.kvlistValue as { values?: unknown } | null)?.values);
  if ('bytesValue' in v) return v.bytesValue;
  return null;
}

/** OTLP attributes ([{key, value}]) as a plain object; an object is taken as already flat. */
function keyValues(list: unknown): Attributes {
  if (list && typeof list === 'object' && !Array.isArray(list)) return list as Attributes;
  const out: Attributes = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (item && typeof item === 'object' && typeof (item as { key?: unknown }).key === 'string') {
      out[(item as { key: string }).key] = anyValue((item as { value?: unknown }).value);
    }
  }
  return out;
}

/** Operations that wrap model calls (agents, tools, retrieval): their usage, if any, sums their children. */
const NON_MODEL_OPERATIONS = new Set(['invoke_agent', 'create_agent', 'execute_tool', 'retrieval', 'invoke_workflow']);

/** A span is a model call when it names a model or reports token usage, and is not a wrapper. */
function isModelCall(attributes: Attributes): boolean {
  const operation = attributes['gen_ai.operation.name'];
  if (typeof operation === 'string' && NON_MODEL_OPERATIONS.has(operation)) return false;
  return Object.keys(attributes).some(
    (key) => key === 'gen_ai.request.model' || key === 'gen_ai.response.model' || key.startsWith('gen_ai.usage.') || key.startsWith('llm.usage.'),
  );
}

function flatSpan(span: Record<string, unknown>, resource: Attributes, scope: unknown): Record<string, unknown> {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    status: span.status,
    attributes: keyValues(span.attributes),
    resource,
    scope,
  };
}

function expandExport(record: Record<string, unknown>): ExpandedRecords {
  const out: ExpandedRecords = { records: [], skipped: 0 };
  for (const resourceSpans of asList(record.resourceSpans)) {
    const resource = keyValues(readPath(resourceSpans, 'resource.attributes'));
    // `instrumentationLibrarySpans` is the pre-1.0 OTLP name of scopeSpans.
    const scopes = [...asList(readPath(resourceSpans, 'scopeSpans')), ...asList(readPath(resourceSpans, 'instrumentationLibrarySpans'))];
    for (const scopeSpans of scopes) {
      const scope = readPath(scopeSpans, 'scope') ?? readPath(scopeSpans, 'instrumentationLibrary') ?? null;
      for (const span of asList(readPath(scopeSpans, 'spans'))) {
        const flat = flatSpan(span as Record<string, unknown>, resource, scope);
        if (isModelCall(flat.attributes as Attributes)) out.records.push(flat);
        else out.skipped++;
      }
    }
  }
  return out;
}

const asList = (value: unknown): Array<Record<string, unknown>> =>
  Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object') : [];

/** The semconv `gen_ai.provider.name` values, as genai-prices names the provider. */
const PROVIDERS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  'aws.bedrock': 'aws',
  'azure.ai.inference': 'azure',
  'azure.ai.openai': 'azure',
  'az.ai.openai': 'azure',
  'az.ai.inference': 'azure',
  cohere: 'cohere',
  deepseek: 'deepseek',
  'gcp.gemini': 'google',
  'gcp.gen_ai': 'google',
  'gcp.vertex_ai': 'google',
  vertex_ai: 'google',
  gemini: 'google',
  groq: 'groq',
  mistral_ai: 'mistral',
  mistralai: 'mistral',
  perplexity: 'perplexity',
  x_ai: 'x-ai',
  xai: 'x-ai',
};

function countAt(attributes: Attributes, keys: string[]): { ok: true; value: number | null } | Rejection {
  for (const key of keys) {
    const value = attributes[key];
    if (value === undefined || value === null || value === '') continue;
    const count = tokenCount(value);
    if (count !== null) return { ok: true, value: count };
    const number = typeof value === 'string' ? Number(value) : value;
    const reason = typeof number === 'number' && number < 0 ? 'negative token count' : 'invalid field';
    return { ok: false, reason, detail: `attributes.${key}: expected a non-negative integer, got ${showValue(value)}` };
  }
  return { ok: true, value: null };
}

const USAGE_KEYS = {
  input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.usage.prompt_tokens'],
  output: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.usage.completion_tokens'],
  cacheRead: ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens', 'gen_ai.usage.input_tokens.cached'],
  cacheWrite: ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens', 'gen_ai.usage.input_tokens.cache_write'],
  reasoning: ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens', 'gen_ai.usage.output_tokens.reasoning'],
  total: ['llm.usage.total_tokens', 'gen_ai.usage.total_tokens'],
};

/** The text of one semconv message part (text, tool_call, tool_call_response, reasoning). */
function partText(part: unknown): string {
  if (typeof part === 'string') return part;
  if (!part || typeof part !== 'object') return '';
  const p = part as Record<string, unknown>;
  if (p.type === 'tool_call') return `${String(p.name ?? 'tool')}(${typeof p.arguments === 'string' ? p.arguments : JSON.stringify(p.arguments ?? {})})`;
  if (p.type === 'tool_call_response') return typeof p.response === 'string' ? p.response : typeof p.result === 'string' ? p.result : JSON.stringify(p.response ?? p.result ?? '');
  if (typeof p.content === 'string') return p.content;
  return contentText(p);
}

const partsText = (parts: unknown): string => (Array.isArray(parts) ? parts.map(partText).filter((text) => text !== '').join('\n') : contentText(parts));

type Messages = { ok: true; messages: CanonicalMessage[] } | Rejection;

/** `gen_ai.input.messages` ([{role, parts}], a JSON string on most spans) as canonical messages. */
function semconvMessages(value: unknown, key: string): Messages {
  const list = jsonValue(value);
  if (!Array.isArray(list)) return { ok: false, reason: 'invalid field', detail: `attributes.${key}: expected a list of messages, got ${showValue(list)}` };
  const messages: CanonicalMessage[] = [];
  for (const [index, item] of list.entries()) {
    const message = (item ?? {}) as Record<string, unknown>;
    const role = typeof message.role === 'string' ? canonicalRole(message.role) : undefined;
    if (!role) return { ok: false, reason: 'invalid field', detail: `attributes.${key}[${index}].role: unknown role ${showValue(message.role)}` };
    const text = 'parts' in message ? partsText(message.parts) : contentText(message.content);
    messages.push(typeof message.name === 'string' && message.name !== '' ? { role, text, name: message.name } : { role, text });
  }
  return { ok: true, messages };
}

/** OpenLLMetry's indexed attributes: gen_ai.prompt.0.role, gen_ai.prompt.0.content, … */
function indexedMessages(attributes: Attributes, prefix: string): Array<{ index: number; role: string; text: string; finishReason: unknown }> {
  const byIndex = new Map<number, Record<string, unknown>>();
  for (const [key, value] of Object.entries(attributes)) {
    const match = key.startsWith(prefix) ? /^(\d+)\.(.+)$/.exec(key.slice(prefix.length)) : null;
    if (!match) continue;
    const index = Number(match[1]);
    const entry = byIndex.get(index) ?? {};
    entry[match[2]!] = value;
    byIndex.set(index, entry);
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, entry]) => {
      const calls = Object.keys(entry)
        .map((key) => /^tool_calls\.(\d+)\.name$/.exec(key)?.[1])
        .filter((n): n is string => n !== undefined)
        .map((n) => `${String(entry[`tool_calls.${n}.name`])}(${String(entry[`tool_calls.${n}.arguments`] ?? '{}')})`);
      const content = entry.content === undefined ? '' : contentText(jsonValue(entry.content));
      return { index, role: String(entry.role ?? 'user'), text: [content, ...calls].filter((t) => t !== '').join('\n'), finishReason: entry.finish_reason };
    });
}

function promptFrom(attributes: Attributes): { ok: true; messages: CanonicalMessage[] | null } | Rejection {
  const system: CanonicalMessage[] = [];
  const instructions = attributes['gen_ai.system_instructions'];
  if (instructions !== undefined && instructions !== null) {
    const text = partsText(jsonValue(instructions));
    if (text !== '') system.push({ role: 'system', text });
  }
  if (attributes['gen_ai.input.messages'] !== undefined) {
    const parsed = semconvMessages(attributes['gen_ai.input.messages'], 'gen_ai.input.messages');
    return parsed.ok ? { ok: true, messages: [...system, ...parsed.messages] } : parsed;
  }
  const legacy = indexedMessages(attributes, 'gen_ai.prompt.');
  if (legacy.length === 0) return { ok: true, messages: system.length > 0 ? system : null };
  const messages = [...system];
  for (const entry of legacy) {
    const role = canonicalRole(entry.role);
    if (!role) return { ok: false, reason: 'invalid field', detail: `attributes.gen_ai.prompt.${entry.index}.role: unknown role ${showValue(entry.role)}` };
    messages.push({ role, text: entry.text });
  }
  return { ok: true, messages };
}

function completionFrom(attributes: Attributes): { text: string | null; choices: number; finishReason: string | null } {
  const reasons = jsonValue(attributes['gen_ai.response.finish_reasons']);
  const firstReason = Array.isArray(reasons) && typeof reasons[0] === 'string' ? reasons[0] : typeof reasons === 'string' ? reasons : null;
  const output = jsonValue(attributes['gen_ai.output.messages']);
  if (Array.isArray(output)) {
    const texts = output.map((message) => partsText((message as { parts?: unknown } | null)?.parts));
    const reason = (output[0] as { finish_reason?: unknown } | null)?.finish_reason;
    return { text: texts.join('\n'), choices: Math.max(1, output.length), finishReason: firstReason ?? (typeof reason === 'string' ? reason : null) };
  }
  const legacy = indexedMessages(attributes, 'gen_ai.completion.');
  if (legacy.length > 0) {
    const reason = legacy[0]!.finishReason;
    return { text: legacy.map((entry) => entry.text).join('\n'), choices: legacy.length, finishReason: firstReason ?? (typeof reason === 'string' ? reason : null) };
  }
  return { text: null, choices: 1, finishReason: firstReason };
}

/** Retrieved documents that carry their text (`gen_ai.retrieval.documents` only requires id and score). */
function retrievalFrom(value: unknown): RetrievalChunk[] {
  const list = jsonValue(value);
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const doc = (item ?? {}) as Record<string, unknown>;
    const text = typeof doc.text === 'string' ? doc.text : typeof doc.content === 'string' ? doc.content : null;
    return doc.id !== undefined && doc.id !== null && text !== null ? [{ id: String(doc.id), text }] : [];
  });
}

/** Epoch milliseconds from a *UnixNano value (a decimal string, or a number). */
function nanosToMs(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.round(value / 1e6);
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(BigInt(value.trim()) / 1_000_000n);
  return null;
}

const MIN_VALID_MS = Date.UTC(1990, 0, 1);
const MAX_VALID_MS = Date.UTC(2200, 0, 1);

const OTHER_PARAMS = ['top_p', 'top_k', 'frequency_penalty', 'presence_penalty', 'stop_sequences', 'seed'];

function numberAttr(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : null);

/**
 * A config `fields:` path on the flat span. Attribute keys hold dots, so `attributes.app.feature`
 * is first tried as the attribute `app.feature`, then as a nested path.
 */
function mapped(record: Record<string, unknown>, attributes: Attributes, resource: Attributes, path: string | undefined): string | null {
  if (path === undefined) return null;
  if (path.startsWith('attributes.') && path.slice(11) in attributes) return text(attributes[path.slice(11)]);
  if (path.startsWith('resource.') && path.slice(9) in resource) return text(resource[path.slice(9)]);
  return text(readPath(record, path));
}

function isError(status: unknown, attributes: Attributes): boolean {
  const code = (status as { code?: unknown } | null)?.code;
  return code === 2 || code === '2' || code === 'STATUS_CODE_ERROR' || text(attributes['error.type']) !== null;
}

function toRequest(record: Record<string, unknown>, context: AdapterContext): AdapterResult {
  const attributes = keyValues(record.attributes);
  const resource = resourceAttributes(record.resource);
  const model = text(attributes['gen_ai.request.model']) ?? text(attributes['gen_ai.response.model']);
  if (!model) return { ok: false, reason: 'missing field', detail: 'attributes.gen_ai.request.model (or gen_ai.response.model) is required' };
  const startMs = nanosToMs(record.startTimeUnixNano);
  if (record.startTimeUnixNano === undefined || record.startTimeUnixNano === null) return { ok: false, reason: 'missing field', detail: 'startTimeUnixNano is required' };
  if (startMs === null || startMs < MIN_VALID_MS || startMs > MAX_VALID_MS) {
    return { ok: false, reason: 'invalid timestamp', detail: `startTimeUnixNano: cannot read ${showValue(record.startTimeUnixNano)} as nanoseconds since the epoch` };
  }

  const counts: Record<keyof typeof USAGE_KEYS, number | null> = { input: null, output: null, cacheRead: null, cacheWrite: null, reasoning: null, total: null };
  for (const name of Object.keys(USAGE_KEYS) as Array<keyof typeof USAGE_KEYS>) {
    const count = countAt(attributes, USAGE_KEYS[name]);
    if (!count.ok) return count;
    counts[name] = count.value;
  }
  // Some emitters give only the total beside the output: the rest is the prompt.
  const input = counts.input ?? (counts.total !== null && counts.output !== null && counts.total >= counts.output ? counts.total - counts.output : null);
  const usage = { inputTokens: input, outputTokens: counts.output, cachedInputTokens: counts.cacheRead, cacheWriteTokens: counts.cacheWrite, cacheWrite1hTokens: null, reasoningTokens: counts.reasoning };
  const inconsistency = usageInconsistency(usage);
  if (inconsistency) return { ok: false, reason: 'invalid field', detail: `${inconsistency} (gen_ai.usage.input_tokens must include cached tokens)` };

  const prompt = promptFrom(attributes);
  if (!prompt.ok) return prompt;
  const completion = completionFrom(attributes);
  const endMs = nanosToMs(record.endTimeUnixNano);
  const provider = text(attributes['gen_ai.provider.name']) ?? text(attributes['gen_ai.system']);
  const requestId = text(record.spanId) ?? text(attributes['gen_ai.response.id']) ?? context.rowHash;
  const request = emptyRequest(requestId, startMs, model, (provider && PROVIDERS[provider.toLowerCase()]) ?? inferProvider(model));
  const path = (name: string) => context.fieldPaths[name];
  request.feature = mapped(record, attributes, resource, path('feature')) ?? text(attributes.feature) ?? text(resource['service.name']) ?? 'unknown';
  request.userId = mapped(record, attributes, resource, path('user_id')) ?? text(attributes['user.id']) ?? text(attributes['enduser.id']);
  request.sessionId = mapped(record, attributes, resource, path('session_id')) ?? text(attributes['gen_ai.conversation.id']) ?? text(attributes['session.id']);
  request.messages = prompt.messages;
  request.retrieval = retrievalFrom(attributes['gen_ai.retrieval.documents']);
  request.output = completion.text;
  request.finishReason = completion.finishReason;
  const n = tokenCount(attributes['gen_ai.request.choice.count']);
  request.choiceCount = n !== null && n > 0 ? n : completion.choices;
  request.usage = usage;
  request.latencyMs = endMs !== null && endMs >= startMs ? endMs - startMs : null;
  const other: Record<string, unknown> = {};
  for (const name of OTHER_PARAMS) if (attributes[`gen_ai.request.${name}`] !== undefined) other[name] = attributes[`gen_ai.request.${name}`];
  request.params = { maxTokens: tokenCount(attributes['gen_ai.request.max_tokens']), temperature: numberAttr(attributes['gen_ai.request.temperature']), n: n !== null && n > 0 ? n : null, other };
  request.status = isError(record.status, attributes) ? 'error' : 'ok';
  const cost = numberAttr(attributes['gen_ai.usage.cost']);
  request.loggedCostUsd = cost !== null && cost >= 0 ? cost : null;
  return { ok: true, request };
}

/** A flat span's resource: plain attributes, or the OTLP {attributes: [{key, value}]}. */
function resourceAttributes(resource: unknown): Attributes {
  const list = (resource as { attributes?: unknown } | null)?.attributes;
  return Array.isArray(list) ? keyValues(list) : keyValues(resource);
}

const isFlatSpan = (record: Record<string, unknown>) => 'spanId' in record && 'startTimeUnixNano' in record && 'attributes' in record;

export const otelAdapter: LogAdapter = {
  format: 'otel',
  detect(record) {
    return Array.isArray(record.resourceSpans) || isFlatSpan(record);
  },
  expand(record) {
    if (Array.isArray(record.resourceSpans)) return expandExport(record);
    // A flat span (one per line): a model call, or counted as skipped.
    const flat = { ...record, attributes: keyValues(record.attributes), resource: resourceAttributes(record.resource) };
    return isModelCall(flat.attributes) ? { records: [flat], skipped: 0 } : { records: [], skipped: 1 };
  },
  toCanonical(record, context) {
    return toRequest(record, context);
  },
};
