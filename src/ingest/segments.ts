// Cuts a canonical request into segments (DESIGN.md "Segments"): system, history, retrieval,
// user, tool, output — in prompt order, the output last.
import type { CanonicalRequest, RetrievalChunk } from './canonical.js';

export type SegmentKind = 'system' | 'history' | 'retrieval' | 'user' | 'tool' | 'output';

export interface Segment {
  ordinal: number;
  kind: SegmentKind;
  role: string | null;
  messageIndex: number | null;
  chunkId: string | null;
  text: string;
}

export function lastUserIndex(request: CanonicalRequest): number {
  const messages = request.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return i;
  return -1;
}

/** The extraction regex's default source: documents wrapped in `<document id="…">…</document>`. */
export const DEFAULT_RETRIEVAL_EXTRACT = '<document id="(?<id>[^"]+)">(?<text>[\\s\\S]*?)</document>';

/**
 * Whether an extraction regex matches a byte string (byte-strings.ts) exactly where it matches
 * the text the bytes hold, with each group's bytes the UTF-8 of its text: true of the default
 * one. Its literals are ASCII, which in UTF-8 are whole characters and never part of another
 * character's bytes, so a match starts and ends at the same places in both; `[^"]` and `[\s\S]`
 * take every byte of a non-ASCII character as they take the character. Not true of regexes in
 * general (`.` stops at U+2028 but not at its bytes; `\w` with the `u` and `i` flags, a
 * character counted by `{n}`): they read the decoded text.
 */
export function bytesMatchLikeText(source: string): boolean {
  return source === DEFAULT_RETRIEVAL_EXTRACT;
}

export interface RetrievalSplit {
  chunks: RetrievalChunk[];
  userText: string;
}

/**
 * The chunks of the last user message and the user text without them. Explicit chunks (the
 * log's `retrieval` list) are cut out where their text appears verbatim; otherwise the
 * extraction regex's `text` group is cut out and its wrapper (e.g. `<document id=…>`) stays.
 */
export function splitRetrieval(userText: string, explicit: RetrievalChunk[], extract: RegExp | null): RetrievalSplit {
  if (explicit.length > 0) {
    let rest = userText;
    for (const chunk of explicit) {
      const at = chunk.text === '' ? -1 : rest.indexOf(chunk.text);
      if (at >= 0) rest = rest.slice(0, at) + rest.slice(at + chunk.text.length);
    }
    return { chunks: explicit, userText: rest };
  }
  if (!extract) return { chunks: [], userText };
  const chunks: RetrievalChunk[] = [];
  let rest = '';
  let from = 0;
  for (const match of userText.matchAll(withIndices(extract))) {
    const text = match.groups?.text;
    const at = match.indices?.groups?.text;
    if (text === undefined || at === undefined) continue;
    chunks.push({ id: match.groups?.id ?? String(chunks.length + 1), text });
    // where the group matched: the same text may also appear earlier in the match (in its id or wrapper)
    rest += userText.slice(from, at[0]);
    from = at[1];
  }
  return { chunks, userText: rest + userText.slice(from) };
}

const indexed = new WeakMap<RegExp, RegExp>();

/** The regex with the `d` flag, which gives each group's place in the match (made once per regex). */
function withIndices(pattern: RegExp): RegExp {
  if (pattern.hasIndices && pattern.global) return pattern;
  let found = indexed.get(pattern);
  if (!found) {
    found = new RegExp(pattern.source, `${pattern.flags.replace(/[dg]/g, '')}dg`);
    indexed.set(pattern, found);
  }
  return found;
}

/** Segment kind of a message, given where the last user message is. */
function messageKind(role: string, index: number, lastUser: number): SegmentKind {
  if (role === 'system') return 'system';
  if (index < lastUser) return 'history';
  if (index === lastUser) return 'user';
  // After the last user message: the agent's own tool calls and their results.
  return lastUser >= 0 ? 'tool' : role === 'tool' ? 'tool' : 'history';
}

/** Cuts the retrieved chunks out of the last user message. */
export type RetrievalSplitter = (userText: string, explicit: RetrievalChunk[]) => RetrievalSplit;

/** splitRetrieval with this extraction regex. */
export function splitterFor(extract: RegExp | null): RetrievalSplitter {
  return (userText, explicit) => splitRetrieval(userText, explicit, extract);
}

export function segmentRequest(request: CanonicalRequest, splitUser: RetrievalSplitter): Segment[] {
  const segments: Segment[] = [];
  const push = (kind: SegmentKind, role: string | null, messageIndex: number | null, chunkId: string | null, text: string) => {
    if (text !== '') segments.push({ ordinal: segments.length, kind, role, messageIndex, chunkId, text });
  };
  const messages = request.messages ?? [];
  const lastUser = lastUserIndex(request);
  messages.forEach((message, index) => {
    const kind = messageKind(message.role, index, lastUser);
    if (kind !== 'user') return push(kind, message.role, index, null, message.text);
    const { chunks, userText } = splitUser(message.text, request.retrieval);
    for (const chunk of chunks) push('retrieval', message.role, index, chunk.id, chunk.text);
    push('user', message.role, index, null, userText);
  });
  if (lastUser < 0) {
    // No user message to hold them: explicit chunks still were part of the prompt.
    for (const chunk of request.retrieval) push('retrieval', null, null, chunk.id, chunk.text);
  }
  if (request.output) push('output', null, null, null, request.output);
  return segments;
}
