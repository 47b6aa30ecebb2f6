// Pieces every provider-shaped adapter needs: chat message lists (OpenAI and Anthropic shapes)
// mapped to canonical messages, JSON held in string columns (CSV, Parquet), and a request skeleton.
import { emptyUsage, type CanonicalMessage, type CanonicalRequest } from '../canonical.js';
import { canonicalRole, contentText, toMessage } from '../fields.js';
import type { z } from 'zod';
import { formatPath, showValue } from '../../config/issues.js';
import type { AdapterResult, QuarantineReason } from './types.js';

export type MessagesResult = { ok: true; messages: CanonicalMessage[] } | { ok: false; detail: string };

/**
 * A chat message list (`[{role, content, name?, tool_calls?}]`, OpenAI or Anthropic shape) as
 * canonical messages. `path` names the field in error details (`request.messages`).
 */
export function chatMessages(value: unknown, path: string): MessagesResult {
  const list = jsonValue(value);
  if (!Array.isArray(list)) return { ok: false, detail: `${path}: expected a list of messages, got ${showValue(list)}` };
  const messages: CanonicalMessage[] = [];
  for (const [index, item] of list.entries()) {
    if (item === null || typeof item !== 'object' || typeof (item as { role?: unknown }).role !== 'string') {
      return { ok: false, detail: `${path}[${index}]: expected a message with a role, got ${showValue(item)}` };
    }
    const message = item as Record<string, unknown>;
    const role = canonicalRole(message.role as string);
    if (!role) return { ok: false, detail: `${path}[${index}].role: unknown role ${showValue(message.role)}` };
    messages.push(toMessage(role, message));
  }
  return { ok: true, messages };
}

/** A system prompt given apart (Anthropic `system`: a string or text blocks) as a message. */
export function systemMessage(system: unknown): CanonicalMessage[] {
  const text = contentText(jsonValue(system));
  return text === '' ? [] : [{ role: 'system', text }];
}

/** A JSON object (not null, not a list). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Values that exports store as JSON text (CSV cells, Parquet VARCHAR columns) parsed; others as they are. */
export function jsonValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const head = value.trimStart()[0];
  if (head !== '{' && head !== '[') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** A token count as logged: a non-negative integer (or its digit string), else null. */
export function tokenCount(value: unknown): number | null {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : null;
}

/** A canonical request with every optional field empty, for adapters to fill in. */
export function emptyRequest(requestId: string, timestampMs: number, model: string, provider: string): CanonicalRequest {
  return {
    requestId,
    timestampMs,
    feature: 'unknown',
    userId: null,
    sessionId: null,
    provider,
    model,
    messages: null,
    retrieval: [],
    output: null,
    choiceCount: 1,
    finishReason: null,
    usage: emptyUsage(),
    latencyMs: null,
    ttftMs: null,
    params: { maxTokens: null, temperature: null, n: null, other: {} },
    status: 'ok',
    batch: false,
    loggedCostUsd: null,
  };
}

function reasonFor(issue: z.core.$ZodIssue, input: unknown): QuarantineReason {
  if (input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) return 'missing field';
  if (issue.code === 'too_small' && typeof input === 'number' && input < 0 && issue.path.includes('usage')) return 'negative token count';
  return 'invalid field';
}

/** A zod issue as a quarantine reason with a detail naming the field path and the value found. */
export function zodRejection(issue: z.core.$ZodIssue): AdapterResult & { ok: false } {
  const input = 'input' in issue ? issue.input : undefined;
  const reason = reasonFor(issue, input);
  const path = formatPath(issue.path);
  const detail = reason === 'missing field' ? `${path} is required` : `${path}: ${issue.message.replace(/^Invalid input: /, '')}, got ${showValue(input)}`;
  return { ok: false, reason, detail };
}
