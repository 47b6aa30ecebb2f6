// Anthropic Messages API logs: one `{request, response, metadata?, timestamp?, latency_ms?}` record
// per call, the bodies being those of POST /v1/messages. Field names and meanings:
//   https://docs.anthropic.com/en/api/messages (system, messages, content blocks, metadata.user_id,
//     stop_reason, usage, usage.service_tier)
//   https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching (input_tokens counts only the
//     tokens after the last cache breakpoint: the prompt is input + cache_creation + cache_read;
//     cache_creation.ephemeral_5m_input_tokens / ephemeral_1h_input_tokens split writes by TTL)
//   https://docs.anthropic.com/en/api/errors (error bodies `{type: "error", error: {type, message}, request_id}`)
import { z } from 'zod';
import type { CanonicalRequest, LoggedUsage } from '../canonical.js';
import { contentText } from '../fields.js';
import { chatMessages, emptyRequest, jsonValue, systemMessage, type MessagesResult } from './chat-messages.js';
import { usageInconsistency } from './canonical.js';
import { attribution, envelopeShape, exchangeOf, firstText, jsonObject, mappedMs, otherParams, timestampOf, tokenCount } from './exchange.js';
import { isRecord, zodRejection } from './chat-messages.js';
import type { AdapterContext, AdapterResult, LogAdapter } from './types.js';
import { inferProvider } from '../../pricing/catalogue.js';

const requestSchema = jsonObject({
  model: z.string().min(1).nullish(),
  max_tokens: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullish(),
  temperature: z.number().nullish(),
});

const usageSchema = z.looseObject({
  input_tokens: tokenCount,
  output_tokens: tokenCount,
  cache_creation_input_tokens: tokenCount,
  cache_read_input_tokens: tokenCount,
  cache_creation: z.looseObject({ ephemeral_5m_input_tokens: tokenCount, ephemeral_1h_input_tokens: tokenCount }).nullish(),
  service_tier: z.string().nullish(),
});

const responseSchema = jsonObject({
  id: z.string().nullish(),
  type: z.string().nullish(),
  model: z.string().nullish(),
  content: z.array(z.unknown()).nullish(),
  stop_reason: z.string().nullish(),
  usage: usageSchema.nullish(),
  request_id: z.string().nullish(),
});

const lineSchema = z.looseObject({ ...envelopeShape, request: requestSchema, response: responseSchema });
type AnthropicLine = z.output<typeof lineSchema>;

/** Request fields the canonical request holds elsewhere, or that do not change the answer. */
const NAMED_PARAMS = ['model', 'system', 'messages', 'max_tokens', 'temperature', 'metadata', 'stream'];

const ATTRIBUTION = {
  feature: ['metadata.feature', 'request.metadata.feature'],
  user_id: ['metadata.user_id', 'request.metadata.user_id'],
  session_id: ['metadata.session_id', 'request.metadata.session_id'],
};

/**
 * Usage in canonical terms. Anthropic's input_tokens exclude cache reads and writes, which are
 * added back; a failed call (an error body without usage) was not billed.
 */
function usageOf(usage: z.output<typeof usageSchema> | null | undefined, failed: boolean): LoggedUsage {
  const empty = { inputTokens: null, outputTokens: null, cachedInputTokens: null, cacheWriteTokens: null, cacheWrite1hTokens: null, reasoningTokens: null };
  if (!usage) return failed ? { ...empty, inputTokens: 0, outputTokens: 0 } : empty;
  const byTtl = usage.cache_creation;
  const split = byTtl && (byTtl.ephemeral_5m_input_tokens != null || byTtl.ephemeral_1h_input_tokens != null) ? (byTtl.ephemeral_5m_input_tokens ?? 0) + (byTtl.ephemeral_1h_input_tokens ?? 0) : null;
  const written = usage.cache_creation_input_tokens ?? split;
  const read = usage.cache_read_input_tokens ?? null;
  const parts = [usage.input_tokens, written, read].filter((count): count is number => count !== null && count !== undefined);
  return {
    ...empty,
    inputTokens: parts.length === 0 ? null : parts.reduce((sum, count) => sum + count, 0),
    outputTokens: usage.output_tokens ?? null,
    cachedInputTokens: read,
    cacheWriteTokens: written,
    cacheWrite1hTokens: byTtl?.ephemeral_1h_input_tokens ?? null,
  };
}

/** A user turn made only of tool_result blocks is the tools speaking, not the user. */
function isToolResults(message: unknown): boolean {
  if (!isRecord(message) || message.role !== 'user') return false;
  const content = message.content;
  return Array.isArray(content) && content.length > 0 && content.every((block) => isRecord(block) && block.type === 'tool_result');
}

function requestMessages(request: AnthropicLine['request']): MessagesResult {
  const list = jsonValue(request.messages);
  const retagged = Array.isArray(list) ? list.map((message) => (isToolResults(message) ? { ...(message as object), role: 'tool' } : message)) : list;
  const messages = chatMessages(retagged, 'request.messages');
  return messages.ok ? { ok: true, messages: [...systemMessage(request.system), ...messages.messages] } : messages;
}

/** Text and tool_use blocks; thinking blocks are not the answer (their tokens are in output_tokens). */
function outputText(content: unknown[]): string {
  return content
    .filter((block) => isRecord(block) && (block.type === 'text' || block.type === 'tool_use'))
    .map((block) => contentText(block))
    .filter((text) => text !== '')
    .join('\n');
}

function toRequest(line: AnthropicLine, timestampMs: number, context: AdapterContext): AdapterResult {
  const { request, response } = line;
  const failed = response.type === 'error';
  const model = firstText(line, [context.fieldPaths.model, 'response.model', 'request.model']);
  if (!model) return { ok: false, reason: 'missing field', detail: 'request.model is required (the response names none)' };
  const messages = request.messages != null ? requestMessages(request) : null;
  if (messages && !messages.ok) return { ok: false, reason: 'invalid field', detail: messages.detail };
  const usage = usageOf(response.usage, failed);
  if (!messages && usage.inputTokens === null) return { ok: false, reason: 'missing field', detail: 'request.messages or response.usage is required' };
  const inconsistency = usageInconsistency(usage);
  if (inconsistency) return { ok: false, reason: 'invalid field', detail: inconsistency };
  const requestId = firstText(line, [context.fieldPaths.request_id, 'response.id', 'response.request_id']) ?? context.rowHash;
  const canonical: CanonicalRequest = {
    ...emptyRequest(requestId, timestampMs, model, inferProvider(model)),
    ...attribution(line, ATTRIBUTION, context),
    messages: messages ? messages.messages : null,
    output: response.content ? outputText(response.content) : null,
    finishReason: failed ? 'error' : (response.stop_reason ?? null),
    usage,
    latencyMs: mappedMs(line, 'latency_ms', context),
    ttftMs: mappedMs(line, 'ttft_ms', context),
    params: { maxTokens: request.max_tokens ?? null, temperature: request.temperature ?? null, n: null, other: otherParams(request, NAMED_PARAMS) },
    status: failed ? 'error' : 'ok',
    batch: line.batch ?? response.usage?.service_tier === 'batch',
  };
  return { ok: true, request: canonical };
}

export const anthropicAdapter: LogAdapter = {
  format: 'anthropic',
  detect(record) {
    const exchange = exchangeOf(record);
    // A Messages API body says `type: "message"` (or "error"); OpenAI bodies use `object` instead.
    return exchange !== null && (exchange.response.type === 'message' || exchange.response.type === 'error') && exchange.response.object === undefined;
  },
  toCanonical(record, context) {
    const parsed = lineSchema.safeParse(record, { reportInput: true });
    if (!parsed.success) return zodRejection(parsed.error.issues[0]!);
    const line = parsed.data;
    const timestamp = timestampOf(line, ['timestamp'], context, 'timestamp is required (an Anthropic response carries no time)');
    if (!timestamp.ok) return timestamp;
    return toRequest(line, timestamp.timestampMs, context);
  },
};
