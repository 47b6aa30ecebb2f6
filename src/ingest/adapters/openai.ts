// OpenAI API logs: one `{request, response, metadata?, timestamp?, latency_ms?}` record per call,
// the bodies being those of Chat Completions or of the Responses API. Field names and meanings:
//   https://platform.openai.com/docs/api-reference/chat/create and /chat/object (messages, choices, usage)
//   https://platform.openai.com/docs/api-reference/responses/create and /responses/object (input,
//     instructions, output items, usage, status, error, incomplete_details)
//   https://platform.openai.com/docs/guides/prompt-caching (cached_tokens are part of prompt_tokens)
//   https://platform.openai.com/docs/guides/reasoning (reasoning_tokens are part of the output tokens)
//   https://platform.openai.com/docs/guides/flex-processing (service_tier "flex" is billed at Batch API rates)
//   https://platform.openai.com/docs/guides/error-codes (error bodies `{error: {message, type, code}}`)
import { z } from 'zod';
import type { CanonicalMessage, CanonicalRequest, LoggedUsage } from '../canonical.js';
import { canonicalRole, contentText, messageText, toMessage } from '../fields.js';
import { chatMessages, emptyRequest, jsonValue, systemMessage, type MessagesResult } from './chat-messages.js';
import { usageInconsistency } from './canonical.js';
import { attribution, envelopeShape, exchangeOf, firstText, jsonObject, mappedMs, otherParams, timestampOf, tokenCount, type JsonObject } from './exchange.js';
import { isRecord, zodRejection } from './chat-messages.js';
import type { AdapterContext, AdapterResult, LogAdapter } from './types.js';
import { showValue } from '../../config/issues.js';
import { inferProvider } from '../../pricing/catalogue.js';

const maxTokens = z.preprocess((value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)).nullish();

const requestSchema = jsonObject({
  model: z.string().min(1).nullish(),
  max_tokens: maxTokens,
  max_completion_tokens: maxTokens,
  max_output_tokens: maxTokens,
  temperature: z.number().nullish(),
  n: z.number().int().positive().max(1_000_000).nullish(),
  service_tier: z.string().nullish(),
});

const responseSchema = jsonObject({
  id: z.string().nullish(),
  object: z.string().nullish(),
  model: z.string().nullish(),
  // Chat Completions
  choices: z.array(z.looseObject({ message: z.looseObject({}).nullish(), finish_reason: z.string().nullish() })).nullish(),
  // Responses API
  output: z.array(z.looseObject({ type: z.string() })).nullish(),
  status: z.string().nullish(),
  incomplete_details: z.looseObject({ reason: z.string().nullish() }).nullish(),
  usage: z
    .looseObject({
      prompt_tokens: tokenCount,
      completion_tokens: tokenCount,
      prompt_tokens_details: z.looseObject({ cached_tokens: tokenCount }).nullish(),
      completion_tokens_details: z.looseObject({ reasoning_tokens: tokenCount }).nullish(),
      input_tokens: tokenCount,
      output_tokens: tokenCount,
      input_tokens_details: z.looseObject({ cached_tokens: tokenCount }).nullish(),
      output_tokens_details: z.looseObject({ reasoning_tokens: tokenCount }).nullish(),
    })
    .nullish(),
  service_tier: z.string().nullish(),
  error: z.unknown().optional(),
});

const lineSchema = z.looseObject({ ...envelopeShape, request: requestSchema, response: responseSchema });
type OpenAiLine = z.output<typeof lineSchema>;
type OpenAiResponse = OpenAiLine['response'];

/** Request fields the canonical request holds elsewhere, or that do not change the answer. */
const NAMED_PARAMS = ['model', 'messages', 'input', 'instructions', 'max_tokens', 'max_completion_tokens', 'max_output_tokens', 'temperature', 'n', 'user', 'safety_identifier', 'metadata', 'store', 'stream', 'stream_options'];

const ATTRIBUTION = {
  feature: ['metadata.feature', 'request.metadata.feature'],
  user_id: ['metadata.user_id', 'request.user', 'request.safety_identifier', 'request.metadata.user_id'],
  session_id: ['metadata.session_id', 'request.metadata.session_id', 'request.conversation', 'request.conversation.id'],
};

/** A Responses API exchange (else Chat Completions): by the response object, or the request's shape. */
function isResponsesApi(request: JsonObject, response: JsonObject): boolean {
  if (response.object === 'response') return true;
  if (response.object === 'chat.completion') return false;
  return Array.isArray(response.output) || (request.input !== undefined && request.messages === undefined);
}

/** A failed call: an error body, a failed/cancelled response, or a non-null `error`. */
function isError(response: OpenAiResponse): boolean {
  return (response.error !== undefined && response.error !== null) || response.status === 'failed' || response.status === 'cancelled';
}

function usageOf(response: OpenAiResponse, responsesApi: boolean, failed: boolean): LoggedUsage {
  const usage = response.usage;
  const empty = { inputTokens: null, outputTokens: null, cachedInputTokens: null, cacheWriteTokens: null, cacheWrite1hTokens: null, reasoningTokens: null };
  // A call that failed without reporting usage was not billed.
  if (!usage) return failed ? { ...empty, inputTokens: 0, outputTokens: 0 } : empty;
  const input = responsesApi ? (usage.input_tokens ?? usage.prompt_tokens) : (usage.prompt_tokens ?? usage.input_tokens);
  const output = responsesApi ? (usage.output_tokens ?? usage.completion_tokens) : (usage.completion_tokens ?? usage.output_tokens);
  const inputDetails = usage.input_tokens_details ?? usage.prompt_tokens_details;
  const outputDetails = usage.output_tokens_details ?? usage.completion_tokens_details;
  return {
    ...empty,
    inputTokens: input ?? null,
    outputTokens: output ?? null,
    cachedInputTokens: inputDetails?.cached_tokens ?? null,
    reasoningTokens: outputDetails?.reasoning_tokens ?? null,
  };
}

/** A Responses API `input` (a string or a list of items) and `instructions` as canonical messages. */
function responsesMessages(request: JsonObject): MessagesResult {
  const messages: CanonicalMessage[] = systemMessage(request.instructions);
  const input = jsonValue(request.input);
  if (input === undefined || input === null) return { ok: true, messages };
  if (typeof input === 'string') return { ok: true, messages: [...messages, { role: 'user', text: input }] };
  if (!Array.isArray(input)) return { ok: false, detail: `request.input: expected a string or a list of items, got ${showValue(input)}` };
  for (const [index, item] of input.entries()) {
    if (!isRecord(item)) return { ok: false, detail: `request.input[${index}]: expected an input item, got ${showValue(item)}` };
    const type = item.type ?? (typeof item.role === 'string' ? 'message' : undefined);
    if (type === 'message') {
      const role = typeof item.role === 'string' ? canonicalRole(item.role) : undefined;
      if (!role) return { ok: false, detail: `request.input[${index}].role: unknown role ${showValue(item.role)}` };
      messages.push(toMessage(role, item));
    } else if (type === 'function_call' || type === 'custom_tool_call') {
      const call = toolCallText(item);
      const previous = messages.at(-1);
      // Consecutive calls are one assistant turn, as tool_calls are in Chat Completions.
      if (previous?.role === 'assistant' && index > 0 && isToolCall(input[index - 1])) previous.text += `\n${call}`;
      else messages.push({ role: 'assistant', text: call });
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      messages.push({ role: 'tool', text: contentText(item.output) });
    }
    // Reasoning items (encrypted or summarized) and hosted-tool calls are not prompt text.
  }
  return { ok: true, messages };
}

const isToolCall = (item: unknown): boolean => isRecord(item) && (item.type === 'function_call' || item.type === 'custom_tool_call');

function toolCallText(item: JsonObject): string {
  const args = item.type === 'custom_tool_call' ? item.input : item.arguments;
  return `${String(item.name ?? 'tool')}(${typeof args === 'string' ? args : JSON.stringify(args ?? {})})`;
}

/** Responses API output items as text: message text and refusals, function calls as `name(arguments)`. */
function responsesOutput(output: NonNullable<OpenAiResponse['output']>): string {
  const parts: string[] = [];
  for (const item of output) {
    if (item.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content as unknown[]) {
        if (!isRecord(part)) continue;
        const text = typeof part.text === 'string' ? part.text : typeof part.refusal === 'string' ? part.refusal : '';
        if (text !== '') parts.push(text);
      }
    } else if (isToolCall(item)) {
      parts.push(toolCallText(item));
    }
  }
  return parts.join('\n');
}

/** Chat Completions choices as text (tool calls as `name(arguments)` lines), all choices joined. */
function chatOutput(choices: NonNullable<OpenAiResponse['choices']>): string {
  return choices
    .map((choice) => {
      const message = choice.message ?? {};
      const text = messageText(message);
      return text === '' && typeof message.refusal === 'string' ? message.refusal : text;
    })
    .filter((text) => text !== '')
    .join('\n');
}

/** The Responses API's status in Chat Completions' finish_reason words. */
function responsesFinishReason(response: OpenAiResponse, failed: boolean): string | null {
  if (failed) return 'error';
  if (response.status === 'incomplete') return response.incomplete_details?.reason === 'max_output_tokens' ? 'length' : (response.incomplete_details?.reason ?? 'incomplete');
  if (response.status === 'completed') return response.output?.some(isToolCall) ? 'tool_calls' : 'stop';
  return response.status ?? null;
}

function toRequest(line: OpenAiLine, timestampMs: number, context: AdapterContext): AdapterResult {
  const { request, response } = line;
  const responsesApi = isResponsesApi(request, response);
  const failed = isError(response);
  const model = firstText(line, [context.fieldPaths.model, 'response.model', 'request.model']);
  if (!model) return { ok: false, reason: 'missing field', detail: 'request.model is required (the response names none)' };
  const hasText = responsesApi ? request.input != null || request.instructions != null : request.messages != null;
  const messages = hasText ? (responsesApi ? responsesMessages(request) : chatMessages(request.messages, 'request.messages')) : null;
  if (messages && !messages.ok) return { ok: false, reason: 'invalid field', detail: messages.detail };
  const usage = usageOf(response, responsesApi, failed);
  if (!messages && usage.inputTokens === null) {
    return { ok: false, reason: 'missing field', detail: `${responsesApi ? 'request.input' : 'request.messages'} or response.usage is required` };
  }
  const inconsistency = usageInconsistency(usage);
  if (inconsistency) return { ok: false, reason: 'invalid field', detail: inconsistency };
  if ((usage.reasoningTokens ?? 0) > (usage.outputTokens ?? Infinity)) {
    return { ok: false, reason: 'invalid field', detail: `usage: reasoning_tokens (${usage.reasoningTokens}) exceed the output tokens (${usage.outputTokens}), which include them` };
  }
  const requestId = firstText(line, [context.fieldPaths.request_id, 'response.id']) ?? context.rowHash;
  const choices = response.choices ?? [];
  const canonical: CanonicalRequest = {
    ...emptyRequest(requestId, timestampMs, model, inferProvider(model)),
    ...attribution(line, ATTRIBUTION, context),
    messages: messages ? messages.messages : null,
    output: responsesApi ? (response.output ? responsesOutput(response.output) : null) : choices.length > 0 ? chatOutput(choices) : null,
    choiceCount: responsesApi ? 1 : Math.max(1, choices.length),
    finishReason: responsesApi ? responsesFinishReason(response, failed) : failed ? 'error' : (choices[0]?.finish_reason ?? null),
    usage,
    latencyMs: mappedMs(line, 'latency_ms', context),
    ttftMs: mappedMs(line, 'ttft_ms', context),
    params: {
      maxTokens: (responsesApi ? request.max_output_tokens : (request.max_completion_tokens ?? request.max_tokens)) ?? null,
      temperature: request.temperature ?? null,
      n: responsesApi ? null : (request.n ?? null),
      other: otherParams(request, NAMED_PARAMS),
    },
    status: failed ? 'error' : 'ok',
    batch: line.batch ?? (response.service_tier ?? request.service_tier) === 'flex',
  };
  return { ok: true, request: canonical };
}

export const openaiAdapter: LogAdapter = {
  format: 'openai',
  detect(record) {
    const exchange = exchangeOf(record);
    if (!exchange) return false;
    const { request, response } = exchange;
    // Anthropic bodies carry `type` ('message' or 'error'); OpenAI's carry `object`.
    if (response.type !== undefined) return false;
    if (response.object === 'chat.completion' || response.object === 'response') return true;
    if (Array.isArray(response.choices) || Array.isArray(response.output)) return true;
    // A bare error body `{error: {…}}`: the request says which API was called.
    return isRecord(response.error) && (Array.isArray(jsonValue(request.messages)) || request.input !== undefined) && request.system === undefined;
  },
  toCanonical(record, context) {
    const parsed = lineSchema.safeParse(record, { reportInput: true });
    if (!parsed.success) return zodRejection(parsed.error.issues[0]!);
    const line = parsed.data;
    const timestamp = timestampOf(line, ['timestamp', 'response.created', 'response.created_at'], context, 'timestamp is required (the response has no created / created_at)');
    if (!timestamp.ok) return timestamp;
    return toRequest(line, timestamp.timestampMs, context);
  },
};
