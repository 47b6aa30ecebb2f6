// What gateway exports (LiteLLM, Helicone) hold of each call: the provider's own request and
// response bodies (OpenAI chat completions or Anthropic messages), read into prompt messages,
// output text and usage; and the zod pieces their rows share (counts as digit strings, JSON cells).
import { z } from 'zod';
import { emptyUsage, type CanonicalMessage, type CanonicalRequest, type LoggedUsage, type RequestParams } from '../canonical.js';
import { contentText, readPath, toolCallsText } from '../fields.js';
import type { AdapterContext, AdapterResult } from './types.js';
import { chatMessages, isRecord, jsonValue, systemMessage, tokenCount } from './chat-messages.js';
import { formatPath, showValue } from '../../config/issues.js';

const digitsToNumber = (value: unknown) => (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value);

/** A token count column: a non-negative integer, or its digit string (CSV, Postgres text dumps). */
export const tokenColumn = z.preprocess(digitsToNumber, z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullish());
/** A non-negative amount (USD, milliseconds), or its digit string. */
export const amountColumn = z.preprocess(digitsToNumber, z.number().nonnegative().nullish());
export const idColumn = z.union([z.string(), z.number()]).nullish();
export const timeColumn = z.union([z.string(), z.number()]);

/** A column that holds JSON: an object, or its text (CSV cells, Parquet VARCHAR, Postgres json dumps). */
export function jsonColumn<T extends z.ZodType>(schema: T) {
  return z.preprocess(jsonValue, schema);
}

/** The first zod issue of a gateway row as a quarantine reason naming the field and value. */
export function rowRejection(issue: z.core.$ZodIssue): AdapterResult & { ok: false } {
  const input = 'input' in issue ? issue.input : undefined;
  const path = formatPath(issue.path);
  if (input === undefined || input === null) return { ok: false, reason: 'missing field', detail: `${path} is required` };
  const isTokenCount = String(issue.path.at(-1) ?? '').endsWith('tokens');
  if (isTokenCount && typeof input === 'number' && input < 0) {
    return { ok: false, reason: 'negative token count', detail: `${path}: expected a non-negative integer, got ${showValue(input)}` };
  }
  return { ok: false, reason: 'invalid field', detail: `${path}: ${issue.message.replace(/^Invalid input: /, '')}, got ${showValue(input)}` };
}

/** The text at a config `fields:` path (feature, user_id, session_id), when the user mapped one. */
export function mappedText(view: Record<string, unknown>, context: AdapterContext, field: string): string | null {
  const path = context.fieldPaths[field];
  return path ? nonEmptyText(readPath(view, path)) : null;
}

/** A string or number as text; null for absent, empty and non-scalar values. */
export function nonEmptyText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}


export type PromptResult = { ok: true; messages: CanonicalMessage[]; params: RequestParams } | { ok: false; detail: string };

/** Body keys that are the prompt, the named parameters, or say nothing about what the model computes. */
const NOT_OTHER_PARAMS = new Set(['messages', 'system', 'model', 'stream', 'stream_options', 'user', 'metadata', 'max_tokens', 'max_completion_tokens', 'temperature', 'n']);

/** The prompt of a request body: OpenAI `messages`, or Anthropic `system` + `messages`; and its parameters. */
export function promptFromBody(body: Record<string, unknown>, path: string): PromptResult {
  const listed = chatMessages(body.messages, `${path}.messages`);
  if (!listed.ok) return listed;
  const other = Object.fromEntries(Object.entries(body).filter(([key]) => !NOT_OTHER_PARAMS.has(key)));
  const params: RequestParams = {
    maxTokens: tokenCount(body.max_completion_tokens ?? body.max_tokens),
    temperature: typeof body.temperature === 'number' ? body.temperature : null,
    n: tokenCount(body.n),
    other,
  };
  return { ok: true, messages: [...systemMessage(body.system), ...listed.messages], params };
}

export interface BodyOutput {
  text: string | null;
  choiceCount: number;
  finishReason: string | null;
}

/** The output of a response body: OpenAI `choices` (all joined) or Anthropic `content` blocks. */
export function outputFromBody(body: Record<string, unknown>): BodyOutput {
  if (Array.isArray(body.choices) && body.choices.length > 0) {
    const choices = body.choices.filter(isRecord);
    const texts = choices.map((choice) => {
      const message = isRecord(choice.message) ? choice.message : {};
      return [contentText(message.content), toolCallsText(message)].filter((part) => part !== '').join('\n');
    });
    const finish = choices[0]?.finish_reason;
    return { text: texts.join('\n'), choiceCount: Math.max(1, choices.length), finishReason: typeof finish === 'string' ? finish : null };
  }
  if (Array.isArray(body.content)) {
    return { text: contentText(body.content), choiceCount: 1, finishReason: typeof body.stop_reason === 'string' ? body.stop_reason : null };
  }
  return { text: null, choiceCount: 1, finishReason: null };
}

const count = (usage: Record<string, unknown>, path: string) => tokenCount(readPath(usage, path));
const firstCount = (usage: Record<string, unknown>, paths: string[]) => paths.map((path) => count(usage, path)).find((value) => value !== null) ?? null;

/** Cache writes with a 1 h TTL, wherever the usage object keeps them (Anthropic, LiteLLM, Helicone gateway). */
const WRITE_1H_PATHS = ['cache_creation.ephemeral_1h_input_tokens', 'prompt_tokens_details.cache_creation_token_details.ephemeral_1h_input_tokens', 'prompt_tokens_details.cache_write_details.write_1h_tokens'];

/**
 * A usage object in canonical terms. OpenAI shape (`prompt_tokens`, which includes cache reads;
 * LiteLLM adds Anthropic's `cache_creation_input_tokens`): as it is. Anthropic shape
 * (`input_tokens` without `input_tokens_details`), which excludes cache reads and writes: they are
 * added back. OpenAI Responses shape (`input_tokens` with `input_tokens_details`): as it is.
 */
export function usageFromObject(usage: Record<string, unknown>): LoggedUsage {
  const result = emptyUsage();
  result.cacheWrite1hTokens = firstCount(usage, WRITE_1H_PATHS);
  // LiteLLM's metadata.additional_usage_values is an OpenAI usage object without the two counts.
  const openAiShape = ['prompt_tokens', 'completion_tokens', 'prompt_tokens_details', 'completion_tokens_details'].some((key) => key in usage);
  if (openAiShape) {
    result.inputTokens = count(usage, 'prompt_tokens');
    result.outputTokens = count(usage, 'completion_tokens');
    result.cachedInputTokens = firstCount(usage, ['prompt_tokens_details.cached_tokens', 'cache_read_input_tokens']);
    result.cacheWriteTokens = firstCount(usage, ['cache_creation_input_tokens', 'prompt_tokens_details.cache_creation_tokens', 'prompt_tokens_details.cache_write_tokens']);
    result.reasoningTokens = count(usage, 'completion_tokens_details.reasoning_tokens');
  } else if (isRecord(usage.input_tokens_details) || isRecord(usage.output_tokens_details)) {
    result.inputTokens = count(usage, 'input_tokens');
    result.outputTokens = count(usage, 'output_tokens');
    result.cachedInputTokens = count(usage, 'input_tokens_details.cached_tokens');
    result.reasoningTokens = count(usage, 'output_tokens_details.reasoning_tokens');
  } else {
    const uncached = count(usage, 'input_tokens');
    result.cachedInputTokens = count(usage, 'cache_read_input_tokens');
    result.cacheWriteTokens = count(usage, 'cache_creation_input_tokens');
    result.inputTokens = uncached === null ? null : uncached + (result.cachedInputTokens ?? 0) + (result.cacheWriteTokens ?? 0);
    result.outputTokens = count(usage, 'output_tokens');
  }
  return result;
}

/** The usage of a response body (`body.usage`), or null when it has none. */
export function usageFromBody(body: Record<string, unknown>): LoggedUsage | null {
  return isRecord(body.usage) ? usageFromObject(body.usage) : null;
}

/**
 * The first negative token count in a usage object (keys ending in `tokens`, nested details
 * included), as a quarantine detail naming its path; null when there is none.
 */
export function negativeTokenCount(usage: unknown, path: string, depth = 0): string | null {
  if (!isRecord(usage) || depth > 3) return null;
  for (const [key, value] of Object.entries(usage)) {
    if (key.endsWith('tokens') && typeof value === 'number' && value < 0) return `${path}.${key}: expected a non-negative integer, got ${value}`;
    const nested = negativeTokenCount(value, `${path}.${key}`, depth + 1);
    if (nested) return nested;
  }
  return null;
}

/** A JSON cell as an object, or null when it is empty (`{}`), absent or not an object. */
export function objectCell(value: unknown): Record<string, unknown> | null {
  const parsed = jsonValue(value);
  return isRecord(parsed) && Object.keys(parsed).length > 0 ? parsed : null;
}

/**
 * Fills a request from its bodies: the prompt's messages and parameters (when the row had a
 * request body) and the response's output; a prompt that cannot be read rejects the row.
 */
export function applyBodies(request: CanonicalRequest, prompt: PromptResult | null, response: Record<string, unknown> | null): (AdapterResult & { ok: false }) | null {
  if (prompt && !prompt.ok) return { ok: false, reason: 'invalid field', detail: prompt.detail };
  if (prompt) {
    request.messages = prompt.messages;
    request.params = prompt.params;
  }
  if (response) {
    const output = outputFromBody(response);
    request.output = output.text;
    request.choiceCount = request.params.n ?? output.choiceCount;
    request.finishReason = output.finishReason;
  }
  return null;
}
