// Claude Code session logs (`~/.claude/projects/<project>/<session>.jsonl`, subagents in
// `<session>/subagents/*.jsonl`): one line per conversation event. An assistant line carries the
// API call's `message` (Anthropic Messages response: id, model, content, stop_reason, usage) and
// the `requestId`; Claude Code writes one line per content block of a response, each repeating
// the call's usage, so lines are merged per (message.id, requestId) and the call counted once.
// Format: Anthropic Messages API usage fields, https://docs.anthropic.com/en/api/messages
// (input_tokens excludes cache_creation_input_tokens and cache_read_input_tokens) and
// https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching (cache_creation
// ephemeral_5m/1h); the line shape as ccusage reads it (github.com/ryoppippi/ccusage,
// data-loader.ts usageDataSchema: timestamp, sessionId, requestId, message.{id, model, usage},
// costUSD) and daaain/claude-code-log's models.py (type, uuid, cwd, isSidechain).
import { basename, dirname, sep } from 'node:path';
import { z } from 'zod';
import { batchText, type LineBatch } from '../line-batch.js';
import { contentText, parseTimestampMs } from '../fields.js';
import { showValue } from '../../config/issues.js';
import type { AdapterContext, AdapterResult, LogAdapter, RegroupContext } from './types.js';
import { emptyRequest, zodRejection } from './chat-messages.js';
import { usageInconsistency } from './canonical.js';

const tokens = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullish();

const usageSchema = z.looseObject({
  input_tokens: tokens,
  output_tokens: tokens,
  cache_creation_input_tokens: tokens,
  cache_read_input_tokens: tokens,
  cache_creation: z.looseObject({ ephemeral_5m_input_tokens: tokens, ephemeral_1h_input_tokens: tokens }).nullish(),
});

const callSchema = z.looseObject({
  timestamp: z.union([z.string(), z.number()]),
  sessionId: z.string().nullish(),
  requestId: z.string().nullish(),
  costUSD: z.number().nonnegative().nullish(),
  message: z.looseObject({
    id: z.string().nullish(),
    model: z.string().min(1),
    content: z.union([z.string(), z.array(z.unknown()), z.null()]).optional(),
    stop_reason: z.string().nullish(),
    usage: usageSchema,
  }),
});

type Record_ = Record<string, unknown>;

function messageOf(record: Record_): Record_ | null {
  const message = record.message;
  return message && typeof message === 'object' && !Array.isArray(message) ? (message as Record_) : null;
}

/** An assistant line with usage: one (part of one) billed API call. */
function isCall(record: Record_): boolean {
  const message = messageOf(record);
  if (!message || !message.usage || typeof message.usage !== 'object') return false;
  if (record.type !== undefined && record.type !== 'assistant') return false;
  // Claude Code writes local errors as "<synthetic>" assistant messages; the API never ran.
  if (message.model === '<synthetic>' || record.isApiErrorMessage === true) return false;
  return true;
}

/** The call a line belongs to: (message.id, requestId), null when the line names neither. */
function callKey(record: Record_): string | null {
  const messageId = messageOf(record)?.id;
  const requestId = record.requestId;
  if (typeof messageId !== 'string' && typeof requestId !== 'string') return null;
  return `${typeof messageId === 'string' ? messageId : ''}:${typeof requestId === 'string' ? requestId : ''}`;
}

/** The project folder under `.claude/projects/`, else the folder holding the file. */
export function projectOf(file: string): string {
  const parts = file.split(sep);
  const at = parts.lastIndexOf('projects');
  if (at >= 0 && at + 1 < parts.length - 1) return parts[at + 1]!;
  return basename(dirname(file));
}

/**
 * Response content as text: text blocks and tool calls. Thinking blocks are left out, as in the
 * anthropic adapter: Claude 4 logs a summary of its thinking, not the thinking it billed.
 */
function outputText(content: unknown): string {
  if (!Array.isArray(content)) return contentText(content);
  return content
    .filter((block) => (block as { type?: unknown } | null)?.type !== 'thinking')
    .map((block) => contentText(block))
    .filter((text) => text !== '')
    .join('\n');
}

/** Lines of one call merged: every content block in order, the largest output count (streamed lines may carry partial counts). */
function mergeCall(lines: Record_[]): Record_ {
  const first = lines[0]!;
  const message = messageOf(first)!;
  const content = lines.flatMap((line) => {
    const blocks = messageOf(line)?.content;
    return Array.isArray(blocks) ? blocks : blocks ? [{ type: 'text', text: String(blocks) }] : [];
  });
  const usages = lines.map((line) => messageOf(line)!.usage as Record_);
  const outputs = usages.map((usage) => usage.output_tokens).filter((n): n is number => typeof n === 'number');
  const usage = { ...usages[usages.length - 1]!, ...(outputs.length > 0 ? { output_tokens: Math.max(...outputs) } : {}) };
  const last = messageOf(lines[lines.length - 1]!)!;
  return { ...first, message: { ...message, content, usage, stop_reason: last.stop_reason ?? message.stop_reason ?? null } };
}

function toCanonical(record: Record_, context: AdapterContext): AdapterResult {
  const parsed = callSchema.safeParse(record, { reportInput: true });
  if (!parsed.success) return zodRejection(parsed.error.issues[0]!);
  const line = parsed.data;
  const timestampMs = parseTimestampMs(line.timestamp);
  if (timestampMs === null) return { ok: false, reason: 'invalid timestamp', detail: `timestamp: cannot read ${showValue(line.timestamp)}` };
  const usage = line.message.usage;
  const read = usage.cache_read_input_tokens ?? 0;
  const written = usage.cache_creation_input_tokens ?? 0;
  const key = callKey(record);
  const request = emptyRequest(key ?? context.rowHash, timestampMs, line.message.model, 'anthropic');
  request.feature = projectOf(context.file);
  request.sessionId = line.sessionId ?? null;
  // The prompt is not in the log whole (Claude Code's system prompt and tool definitions are
  // not written): the call is audited from its usage, its output text recounted.
  request.output = outputText(line.message.content);
  request.finishReason = line.message.stop_reason ?? null;
  request.usage = {
    // Anthropic's input_tokens excludes cache reads and writes; canonical input includes them.
    inputTokens: (usage.input_tokens ?? 0) + read + written,
    outputTokens: usage.output_tokens ?? null,
    cachedInputTokens: read,
    cacheWriteTokens: written,
    cacheWrite1hTokens: usage.cache_creation?.ephemeral_1h_input_tokens ?? null,
    reasoningTokens: null,
  };
  request.loggedCostUsd = line.costUSD ?? null;
  const inconsistency = usageInconsistency(request.usage);
  if (inconsistency) return { ok: false, reason: 'invalid field', detail: inconsistency };
  return { ok: true, request };
}

/** Merges the lines of each call in a session file; every other line passes through as it is. */
async function* regroup(batches: AsyncIterable<LineBatch>, context: RegroupContext): AsyncGenerator<LineBatch> {
  // A session file is held whole (they are small): a call's lines need not be adjacent.
  const calls = new Map<string, { line: number; records: Record_[] }>();
  const passThrough: Array<{ line: number; raw: string }> = [];
  for await (const batch of batches) {
    batchText(batch).split('\n').forEach((raw, index) => {
      const line = batch.lines?.[index] ?? batch.firstLine + index;
      let record: unknown = null;
      try {
        record = JSON.parse(raw);
      } catch {
        // Not JSON: the worker quarantines it with its line.
      }
      const typed = record && typeof record === 'object' && !Array.isArray(record) ? (record as Record_) : null;
      const key = typed && isCall(typed) ? callKey(typed) : null;
      if (typed === null || key === null) {
        if (raw.trim() !== '') passThrough.push({ line, raw });
        return;
      }
      const call = calls.get(key);
      if (call) {
        call.records.push(typed);
        context.merged++;
      } else {
        calls.set(key, { line, records: [typed] });
      }
    });
  }
  const out = [...passThrough, ...[...calls.values()].map(({ line, records }) => ({ line, raw: JSON.stringify(mergeCall(records)) }))];
  out.sort((a, b) => a.line - b.line);
  if (out.length > 0) yield { firstLine: out[0]!.line, text: out.map((entry) => entry.raw).join('\n'), lines: out.map((entry) => entry.line) };
}

export const claudeCodeAdapter: LogAdapter = {
  format: 'claude-code',
  detect(record) {
    if ('messages' in record || 'model' in record || 'usage' in record) return false;
    if (record.type === 'summary' && 'leafUuid' in record) return true;
    if (record.type === 'file-history-snapshot' && 'snapshot' in record) return true;
    const message = messageOf(record);
    if (typeof record.sessionId === 'string') return message !== null || typeof record.type === 'string';
    return message !== null && (record.type === 'assistant' || record.type === 'user');
  },
  expand(record) {
    // User turns, summaries, system events and local errors are not API calls.
    return isCall(record) ? { records: [record], skipped: 0 } : { records: [], skipped: 1 };
  },
  toCanonical,
  regroup,
};
