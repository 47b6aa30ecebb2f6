// The canonical request: what every log format adapter produces and what the rest of the
// pipeline trusts. Field meanings follow DESIGN.md "Canonical request".

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface CanonicalMessage {
  role: Role;
  /** Content blocks flattened to text; tool calls rendered as `name(arguments)` lines. */
  text: string;
  /** The OpenAI `name` field, which costs one token in the chat format. */
  name?: string;
}

export interface RetrievalChunk {
  id: string;
  text: string;
}

/** Usage as logged. `inputTokens` is all prompt tokens, cache reads and writes included. */
export interface LoggedUsage {
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  cacheWriteTokens: number | null;
  /** The part of cacheWriteTokens written with a 1 h TTL (Anthropic prices it apart). */
  cacheWrite1hTokens: number | null;
  reasoningTokens: number | null;
}

export interface RequestParams {
  maxTokens: number | null;
  temperature: number | null;
  n: number | null;
  /** Every other parameter, as logged: part of the duplicate and response-cache key. */
  other: Record<string, unknown>;
}

export interface CanonicalRequest {
  requestId: string;
  /** Epoch milliseconds, UTC. */
  timestampMs: number;
  feature: string;
  userId: string | null;
  sessionId: string | null;
  provider: string;
  model: string;
  /** null when the log carries no message text (token-count traces). */
  messages: CanonicalMessage[] | null;
  /** Chunks given explicitly by the log; chunks cut out of message text are added later. */
  retrieval: RetrievalChunk[];
  output: string | null;
  choiceCount: number;
  finishReason: string | null;
  usage: LoggedUsage;
  latencyMs: number | null;
  ttftMs: number | null;
  params: RequestParams;
  status: 'ok' | 'error';
  /** Billed at batch prices (the log says so). */
  batch: boolean;
  /** Cost the log itself reports, compared with ours, never trusted blindly. */
  loggedCostUsd: number | null;
}

/** Where a row came from, so every canonical row can be traced back. */
export interface SourceLocation {
  file: string;
  /** 1-based line for text formats, row number for Parquet and Arrow. */
  line: number;
}

export const emptyUsage = (): LoggedUsage => ({
  inputTokens: null,
  outputTokens: null,
  cachedInputTokens: null,
  cacheWriteTokens: null,
  cacheWrite1hTokens: null,
  reasoningTokens: null,
});
