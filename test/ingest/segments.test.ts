import { describe, expect, it } from 'vitest';
import { emptyUsage, type CanonicalRequest } from '../../src/ingest/canonical.js';
import { bytesMatchLikeText, segmentRequest, splitRetrieval, splitterFor } from '../../src/ingest/segments.js';
import { DEFAULT_RETRIEVAL_EXTRACT } from '../../src/config/audit.js';

const extract = new RegExp(DEFAULT_RETRIEVAL_EXTRACT, 'g');

function request(overrides: Partial<CanonicalRequest>): CanonicalRequest {
  return {
    requestId: 'r',
    timestampMs: 0,
    feature: 'f',
    userId: null,
    sessionId: null,
    provider: 'openai',
    model: 'gpt-4o',
    messages: [],
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
    ...overrides,
  };
}

describe('segments', () => {
  it('cuts a conversation into system, history, user and output, in prompt order', () => {
    const segments = segmentRequest(
      request({
        messages: [
          { role: 'system', text: 'sys' },
          { role: 'user', text: 'q1' },
          { role: 'assistant', text: 'a1' },
          { role: 'user', text: 'q2' },
        ],
        output: 'a2',
      }),
      splitterFor(extract),
    );
    expect(segments.map((s) => [s.kind, s.text])).toEqual([
      ['system', 'sys'],
      ['history', 'q1'],
      ['history', 'a1'],
      ['user', 'q2'],
      ['output', 'a2'],
    ]);
  });

  it('calls the agent turns after the last user message tool segments', () => {
    const segments = segmentRequest(
      request({
        messages: [
          { role: 'user', text: 'book a flight' },
          { role: 'assistant', text: 'search_flights({"to":"SFO"})' },
          { role: 'tool', text: '[{"flight":"UA1"}]' },
        ],
      }),
      splitterFor(extract),
    );
    expect(segments.map((s) => s.kind)).toEqual(['user', 'tool', 'tool']);
  });

  it('cuts document chunks out of the last user message and keeps their wrapper in the user text', () => {
    const { chunks, userText } = splitRetrieval('<document id="d1">Alpha beta.</document> <document id="d2">Gamma.</document> Q?', [], extract);
    expect(chunks).toEqual([
      { id: 'd1', text: 'Alpha beta.' },
      { id: 'd2', text: 'Gamma.' },
    ]);
    expect(userText).toBe('<document id="d1"></document> <document id="d2"></document> Q?');
  });

  it('cuts the text group where the regex matched it, not where the same text first appears in the match', () => {
    // "d" first appears in "<document", before the group: the cut must be the group's own place
    const first = splitRetrieval('<document id="a">d</document> Q?', [], extract);
    expect(first.chunks).toEqual([{ id: 'a', text: 'd' }]);
    expect(first.userText).toBe('<document id="a"></document> Q?');
    // a custom regex whose id and text are the same word
    const twice = splitRetrieval('[kb1] kb1\n\nQ?', [], /\[(?<id>\w+)\] (?<text>\w+)/g);
    expect(twice.chunks).toEqual([{ id: 'kb1', text: 'kb1' }]);
    expect(twice.userText).toBe('[kb1] \n\nQ?');
  });

  it('cuts the same chunks out of a message\'s UTF-8 bytes as out of its text with the default regex', () => {
    const bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    const messages = [
      '<document id="réf-1">Le café coûte 3 €.</document> <document id="doc-😀">Ω ≈ ∑</document> Merci !',
      // U+2028 (a line terminator), U+00A0 (white space) and U+0085, whose UTF-8 holds the bytes 0x85 and 0xA0
      '<document id="a\u2028b">x\u00a0y\u0085z\u2028</document>',
      // an id with a quote in it never matches; an unterminated document is left in the user text
      '<document id="é"x">no</document><document id="ü">yes</document><document id="ö">open',
      '<document id="">empty id</document> — <document id="日本">日本語の文書</document>',
    ];
    for (const message of messages) {
      const text = splitRetrieval(message, [], extract);
      const fromBytes = splitRetrieval(bytes(message), [], extract);
      expect(fromBytes.chunks).toEqual(text.chunks.map((chunk) => ({ id: bytes(chunk.id), text: bytes(chunk.text) })));
      expect(fromBytes.userText).toBe(bytes(text.userText));
    }
    expect(splitRetrieval(messages[2]!, [], extract).chunks).toEqual([{ id: 'ü', text: 'yes' }]);
    expect(bytesMatchLikeText(DEFAULT_RETRIEVAL_EXTRACT)).toBe(true);
  });

  it('leaves any other regex to the decoded text, where a character is not its bytes', () => {
    // `.` stops at U+2028, but not at its three bytes
    const dot = '<d>(?<text>.+)</d>';
    expect(bytesMatchLikeText(dot)).toBe(false);
    const message = '<d>a\u2028b</d>';
    expect(splitRetrieval(message, [], new RegExp(dot, 'g')).chunks).toEqual([]);
    expect(splitRetrieval(Buffer.from(message, 'utf8').toString('latin1'), [], new RegExp(dot, 'g')).chunks).toHaveLength(1);
  });

  it('prefers the log\'s explicit retrieval list and removes those texts from the user message', () => {
    const { chunks, userText } = splitRetrieval('Context: Alpha beta. Question: Q?', [{ id: 'k1', text: 'Alpha beta.' }], extract);
    expect(chunks).toEqual([{ id: 'k1', text: 'Alpha beta.' }]);
    expect(userText).toBe('Context:  Question: Q?');
  });

  it('only cuts chunks out of the last user message, not out of history', () => {
    const segments = segmentRequest(
      request({
        messages: [
          { role: 'user', text: '<document id="old">Old chunk.</document> first?' },
          { role: 'assistant', text: 'answer' },
          { role: 'user', text: 'second?' },
        ],
      }),
      splitterFor(extract),
    );
    expect(segments.filter((s) => s.kind === 'retrieval')).toEqual([]);
    expect(segments[0]).toMatchObject({ kind: 'history', text: '<document id="old">Old chunk.</document> first?' });
  });

  it('skips empty texts but keeps the rest numbered in order', () => {
    const segments = segmentRequest(request({ messages: [{ role: 'system', text: '' }, { role: 'user', text: 'hi' }] }), splitterFor(extract));
    expect(segments).toEqual([{ ordinal: 0, kind: 'user', role: 'user', messageIndex: 1, chunkId: null, text: 'hi' }]);
  });
});
