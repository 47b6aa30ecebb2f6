// Byte strings: UTF-8 text held as a JavaScript string of one character per byte (read as
// Latin-1). The parser reads log lines this way and keeps every text in that form up to the
// staged NDJSON, which it writes back as the very same bytes: V8 parses, hashes, compares and
// copies such one-byte strings several times faster than the two-byte strings that decoding
// UTF-8 makes, and the md5 of a byte string's bytes is the md5 of the text's UTF-8.
//
// Concatenating, comparing, JSON.stringify and indexOf/slice at what indexOf finds mean the same
// on the bytes as on the text (UTF-8 is self-synchronizing). Anything that reads characters —
// case, character classes, dates, token counts, messages for people — gets the decoded text.
import type { CanonicalRequest } from './canonical.js';

const NON_ASCII = /[\u0080-\uffff]/;

export function hasNonAscii(text: string): boolean {
  return NON_ASCII.test(text);
}

/** The byte string of a text. */
export function toByteString(text: string): string {
  return hasNonAscii(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/** The text a byte string holds. */
export function fromByteString(bytes: string): string {
  return hasNonAscii(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes;
}

/** The byte string of UTF-8 bytes (which must be valid UTF-8: invalid bytes would pass through). */
export function byteStringOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Characters that JSON.stringify escapes and jsonString's quick way does not: control characters but the newline, and surrogates. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const ESCAPED_ANOTHER_WAY = /[\u0000-\u0009\u000b-\u001f\ud800-\udfff]/;

/**
 * JSON.stringify(text), the very same string, three times faster on a long text without control
 * characters (the staged texts, a few newlines aside): only the backslash, the quote and the
 * newline need an escape then, and replacing them is quicker than V8's character-by-character
 * escaping. Anything else goes to JSON.stringify.
 */
export function jsonString(text: string): string {
  if (ESCAPED_ANOTHER_WAY.test(text)) return JSON.stringify(text);
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}

/** Every string in a JSON-like value (object keys too) as a byte string. */
function valueToBytes(value: unknown): unknown {
  if (typeof value === 'string') return toByteString(value);
  if (Array.isArray(value)) return value.map(valueToBytes);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [toByteString(key), valueToBytes(inner)]));
  return value;
}

const orNull = (text: string | null) => (text === null ? null : toByteString(text));

/** A request read from decoded text, with its strings as byte strings. */
export function requestToBytes(request: CanonicalRequest): CanonicalRequest {
  return {
    ...request,
    requestId: toByteString(request.requestId),
    feature: toByteString(request.feature),
    userId: orNull(request.userId),
    sessionId: orNull(request.sessionId),
    provider: toByteString(request.provider),
    model: toByteString(request.model),
    messages:
      request.messages?.map((message) => (message.name === undefined ? { role: message.role, text: toByteString(message.text) } : { role: message.role, text: toByteString(message.text), name: toByteString(message.name) })) ?? null,
    retrieval: request.retrieval.map((chunk) => ({ id: toByteString(chunk.id), text: toByteString(chunk.text) })),
    output: orNull(request.output),
    finishReason: orNull(request.finishReason),
    params: { ...request.params, other: valueToBytes(request.params.other) as Record<string, unknown> },
  };
}
