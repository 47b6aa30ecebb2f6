// Small, format-independent readers for log values: dot paths, timestamps, message content.
import type { CanonicalMessage, Role } from './canonical.js';

/** Reads `a.b.c` (and `a.0.b` for arrays) from a record; undefined when any step is missing. */
export function readPath(record: unknown, path: string): unknown {
  let value: unknown = record;
  for (const step of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

const NAIVE_DATETIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
/** Epoch values above this are milliseconds (1e11 s is the year 5138). */
const EPOCH_MS_THRESHOLD = 1e11;
const MIN_VALID_MS = Date.UTC(1990, 0, 1);
const MAX_VALID_MS = Date.UTC(2200, 0, 1);

/** ISO 8601 as Date.parse reads it: a zone-less time is UTC, `+00` becomes `+00:00`. */
function normalizeIso(text: string): string {
  if (NAIVE_DATETIME.test(text)) return `${text.replace(' ', 'T')}Z`;
  return text.replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, '$1T$2').replace(/([+-]\d{2})$/, '$1:00');
}

/**
 * Epoch milliseconds from an ISO 8601 string (a zone-less one is UTC, never local time),
 * or epoch seconds / milliseconds as a number or digit string; null when unparseable.
 */
export function parseTimestampMs(value: unknown): number | null {
  let ms: number;
  if (typeof value === 'number') {
    ms = value > EPOCH_MS_THRESHOLD ? value : value * 1000;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return parseTimestampMs(Number(text));
    ms = Date.parse(normalizeIso(text));
  } else {
    return null;
  }
  if (!Number.isFinite(ms) || ms < MIN_VALID_MS || ms > MAX_VALID_MS) return null;
  return Math.round(ms);
}

const ROLES: Record<string, Role> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  ai: 'assistant',
  model: 'assistant',
  tool: 'tool',
  function: 'tool',
  ipython: 'tool',
};

export function canonicalRole(role: string): Role | undefined {
  return ROLES[role.toLowerCase()];
}

const MAX_CONTENT_DEPTH = 8;

/**
 * Content (a string, or a list of content blocks) flattened to the text the model read.
 * Images, audio and files are not text: they are counted from usage, not re-tokenized.
 */
export function contentText(content: unknown, depth = 0): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (depth > MAX_CONTENT_DEPTH) return '';
  if (Array.isArray(content)) {
    return content
      .map((block) => contentText(block, depth + 1))
      .filter((text) => text !== '')
      .join('\n');
  }
  if (typeof content !== 'object') return String(content);
  const block = content as Record<string, unknown>;
  if (typeof block.text === 'string') return block.text;
  if (block.type === 'tool_use' && typeof block.name === 'string') {
    return `${block.name}(${JSON.stringify(block.input ?? {})})`;
  }
  if ('content' in block) return contentText(block.content, depth + 1);
  return '';
}

/** OpenAI `tool_calls` (or the legacy `function_call`) rendered as `name(arguments)` lines. */
export function toolCallsText(message: Record<string, unknown>): string {
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : message.function_call ? [{ function: message.function_call }] : [];
  return calls
    .map((call) => {
      const fn = (call as { function?: { name?: unknown; arguments?: unknown } }).function ?? {};
      const args = typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {});
      return `${String(fn.name ?? 'tool')}(${args})`;
    })
    .join('\n');
}

export function messageText(message: Record<string, unknown>): string {
  // the common case, a plain text message, without the lists below
  if (typeof message.content === 'string' && message.tool_calls === undefined && message.function_call === undefined) return message.content;
  const parts = [contentText(message.content), toolCallsText(message)].filter((part) => part !== '');
  return parts.join('\n');
}

export function toMessage(role: Role, message: Record<string, unknown>): CanonicalMessage {
  const name = typeof message.name === 'string' && message.name !== '' ? message.name : undefined;
  return name ? { role, text: messageText(message), name } : { role, text: messageText(message) };
}
