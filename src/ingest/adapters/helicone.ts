// Helicone request exports: rows of the request_response_rmt table as the export tool
// (`npx @helicone/export`, JSONL/JSON/CSV) and POST /v1/request/query-clickhouse return them.
//
// Field names and meanings from:
// - https://docs.helicone.ai/tools/export and https://docs.helicone.ai/rest/request/post-v1requestquery-clickhouse:
//   the export and its columns (request_id, request_created_at, request_body, response_body,
//   response_status, request_properties, request_user_id, prompt_tokens, prompt_cache_read_tokens,
//   prompt_cache_write_tokens, delay_ms, time_to_first_token, cost).
// - Helicone's HeliconeRequest type (packages/llm-mapper/types.ts) and its query
//   (valhalla/jawn/src/lib/stores/request/request.ts): `cost` is USD, `total_tokens` is
//   prompt + completion + reasoning tokens.
// - Token semantics, which the docs do not state, from the code that fills the columns:
//   packages/cost/usage/types.ts ("input: excluding cached or audio tokens; output: excluding
//   reasoning or audio tokens"), openAIUsageProcessor.ts and the jawn OpenAI body processor
//   (prompt_tokens − cached_tokens − audio_tokens), and the Anthropic body processors
//   (prompt_tokens = Anthropic input_tokens, cache writes and reads in their own columns). So for
//   both providers prompt_tokens excludes cache reads and writes, and they are added back.
// - https://docs.helicone.ai/features/advanced-usage/custom-properties and
//   https://docs.helicone.ai/helicone-headers/header-directory: `Helicone-Property-<Name>` headers
//   become request_properties; `Helicone-Session-Id` and `Helicone-User-Id` are headers too.
import { z } from 'zod';
import type { CanonicalRequest, LoggedUsage } from '../canonical.js';
import { parseTimestampMs } from '../fields.js';
import { inferProvider } from '../../pricing/catalogue.js';
import { showValue } from '../../config/issues.js';
import type { AdapterContext, AdapterResult, LogAdapter } from './types.js';
import { usageInconsistency } from './canonical.js';
import { emptyRequest } from './chat-messages.js';
import {
  amountColumn, applyBodies, idColumn, jsonColumn, mappedText, negativeTokenCount, nonEmptyText, objectCell,
  promptFromBody, rowRejection, timeColumn, tokenColumn, usageFromBody,
} from './provider-bodies.js';

const properties = jsonColumn(z.record(z.string(), z.unknown()).nullish());

const rowSchema = z.looseObject({
  request_id: idColumn,
  id: idColumn,
  request_created_at: timeColumn,
  response_status: z.preprocess((value) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value), z.number().int().nullish()),
  model: z.string().nullish(),
  request_model: z.string().nullish(),
  response_model: z.string().nullish(),
  provider: z.string().nullish(),
  prompt_tokens: tokenColumn,
  completion_tokens: tokenColumn,
  reasoning_tokens: tokenColumn,
  prompt_cache_read_tokens: tokenColumn,
  prompt_cache_write_tokens: tokenColumn,
  prompt_audio_tokens: tokenColumn,
  completion_audio_tokens: tokenColumn,
  request_properties: properties,
  properties,
  request_user_id: idColumn,
  user_id: idColumn,
  delay_ms: amountColumn,
  latency: amountColumn,
  time_to_first_token: amountColumn,
  cost: amountColumn,
  cost_usd: amountColumn,
  costUSD: amountColumn,
});

type HeliconeRow = z.output<typeof rowSchema>;

/** A custom property by name, case-insensitive, with or without the `Helicone-Property-` prefix. */
function property(props: Record<string, unknown>, name: string): string | null {
  for (const [key, value] of Object.entries(props)) {
    if (key.toLowerCase().replace(/^helicone-property-/, '') === name) {
      const text = nonEmptyText(value);
      if (text) return text;
    }
  }
  return null;
}

/**
 * Usage from Helicone's columns (prompt_tokens without cache reads, writes and audio; completion
 * without reasoning and audio), each count falling back to the response body's own usage.
 */
function usageOf(row: HeliconeRow, body: LoggedUsage | null): LoggedUsage {
  const cachedInputTokens = row.prompt_cache_read_tokens ?? body?.cachedInputTokens ?? null;
  const cacheWriteTokens = row.prompt_cache_write_tokens ?? body?.cacheWriteTokens ?? null;
  let inputTokens = body?.inputTokens ?? null;
  if (row.prompt_tokens !== null && row.prompt_tokens !== undefined) {
    inputTokens = row.prompt_tokens + (cachedInputTokens ?? 0) + (cacheWriteTokens ?? 0) + (row.prompt_audio_tokens ?? 0);
  }
  let outputTokens = body?.outputTokens ?? null;
  if (row.completion_tokens !== null && row.completion_tokens !== undefined) {
    outputTokens = row.completion_tokens + (row.reasoning_tokens ?? 0) + (row.completion_audio_tokens ?? 0);
  }
  return {
    inputTokens,
    outputTokens,
    cachedInputTokens,
    cacheWriteTokens,
    cacheWrite1hTokens: body?.cacheWrite1hTokens ?? null,
    reasoningTokens: row.reasoning_tokens ?? body?.reasoningTokens ?? null,
  };
}

function modelOf(row: HeliconeRow, requestBody: Record<string, unknown> | null, responseBody: Record<string, unknown> | null): string | null {
  return nonEmptyText(row.model) ?? nonEmptyText(row.response_model) ?? nonEmptyText(row.request_model) ?? nonEmptyText(responseBody?.model) ?? nonEmptyText(requestBody?.model);
}

function toRequest(row: HeliconeRow, record: Record<string, unknown>, timestampMs: number, context: AdapterContext): AdapterResult {
  const requestBody = objectCell(record.request_body);
  const responseBody = objectCell(record.response_body);
  const model = modelOf(row, requestBody, responseBody);
  if (!model) return { ok: false, reason: 'missing field', detail: 'model (or request_model, response_model) is required' };
  const provider = nonEmptyText(row.provider)?.toLowerCase() ?? inferProvider(model);
  const request: CanonicalRequest = emptyRequest(nonEmptyText(row.request_id) ?? nonEmptyText(row.id) ?? context.rowHash, timestampMs, model, provider);

  const negative = responseBody ? negativeTokenCount(responseBody.usage, 'response_body.usage') : null;
  if (negative) return { ok: false, reason: 'negative token count', detail: negative };
  request.usage = usageOf(row, responseBody ? usageFromBody(responseBody) : null);
  const inconsistency = usageInconsistency(request.usage);
  if (inconsistency) return { ok: false, reason: 'invalid field', detail: inconsistency };

  const prompt = requestBody && Array.isArray(requestBody.messages) ? promptFromBody(requestBody, 'request_body') : null;
  const unreadable = applyBodies(request, prompt, responseBody);
  if (unreadable) return unreadable;
  const props = { ...(row.properties ?? {}), ...(row.request_properties ?? {}) };
  const view = { ...record, request_body: requestBody, response_body: responseBody, request_properties: props, properties: props };
  request.feature = mappedText(view, context, 'feature') ?? property(props, 'feature') ?? 'unknown';
  request.userId = mappedText(view, context, 'user_id') ?? nonEmptyText(row.request_user_id) ?? nonEmptyText(row.user_id) ?? property(props, 'helicone-user-id');
  request.sessionId = mappedText(view, context, 'session_id') ?? property(props, 'helicone-session-id') ?? property(props, 'session');
  request.latencyMs = row.delay_ms ?? row.latency ?? null;
  request.ttftMs = row.time_to_first_token ?? null;
  request.status = (row.response_status ?? 0) >= 400 ? 'error' : 'ok';
  request.loggedCostUsd = row.cost ?? row.cost_usd ?? row.costUSD ?? null;
  return { ok: true, request };
}

export const heliconeAdapter: LogAdapter = {
  format: 'helicone',
  detect(record) {
    return 'request_created_at' in record && ('response_status' in record || 'request_body' in record || 'request_properties' in record);
  },
  toCanonical(record, context) {
    const parsed = rowSchema.safeParse(record, { reportInput: true });
    if (!parsed.success) return rowRejection(parsed.error.issues[0]!);
    const row = parsed.data;
    const timestampMs = parseTimestampMs(row.request_created_at);
    if (timestampMs === null) {
      return { ok: false, reason: 'invalid timestamp', detail: `request_created_at: cannot read ${showValue(row.request_created_at)} as ISO 8601 or epoch seconds/ms` };
    }
    return toRequest(row, record, timestampMs, context);
  },
};
