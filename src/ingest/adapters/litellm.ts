// LiteLLM proxy spend logs: rows of the LiteLLM_SpendLogs table (a Postgres dump, the /spend/logs
// API, or a CSV/Parquet export of either), one row per call through the proxy.
//
// Field names and meanings from:
// - schema.prisma, model LiteLLM_SpendLogs (github.com/BerriAI/litellm/blob/main/schema.prisma):
//   the columns; `cache_hit` is a string, `metadata`, `request_tags`, `messages`, `response`,
//   `proxy_server_request` are JSON.
// - litellm/proxy/spend_tracking/spend_tracking_utils.py, get_logging_payload (what each column
//   holds): `user` is the key owner's user_api_key_user_id, `end_user` the caller's `user`;
//   `cache_hit` is str(bool); `metadata.additional_usage_values` / `metadata.usage_object` keep the
//   usage beyond prompt/completion tokens; `proxy_server_request` is the request body; `session_id`
//   is the trace id, or a fresh uuid per call when none was passed; `status` 'success'/'failure'.
// - https://docs.litellm.ai/docs/proxy/ui_logs: bodies are stored only with store_prompts_in_spend_logs.
// - https://docs.litellm.ai/docs/completion/prompt_caching: `prompt_tokens` includes cache hits
//   (`prompt_tokens_details.cached_tokens`); `cache_creation_input_tokens` are Anthropic cache writes.
// - https://docs.litellm.ai/docs/proxy/cost_tracking: `spend` in USD, request tags, end users.
import { z } from 'zod';
import type { CanonicalRequest, LoggedUsage } from '../canonical.js';
import { parseTimestampMs } from '../fields.js';
import { inferProvider } from '../../pricing/catalogue.js';
import { showValue } from '../../config/issues.js';
import type { AdapterContext, AdapterResult, LogAdapter } from './types.js';
import { usageInconsistency } from './canonical.js';
import { chatMessages, emptyRequest, jsonValue } from './chat-messages.js';
import { amountColumn, idColumn, jsonColumn, mappedText, negativeTokenCount, nonEmptyText, applyBodies, objectCell, promptFromBody, rowRejection, timeColumn, tokenColumn, usageFromObject } from './provider-bodies.js';
import { isRecord } from './chat-messages.js';

const rowSchema = z.looseObject({
  request_id: idColumn,
  call_type: z.string().nullish(),
  startTime: timeColumn,
  endTime: timeColumn.nullish(),
  completionStartTime: timeColumn.nullish(),
  request_duration_ms: amountColumn,
  model: z.string().nullish(),
  model_group: z.string().nullish(),
  custom_llm_provider: z.string().nullish(),
  spend: amountColumn,
  prompt_tokens: tokenColumn,
  completion_tokens: tokenColumn,
  total_tokens: tokenColumn,
  user: idColumn,
  end_user: idColumn,
  session_id: idColumn,
  metadata: jsonColumn(z.record(z.string(), z.unknown()).nullish()),
  request_tags: jsonColumn(z.array(z.unknown()).nullish()),
  cache_hit: z.union([z.string(), z.boolean()]).nullish(),
  status: z.string().nullish(),
});

type SpendLogRow = z.output<typeof rowSchema>;

/** LiteLLM tags every call with the client's user agent; those tags are not features. */
const USER_AGENT_TAG = /^User-Agent:/i;

/** The row with its JSON cells parsed, so config `fields:` paths can reach into them. */
function parsedView(record: Record<string, unknown>): Record<string, unknown> {
  const view: Record<string, unknown> = { ...record };
  for (const key of ['metadata', 'request_tags', 'messages', 'response', 'proxy_server_request']) view[key] = jsonValue(record[key]);
  return view;
}

/** The usage object beyond the prompt/completion columns: from metadata, else the stored response. */
function detailedUsage(row: SpendLogRow, response: Record<string, unknown> | null): { usage: Record<string, unknown>; path: string } | null {
  const metadata = row.metadata ?? {};
  if (isRecord(metadata.usage_object)) return { usage: metadata.usage_object, path: 'metadata.usage_object' };
  if (isRecord(metadata.additional_usage_values)) return { usage: metadata.additional_usage_values, path: 'metadata.additional_usage_values' };
  if (response && isRecord(response.usage)) return { usage: response.usage, path: 'response.usage' };
  return null;
}

/**
 * Usage: the prompt/completion columns, cache and reasoning counts from the usage object. LiteLLM
 * releases whose Anthropic prompt_tokens left cache writes out show it as reads + writes above
 * prompt_tokens: the writes are added back (undetectable when the uncached rest exceeds the writes).
 */
function usageOf(row: SpendLogRow, detailed: Record<string, unknown> | null): LoggedUsage {
  const fromObject = detailed ? usageFromObject(detailed) : null;
  const usage: LoggedUsage = {
    inputTokens: row.prompt_tokens ?? fromObject?.inputTokens ?? null,
    outputTokens: row.completion_tokens ?? fromObject?.outputTokens ?? null,
    cachedInputTokens: fromObject?.cachedInputTokens ?? null,
    cacheWriteTokens: fromObject?.cacheWriteTokens ?? null,
    cacheWrite1hTokens: fromObject?.cacheWrite1hTokens ?? null,
    reasoningTokens: fromObject?.reasoningTokens ?? null,
  };
  const reads = usage.cachedInputTokens ?? 0;
  const writes = usage.cacheWriteTokens ?? 0;
  if (usage.inputTokens !== null && reads <= usage.inputTokens && reads + writes > usage.inputTokens) usage.inputTokens += writes;
  return usage;
}

/** `openai/gpt-4o` → `gpt-4o` when the prefix is the provider LiteLLM routed to (the catalogue knows the bare name). */
function bareModel(model: string, provider: string | null): string {
  const slash = model.indexOf('/');
  return provider && slash > 0 && model.slice(0, slash).toLowerCase() === provider.toLowerCase() ? model.slice(slash + 1) : model;
}

function elapsedMs(startMs: number, end: unknown): number | null {
  const endMs = end === undefined || end === null ? null : parseTimestampMs(end);
  return endMs !== null && endMs >= startMs ? endMs - startMs : null;
}

function featureOf(row: SpendLogRow, view: Record<string, unknown>, context: AdapterContext): string {
  const tag = (row.request_tags ?? []).map(nonEmptyText).find((text) => text !== null && !USER_AGENT_TAG.test(text));
  const metadata = row.metadata ?? {};
  const spendLogsMetadata = isRecord(metadata.spend_logs_metadata) ? metadata.spend_logs_metadata : {};
  return mappedText(view, context, 'feature') ?? tag ?? nonEmptyText(metadata.feature) ?? nonEmptyText(spendLogsMetadata.feature) ?? 'unknown';
}

/** The prompt: the `messages` column (older releases), else the stored request body. */
function promptOf(view: Record<string, unknown>): ReturnType<typeof promptFromBody> | null {
  const body = objectCell(view.proxy_server_request);
  const messages = view.messages;
  if (Array.isArray(messages) && messages.length > 0) {
    const listed = chatMessages(messages, 'messages');
    if (!listed.ok) return listed;
    const fromBody = body && Array.isArray(body.messages) ? promptFromBody(body, 'proxy_server_request') : null;
    const params = fromBody?.ok ? fromBody.params : { maxTokens: null, temperature: null, n: null, other: {} };
    return { ok: true, messages: listed.messages, params };
  }
  if (isRecord(messages) && Array.isArray(messages.messages)) return promptFromBody(messages, 'messages');
  if (body && Array.isArray(body.messages)) return promptFromBody(body, 'proxy_server_request');
  return null;
}

function toRequest(row: SpendLogRow, view: Record<string, unknown>, timestampMs: number, context: AdapterContext): AdapterResult {
  const providerColumn = nonEmptyText(row.custom_llm_provider)?.toLowerCase() ?? null;
  const model = bareModel(nonEmptyText(row.model) ?? nonEmptyText(row.model_group)!, providerColumn);
  const request: CanonicalRequest = emptyRequest(nonEmptyText(row.request_id) ?? context.rowHash, timestampMs, model, providerColumn ?? inferProvider(model));
  const response = objectCell(view.response);
  const detailed = detailedUsage(row, response);
  const negative = detailed ? negativeTokenCount(detailed.usage, detailed.path) : null;
  if (negative) return { ok: false, reason: 'negative token count', detail: negative };
  request.usage = usageOf(row, detailed?.usage ?? null);
  const inconsistency = usageInconsistency(request.usage);
  if (inconsistency) return { ok: false, reason: 'invalid field', detail: inconsistency };

  const unreadable = applyBodies(request, promptOf(view), response);
  if (unreadable) return unreadable;
  const metadata = row.metadata ?? {};
  request.feature = featureOf(row, view, context);
  request.userId = mappedText(view, context, 'user_id') ?? nonEmptyText(row.end_user) ?? nonEmptyText(row.user) ?? nonEmptyText(metadata.user_api_key_user_id);
  request.sessionId = mappedText(view, context, 'session_id') ?? nonEmptyText(row.session_id) ?? nonEmptyText(metadata.session_id);
  request.latencyMs = elapsedMs(timestampMs, row.endTime) ?? row.request_duration_ms ?? null;
  request.ttftMs = elapsedMs(timestampMs, row.completionStartTime);
  request.status = row.status === 'failure' || metadata.status === 'failure' ? 'error' : 'ok';
  // A LiteLLM response-cache hit (cache_hit "True") never reached the provider: LiteLLM logs its
  // spend as 0 beside the tokens of the cached response. Nothing was billed, so the call is kept
  // (it was served) with zero billed usage; its text stays, for the duplicate and cache rules.
  if (row.cache_hit === true || String(row.cache_hit).toLowerCase() === 'true') {
    request.usage = { ...request.usage, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 };
    request.params.other = { ...request.params.other, gateway_cache_hit: true };
  }
  request.loggedCostUsd = row.spend ?? null;
  return { ok: true, request };
}

export const litellmAdapter: LogAdapter = {
  format: 'litellm',
  detect(record) {
    return 'startTime' in record && ('call_type' in record || 'spend' in record);
  },
  toCanonical(record, context) {
    const parsed = rowSchema.safeParse(record, { reportInput: true });
    if (!parsed.success) return rowRejection(parsed.error.issues[0]!);
    const row = parsed.data;
    if (!nonEmptyText(row.model) && !nonEmptyText(row.model_group)) {
      return { ok: false, reason: 'missing field', detail: 'model (or model_group) is required' };
    }
    const timestampMs = parseTimestampMs(row.startTime);
    if (timestampMs === null) {
      return { ok: false, reason: 'invalid timestamp', detail: `startTime: cannot read ${showValue(row.startTime)} as ISO 8601 or epoch seconds/ms` };
    }
    return toRequest(row, parsedView(record), timestampMs, context);
  },
};
